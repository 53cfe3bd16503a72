"""Children, prescribers and prescriptions on a real encrypted practice."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from reportlab.pdfgen import canvas
from sqlalchemy import update

from cocon_desktop.domain.child import ChildData, GuardianData
from cocon_desktop.domain.prescription import PrescriberData, PrescriptionData
from cocon_desktop.errors import ValidationError
from cocon_desktop.models import Child
from cocon_desktop.services import children, forfaits, prescribers, prescriptions
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import Scan

TODAY = date(2026, 11, 23)
CHILD = ChildData(last_name="Lefèvre", first_name="Éloïse", birth_date=date(2025, 2, 3), sex="F",
                  gestational_weeks=29, gestational_days=4, birth_weight_g=1150, inclusion_number="rpo-2025-0042",
                  network="RPO", inclusion_criteria=("ag_lt_33",),
                  guardians=(GuardianData(last_name="Lefèvre", first_name="Anne", email="anne@example.org"),
                             GuardianData(last_name="Lefèvre", first_name="Marc", relation="pere",
                                          receives_attestations=False)))


def _pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Ordonnance : 20 séances de psychomotricité")
    page.save()
    return out.getvalue()


def test_create_read_update_child(practice: Practice) -> None:
    child_id = children.create_child(practice.sessions, CHILD, TODAY)
    record = children.get_child(practice.sessions, child_id)
    assert record.data.inclusion_number == "RPO-2025-0042"  # normalised
    assert [g.first_name for g in record.data.guardians] == ["Anne", "Marc"]
    assert record.data.inclusion_criteria == ("ag_lt_33",)
    kept = record.data.guardians[0]
    children.update_child(practice.sessions, child_id, replace(record.data, guardians=(
        replace(kept, phone="06 01 02 03 04"),)), TODAY)
    again = children.get_child(practice.sessions, child_id).data
    assert len(again.guardians) == 1 and again.guardians[0].id == kept.id and again.guardians[0].phone


def test_duplicates_and_bad_input_save_nothing(practice: Practice) -> None:
    children.create_child(practice.sessions, CHILD, TODAY)
    with pytest.raises(ValidationError) as caught:
        children.create_child(practice.sessions, replace(CHILD, inclusion_number="RPO-2025-0099"), TODAY)
    assert [(e.field, e.code) for e in caught.value.errors] == [("last_name", "duplicate_child")]
    with pytest.raises(ValidationError) as caught:
        children.create_child(practice.sessions, replace(CHILD, first_name="Autre"), TODAY)
    assert [(e.field, e.code) for e in caught.value.errors] == [("inclusion_number", "inclusion_number_taken")]
    with pytest.raises(ValidationError):
        children.create_child(practice.sessions, replace(CHILD, first_name="Autre", inclusion_number="X1",
                                                         gestational_weeks=45), TODAY)
    assert children.count_children(practice.sessions, children.ChildQuery(), TODAY) == 1


def test_search_filters_and_paging_happen_in_sql(practice: Practice) -> None:
    for i in range(30):
        children.create_child(practice.sessions, replace(
            CHILD, last_name=f"Enfant{i:02d}", first_name="Test", inclusion_number=f"RPM-{i:04d}",
            network="RPM" if i % 2 else "RPO", birth_date=date(2025, 1, 1) + timedelta(days=i),
            exit_date=date(2026, 10, 1) if i == 3 else None, exit_reason="demenagement" if i == 3 else "",
            guardians=()), TODAY)
    children.create_child(practice.sessions, CHILD, TODAY)
    count = children.count_children
    q = children.ChildQuery
    assert count(practice.sessions, q(text="eloise"), TODAY) == 1  # accents folded
    assert count(practice.sessions, q(text="LEFEV élo"), TODAY) == 1
    assert count(practice.sessions, q(text="rpm-001"), TODAY) == 10
    assert count(practice.sessions, q(text="03/01/2025"), TODAY) == 1  # birth date typed the French way
    assert count(practice.sessions, q(network="RPM"), TODAY) == 15
    assert count(practice.sessions, q(active_only=True), TODAY) == 30
    page = children.list_children(practice.sessions, q(), TODAY, offset=10, limit=10)
    assert [r.last_name for r in page] == [f"Enfant{i:02d}" for i in range(10, 20)]


def test_prescription_with_scan_and_forfait_status(practice: Practice) -> None:
    child_id = children.create_child(practice.sessions, CHILD, TODAY)
    doctor = prescribers.save_prescriber(practice.sessions, PrescriberData(last_name="Castel", rpps="10001234599"))
    data = PrescriptionData(child_id=child_id, discipline="psychomotricite", forfait_kind="precoce_0_24",
                            sessions_authorised=20, valid_from=date(2026, 6, 1), valid_until=date(2027, 5, 31),
                            prescribed_on=date(2026, 5, 25), prescriber_id=doctor)
    pdf = _pdf()
    pid = prescriptions.save_prescription(practice.sessions, data, TODAY, Scan("ordonnance.pdf", pdf))
    record = prescriptions.list_prescriptions(practice.sessions, child_id)[0]
    assert record.data.id == pid and record.document_name == "ordonnance.pdf"
    stored = prescriptions.get_document(practice.sessions, record.document_id or 0)
    assert stored.content == pdf and stored.media_type == "application/pdf"
    [line] = forfaits.child_forfaits(practice.sessions, child_id, TODAY)
    assert line.status.sessions_left == 20 and str(line.status.amount_authorised) == "920.00"
    # the child (born 03/02/2025) leaves the 0–24 months band during this prescription
    assert "leaves_age_band" in {w.code for w in line.status.warnings}
    assert forfaits.children_with_warnings(practice.sessions, TODAY) == {child_id}


def test_bad_prescription_and_bad_scan_are_refused(practice: Practice) -> None:
    child_id = children.create_child(practice.sessions, CHILD, TODAY)
    data = PrescriptionData(child_id=child_id, discipline="psychomotricite", forfait_kind="precoce_0_24",
                            sessions_authorised=0, valid_from=date(2026, 6, 1), valid_until=date(2026, 1, 1),
                            prescribed_on=date(2026, 5, 25))
    with pytest.raises(ValidationError) as caught:
        prescriptions.save_prescription(practice.sessions, data, TODAY)
    assert {e.code for e in caught.value.errors} == {"sessions_positive", "end_before_start"}
    good = replace(data, sessions_authorised=10, valid_until=date(2027, 1, 1))
    with pytest.raises(ValidationError) as caught:
        prescriptions.save_prescription(practice.sessions, good, TODAY, Scan("virus.exe", b"MZ\x90\x00"))
    assert caught.value.errors[0].code == "scan_type_invalid"
    assert prescriptions.list_prescriptions(practice.sessions, child_id) == []


def test_scan_is_not_readable_in_the_file(practice: Practice) -> None:
    child_id = children.create_child(practice.sessions, CHILD, TODAY)
    marker = b"ORDONNANCE-SECRETE-" * 50
    pdf = _pdf() + marker
    data = PrescriptionData(child_id=child_id, discipline="psychomotricite", forfait_kind="precoce_0_24",
                            sessions_authorised=10, valid_from=date(2026, 6, 1), valid_until=date(2027, 1, 1),
                            prescribed_on=date(2026, 5, 25))
    prescriptions.save_prescription(practice.sessions, data, TODAY, Scan("o.pdf", pdf))
    with practice.sessions.begin() as session:  # a write keeps the WAL busy
        session.execute(update(Child).values(updated_at=Child.updated_at))
    for path in practice.data_dir.iterdir():
        if path.is_file():
            raw = path.read_bytes()
            assert b"ORDONNANCE-SECRETE" not in raw and "Lefèvre".encode() not in raw, path.name
