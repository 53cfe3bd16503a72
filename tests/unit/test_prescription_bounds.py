"""The séances a prescription grants are bounded by the network's forfait; its terms lock once séances count
against it; a renewal starts the day after it ends (domain/prescription.py: pure rules, no disk, no Qt)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cocon_desktop.domain.prescription import (
    NO_TARIFF_MAX_SESSIONS,
    PrescriptionData,
    check_sessions,
    forfait_rule,
    locked_changes,
    normalised,
    renewal,
    sessions_bounds,
    validate_prescription,
)
from cocon_desktop.domain.tariffs import parse_tariff
from tests.unit.test_tariffs import _load

TODAY = date(2026, 11, 18)
BIRTH = date(2025, 2, 3)
TARIFF = parse_tariff(_load("RPM"))
GOOD = PrescriptionData(child_id=1, discipline="psychomotricite", forfait_kind="precoce_0_24",
                        sessions_authorised=35, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31),
                        prescribed_on=date(2025, 12, 20))
RULE = forfait_rule(GOOD, TARIFF)


def _codes(p: PrescriptionData) -> list[tuple[str, str, bool]]:
    return [(e.field, e.code, e.blocking) for e in validate_prescription(p, TARIFF, BIRTH, TODAY)]


def test_the_bounds_come_from_the_forfait() -> None:
    assert RULE is not None and RULE.seances == 35
    assert sessions_bounds(RULE) == (35, 70)
    assert sessions_bounds(None) == (NO_TARIFF_MAX_SESSIONS, NO_TARIFF_MAX_SESSIONS)


def test_up_to_the_forfait_nothing_is_asked() -> None:
    assert _codes(GOOD) == []
    assert _codes(replace(GOOD, sessions_authorised=1)) == []


def test_above_the_forfait_a_reason_is_required_then_warned() -> None:
    assert _codes(replace(GOOD, sessions_authorised=36)) == [
        ("over_forfait_reason", "over_forfait_reason_required", True)]
    assert _codes(replace(GOOD, sessions_authorised=36, over_forfait_reason="   ")) == [
        ("over_forfait_reason", "over_forfait_reason_required", True)]
    assert _codes(replace(GOOD, sessions_authorised=70, over_forfait_reason="Accord du réseau du 02/01")) == [
        ("sessions_authorised", "sessions_above_forfait", False)]


def test_above_the_hard_maximum_refused_whatever_the_reason() -> None:
    errors = validate_prescription(replace(GOOD, sessions_authorised=999, over_forfait_reason="typo"), TARIFF,
                                   BIRTH, TODAY)
    assert [(e.field, e.code, e.blocking) for e in errors] == [("sessions_authorised", "sessions_above_maximum",
                                                                 True)]
    assert errors[0].data == {"count": 999, "seances": 35, "max": 70}
    assert [e.code for e in check_sessions(71, "motif", RULE)] == ["sessions_above_maximum"]
    assert [e.code for e in check_sessions(0, "", RULE)] == ["sessions_positive"]
    assert [e.code for e in check_sessions(101, "motif", None)] == ["sessions_above_maximum"]


def test_the_reason_is_kept_only_above_the_forfait() -> None:
    assert normalised(replace(GOOD, over_forfait_reason=" x "), TARIFF).over_forfait_reason == ""
    over = normalised(replace(GOOD, sessions_authorised=40, over_forfait_reason=" accord ", note=" n "), TARIFF)
    assert (over.over_forfait_reason, over.note) == ("accord", "n")


def test_long_texts_refused() -> None:
    assert _codes(replace(GOOD, note="x" * 2001)) == [("note", "note_too_long", True)]
    assert _codes(replace(GOOD, sessions_authorised=40, over_forfait_reason="x" * 501)) == [
        ("sessions_authorised", "sessions_above_forfait", False), ("over_forfait_reason", "reason_too_long", True)]


def test_before_the_first_seance_everything_may_change() -> None:
    changed = replace(GOOD, discipline="orthophonie", sessions_authorised=20, valid_from=date(2026, 2, 1))
    assert locked_changes(GOOD, changed, None) == []


def test_after_the_first_seance_only_the_end_and_the_note() -> None:
    last = date(2026, 3, 10)
    assert locked_changes(GOOD, replace(GOOD, valid_until=date(2027, 1, 31), note="prolongée"), last) == []
    refused = locked_changes(GOOD, replace(GOOD, sessions_authorised=30, valid_from=date(2026, 2, 1),
                                           prescriber_id=4), last)
    assert {(e.field, e.code) for e in refused} == {("sessions_authorised", "prescription_field_locked"),
                                                    ("valid_from", "prescription_field_locked"),
                                                    ("prescriber_id", "prescription_field_locked")}
    early = locked_changes(GOOD, replace(GOOD, valid_until=date(2026, 3, 9)), last)
    assert [(e.field, e.code, e.data) for e in early] == [("valid_until", "end_before_last_seance",
                                                           {"date": "10/03/2026"})]


def test_renewal_starts_the_day_after_for_as_long() -> None:
    old = replace(GOOD, id=7, sessions_authorised=20, note="à revoir", prescriber_id=3, bilan_included=False,
                  over_forfait_reason="x")
    new = renewal(old, RULE, TODAY)
    assert new.id is None and new.note == "" and new.over_forfait_reason == ""
    assert (new.valid_from, new.valid_until) == (date(2027, 1, 1), date(2027, 12, 31))
    assert (new.discipline, new.forfait_kind, new.prescriber_id, new.bilan_included) == (
        "psychomotricite", "precoce_0_24", 3, False)
    assert new.sessions_authorised == 35 and new.prescribed_on == TODAY
    assert renewal(old, None, TODAY).sessions_authorised == 20
    past = renewal(replace(old, valid_from=date(2025, 1, 1), valid_until=date(2025, 6, 30)), RULE, TODAY)
    assert (past.valid_from, past.prescribed_on) == (date(2025, 7, 1), date(2025, 7, 1))
