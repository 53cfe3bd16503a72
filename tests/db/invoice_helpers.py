"""A practice with billable séances in two networks, and a plain (real) PDF renderer for the core tests."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from reportlab.pdfgen import canvas

from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import children, prescriptions, seances
from cocon_desktop.services.invoicing import RenderRequest
from cocon_desktop.services.practice_handle import Practice

TODAY = date(2026, 11, 23)
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def plain_render(request: RenderRequest) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 760, f"{request.number} {request.issue_date} {request.total}")
    for index, line in enumerate(request.lines):
        page.drawString(72, 740 - 14 * index, f"{line.day} {line.inclusion_number} {line.initials} {line.amount}")
    page.save()
    return out.getvalue()


def fill(practice: Practice, per_network: int = 3, weeks: int = 4) -> list[int]:
    """Children in RPO and RPM with an orthophonie prescription and weekly séances in October 2026."""
    ids = []
    for network in ("RPO", "RPM"):
        for n in range(per_network):
            child_id = children.create_child(practice.sessions, ChildData(
                last_name=f"Nom{network}{n}", first_name="Prénom", birth_date=date(2025, 3, 1 + n), sex="F",
                gestational_weeks=30, inclusion_number=f"{network}-2025-{n:04d}", network=network), TODAY)
            prescriptions.save_prescription(practice.sessions, PrescriptionData(
                child_id=child_id, discipline="orthophonie", forfait_kind="precoce_0_24", sessions_authorised=30,
                valid_from=date(2026, 9, 1), valid_until=date(2027, 2, 28), prescribed_on=date(2026, 8, 25)), TODAY)
            seances.record_seance(practice.sessions, SeanceData(child_id, date(2026, 10, 1), time(9, 0),
                                                                kind="bilan_initial"))
            for week in range(weeks - 1):
                seances.record_seance(practice.sessions, SeanceData(
                    child_id, date(2026, 10, 8) + timedelta(weeks=week), time(9 + n, 0)))
            ids.append(child_id)
    return ids
