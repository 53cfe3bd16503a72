"""Prescriptions corrected, deleted, renewed and bounded by the network's forfait, on a real encrypted practice
(issue 18, #3: 999 séances were saved against a forfait of 35 and printed on the parents' attestation)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, time

import pytest
from sqlalchemy import text

from cocon_desktop.domain.attestation import Period
from cocon_desktop.domain.prescription import renewal
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.services import attestations, audit, forfaits, prescriptions, seances
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.child_erasure import erase_child
from cocon_desktop.services.practice_handle import Practice
from tests.db.attestation_helpers import make_child
from tests.db.test_attestations import pdf_text
from tests.db.test_child_privacy import LATER, followed  # noqa: F401 (a fixture: a child with billed séances)

TODAY = date(2026, 11, 23)


def _only(practice: Practice, child_id: int) -> prescriptions.PrescriptionRecord:
    [record] = prescriptions.list_prescriptions(practice.sessions, child_id)
    return record


def _codes(caught: pytest.ExceptionInfo[ValidationError]) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in caught.value.errors}


def test_the_forfait_bounds_the_sessions(practice: Practice) -> None:
    child_id = make_child(practice, days=[])
    data = _only(practice, child_id).data
    with pytest.raises(ValidationError) as caught:
        prescriptions.save_prescription(practice.sessions, replace(data, sessions_authorised=999,
                                                                   over_forfait_reason="accord"), TODAY)
    assert _codes(caught) == {("sessions_authorised", "sessions_above_maximum")}
    assert caught.value.errors[0].data["max"] == 70
    with pytest.raises(ValidationError) as caught:
        prescriptions.save_prescription(practice.sessions, replace(data, sessions_authorised=40), TODAY)
    assert _codes(caught) == {("over_forfait_reason", "over_forfait_reason_required")}
    assert _only(practice, child_id).data.sessions_authorised == 30  # nothing was written
    prescriptions.save_prescription(practice.sessions, replace(data, sessions_authorised=40,
                                                               over_forfait_reason=" Accord du réseau "), TODAY)
    saved = _only(practice, child_id).data
    assert (saved.sessions_authorised, saved.over_forfait_reason) == (40, "Accord du réseau")
    [line] = forfaits.child_forfaits(practice.sessions, child_id, TODAY)
    assert str(line.status.amount_authorised) == "1700.00"  # 140 + 40 × 39, not 39 101,00 €
    prescriptions.save_prescription(practice.sessions, replace(saved, sessions_authorised=35), TODAY)
    assert _only(practice, child_id).data.over_forfait_reason == ""  # no reason kept within the forfait


def test_before_the_first_seance_everything_changes(practice: Practice) -> None:
    child_id = make_child(practice, days=[])
    record = _only(practice, child_id)
    assert not record.locked
    changed = replace(record.data, sessions_authorised=20, valid_from=date(2026, 9, 15), bilan_included=False,
                      note="ordonnance refaite")
    result = practice.write(prescriptions.save_prescription, changed, TODAY)
    assert result.changes == Changes.PRESCRIPTIONS | Changes.DOCUMENTS
    assert _only(practice, child_id).data == changed
    entry = audit.entries(practice.sessions, entity="prescription")[-1]
    assert entry.action == "update"
    assert set(entry.fields) == {"sessions_authorised", "valid_from", "bilan_included", "note"}
    assert "ordonnance refaite" not in str(entry.changes)


def test_after_the_first_seance_only_the_end_and_the_note(practice: Practice) -> None:
    child_id = make_child(practice)  # four October séances
    record = _only(practice, child_id)
    assert (record.locked, record.seance_count, record.last_seance) == (True, 4, date(2026, 10, 22))
    with pytest.raises(ValidationError) as caught:
        prescriptions.save_prescription(practice.sessions, replace(record.data, sessions_authorised=25,
                                                                   discipline="psychomotricite"), TODAY)
    assert _codes(caught) >= {("sessions_authorised", "prescription_field_locked"),
                              ("discipline", "prescription_field_locked")}
    with pytest.raises(ValidationError) as caught:
        prescriptions.save_prescription(practice.sessions, replace(record.data, valid_until=date(2026, 10, 21)),
                                        TODAY)
    assert _codes(caught) == {("valid_until", "end_before_last_seance")}
    longer = replace(record.data, valid_until=date(2027, 6, 30), note="prolongée par le Dr Achard")
    prescriptions.save_prescription(practice.sessions, longer, TODAY)
    assert _only(practice, child_id).data == longer
    entry = audit.entries(practice.sessions, entity="prescription")[-1]
    assert entry.action == "update" and set(entry.fields) == {"valid_until", "note"}
    assert "prolongée" not in str(entry.changes)  # a note's text never enters the log
    assert entry.changes["valid_until"][1] == "2027-06-30"


def test_an_old_unbounded_prescription_can_still_move_its_end(practice: Practice) -> None:
    """Entered before the bounds existed (999 séances) and used: its end date and note still change."""
    child_id = make_child(practice)
    record = _only(practice, child_id)
    with practice.sessions.begin() as session:
        session.execute(text("UPDATE prescription SET sessions_authorised = 999 WHERE id = :id"),
                        {"id": record.data.id})
    old = _only(practice, child_id).data
    prescriptions.save_prescription(practice.sessions, replace(old, valid_until=date(2027, 3, 31)), TODAY)
    assert _only(practice, child_id).data.valid_until == date(2027, 3, 31)


def test_delete_while_no_seance_refers_to_it(practice: Practice) -> None:
    used = make_child(practice)
    with pytest.raises(CoconError) as caught:
        prescriptions.delete_prescription(practice.sessions, _only(practice, used).data.id or 0)
    assert (caught.value.code, caught.value.data) == ("prescription_in_use", {"count": 4})
    assert _only(practice, used).seance_count == 4
    unused = make_child(practice, last="Martin", inclusion="RPO-2025-0002", days=[])
    pid = _only(practice, unused).data.id or 0
    result = practice.write(prescriptions.delete_prescription, pid)
    assert result.changes == Changes.PRESCRIPTIONS
    assert prescriptions.list_prescriptions(practice.sessions, unused) == []
    entry = audit.entries(practice.sessions, entity="prescription")[-1]
    assert (entry.action, entry.entity_id, entry.child_id) == ("delete", pid, unused)
    assert entry.changes["sessions_authorised"][0] == 30
    with pytest.raises(CoconError) as caught:
        prescriptions.delete_prescription(practice.sessions, pid)
    assert caught.value.code == "prescription_missing"


def test_renew_starts_the_day_after(practice: Practice) -> None:
    child_id = make_child(practice)
    old = _only(practice, child_id).data
    draft = renewal(old, None, TODAY)
    new_id = prescriptions.save_prescription(practice.sessions, draft, TODAY)
    records = prescriptions.list_prescriptions(practice.sessions, child_id)
    assert [r.data.id for r in records] == [new_id, old.id]
    assert records[0].data.valid_from == date(2027, 3, 1) and not records[0].locked


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_attestation_prints_bounded_numbers(practice: Practice) -> None:
    child_id = make_child(practice, days=[])
    data = _only(practice, child_id).data
    with pytest.raises(ValidationError):
        prescriptions.save_prescription(practice.sessions, replace(data, sessions_authorised=999), TODAY)
    prescriptions.save_prescription(practice.sessions, replace(data, sessions_authorised=70,
                                                               over_forfait_reason="accord du réseau"), TODAY)
    for index, day in enumerate((date(2026, 10, 1), date(2026, 10, 8))):
        seances.record_seance(practice.sessions, SeanceData(child_id, day, time(9, 0),
                                                            kind="bilan_initial" if index == 0 else "seance"))
    result = attestations.issue(practice.sessions, child_id, "seances", Period(date(2026, 10, 1),
                                                                                date(2026, 10, 31)), TODAY)
    words = pdf_text(result.pdf)
    assert "70 séances accordées" in words and "69 restantes" in words
    assert "999" not in words


def test_the_erasure_blanks_a_kept_prescriptions_note_and_reason(practice: Practice,
                                                                  followed: tuple[int, int]) -> None:  # noqa: F811
    child, _ = followed
    record = _only(practice, child)
    prescriptions.save_prescription(practice.sessions, replace(record.data, note="Retard de langage sévère"),
                                    TODAY)
    with practice.sessions.begin() as session:  # a reason given before the séances were billed
        session.execute(text("UPDATE prescription SET over_forfait_reason = 'accord Dr X' WHERE id = :id"),
                        {"id": record.data.id})
    erase_child(practice.sessions, child, LATER)
    kept = _only(practice, child).data  # billed séances keep it
    assert (kept.note, kept.over_forfait_reason) == ("", "")
