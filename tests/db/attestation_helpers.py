"""A child with guardians, an orthophonie prescription and séances; an image of a handwritten signature."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, time, timedelta

from PIL import Image, ImageDraw

from cocon_desktop.domain.child import ChildData, GuardianData
from cocon_desktop.domain.prescription import PrescriberData, PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import children, prescribers, prescriptions, seances
from cocon_desktop.services.practice_handle import Practice

TODAY = date(2026, 11, 23)
OCTOBER_DAYS = [date(2026, 10, 1), date(2026, 10, 8), date(2026, 10, 15), date(2026, 10, 22)]


def signature_png() -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 150), (150, 40), (260, 160), (400, 50), (560, 140)], fill=(20, 30, 120, 255),
                               width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def make_child(practice: Practice, last: str = "Dupont", first: str = "Léa", inclusion: str = "RPO-2025-0001",
               days: list[date] | None = None, exit_date: date | None = None, *, today: date = TODAY,
               birth: date = date(2025, 3, 1), valid: tuple[date, date] = (date(2026, 9, 1), date(2027, 2, 28))
               ) -> int:
    """A child with two guardians (one receiving attestations), an orthophonie prescription and its séances."""
    doctor = prescribers.save_prescriber(practice.sessions, PrescriberData(last_name="Achard", first_name="Hélène"))
    child_id = children.create_child(practice.sessions, ChildData(
        last_name=last, first_name=first, birth_date=birth, sex="F", gestational_weeks=30,
        inclusion_number=inclusion, network="RPO", guardians=(
            GuardianData(last_name=last, first_name="Sarah", relation="mere", address="12 rue des Lilas",
                         postcode="31000", city="Toulouse"),
            GuardianData(last_name="Oubli", first_name="Marc", relation="pere", receives_attestations=False))), today)
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=child_id, discipline="orthophonie", forfait_kind="precoce_0_24", sessions_authorised=30,
        valid_from=valid[0], valid_until=valid[1], prescribed_on=valid[0] - timedelta(days=7),
        prescriber_id=doctor), today)
    for index, day in enumerate(OCTOBER_DAYS if days is None else days):
        seances.record_seance(practice.sessions, SeanceData(child_id, day, time(9, 0),
                                                            kind="bilan_initial" if index == 0 else "seance"))
    if exit_date is not None:
        record = children.get_child(practice.sessions, child_id)
        children.update_child(practice.sessions, child_id, replace(record.data, exit_date=exit_date,
                                                                   exit_reason="demenagement"), today)
    return child_id
