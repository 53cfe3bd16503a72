"""Recording séances against the forfait on a real encrypted practice."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.errors import ValidationError
from cocon_desktop.services import children, forfaits, prescriptions, seances
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.seances import OutOfForfait

TODAY = date(2026, 11, 23)
START = date(2026, 9, 1)


def _child(practice: Practice, sessions: int = 3, exit_date: date | None = None) -> int:
    child_id = children.create_child(practice.sessions, ChildData(
        last_name="Roux", first_name="Nino", birth_date=date(2026, 1, 10), sex="M", gestational_weeks=30,
        inclusion_number="RPO-2026-0007", network="RPO", exit_date=exit_date,
        exit_reason="demenagement" if exit_date else ""), TODAY)
    # the practice's profession is orthophoniste (tests/conftest.py PROFILE)
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=child_id, discipline="orthophonie", forfait_kind="precoce_0_24", sessions_authorised=sessions,
        valid_from=START, valid_until=date(2027, 8, 31), prescribed_on=START, bilan_included=True), TODAY)
    return child_id


def _seance(child_id: int, day: date, hour: int = 10, kind: str = "seance") -> SeanceData:
    return SeanceData(child_id=child_id, day=day, start=time(hour, 0), kind=kind)


def test_seances_fill_the_forfait_then_are_refused(practice: Practice) -> None:
    child_id = _child(practice, sessions=2)
    seances.record_seance(practice.sessions, _seance(child_id, START, kind="bilan_initial"))
    seances.record_seance(practice.sessions, _seance(child_id, START + timedelta(days=7)))
    seances.record_seance(practice.sessions, _seance(child_id, START + timedelta(days=14)))
    [line] = forfaits.child_forfaits(practice.sessions, child_id, TODAY)
    assert (line.status.sessions_used, line.status.sessions_left, line.status.bilan_used) == (2, 0, True)
    assert str(line.status.amount_used) == "218.00"  # 140 + 2 × 39
    with pytest.raises(OutOfForfait) as caught:
        seances.record_seance(practice.sessions, _seance(child_id, START + timedelta(days=21)))
    assert caught.value.reason == "forfait_exhausted"
    with pytest.raises(OutOfForfait) as caught:
        seances.record_seance(practice.sessions, _seance(child_id, START + timedelta(days=22), kind="bilan_initial"))
    assert caught.value.reason == "bilan_already_used"
    hors = seances.record_seance(practice.sessions, replace(_seance(child_id, START + timedelta(days=21)),
                                                            out_of_forfait=True))
    rows = {r.data.id: r for r in seances.child_seances(practice.sessions, child_id)}
    assert rows[hors].billing_state == "non_facturable" and rows[hors].prescription_id is None
    assert forfaits.child_forfaits(practice.sessions, child_id, TODAY)[0].status.sessions_used == 2


def test_rules_no_prescription_overlap_birth_exit(practice: Practice) -> None:
    child_id = _child(practice, exit_date=date(2026, 11, 1))
    with pytest.raises(OutOfForfait) as caught:
        seances.record_seance(practice.sessions, _seance(child_id, date(2026, 8, 20)))
    assert caught.value.reason == "no_valid_prescription"
    seances.record_seance(practice.sessions, _seance(child_id, START, hour=10))
    with pytest.raises(ValidationError) as overlap:
        seances.record_seance(practice.sessions, replace(_seance(child_id, START), start=time(10, 30)))
    assert overlap.value.errors[0].code == "seance_overlap"
    with pytest.raises(ValidationError) as late:
        seances.record_seance(practice.sessions, _seance(child_id, date(2026, 11, 2)))
    assert late.value.errors[0].code == "seance_after_exit"
    with pytest.raises(ValidationError) as early:
        seances.record_seance(practice.sessions, _seance(child_id, date(2025, 12, 1)))
    assert early.value.errors[0].code == "date_before_birth"
    with pytest.raises(OutOfForfait) as rcp:
        seances.record_seance(practice.sessions, _seance(child_id, START + timedelta(days=1), kind="rcp"))
    assert rcp.value.reason == "kind_not_billable"


def test_absences_follow_the_tariff(practice: Practice) -> None:
    child_id = _child(practice)
    with pytest.raises(OutOfForfait) as caught:
        seances.record_seance(practice.sessions, _seance(child_id, START, kind="absence_non_excusee"))
    assert caught.value.reason == "kind_not_billable"  # the shipped tariffs bill no absence


def test_delete_gives_back_the_session(practice: Practice) -> None:
    child_id = _child(practice)
    seance_id = seances.record_seance(practice.sessions, _seance(child_id, START))
    assert forfaits.child_forfaits(practice.sessions, child_id, TODAY)[0].status.sessions_used == 1
    removed = seances.delete_seance(practice.sessions, seance_id)
    assert forfaits.child_forfaits(practice.sessions, child_id, TODAY)[0].status.sessions_used == 0
    seances.record_seance(practice.sessions, removed)  # undo
    assert forfaits.child_forfaits(practice.sessions, child_id, TODAY)[0].status.sessions_used == 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=30)), min_size=1, max_size=25))
def test_any_records_and_cancellations_keep_the_forfait_consistent(practice: Practice,
                                                                     ops: list[tuple[bool, int]]) -> None:
    """Whatever the sequence, used + left == authorised, left ≥ 0, and used == the séances billed."""
    with practice.sessions.begin() as session:  # each example starts from an empty child file
        from cocon_desktop.models import Child, Seance

        session.query(Seance).delete()
        session.query(Child).delete()
    child_id = _child(practice, sessions=5)
    recorded: list[int] = []
    for record, offset in ops:
        if record:
            with contextlib.suppress(OutOfForfait, ValidationError):
                recorded.append(seances.record_seance(practice.sessions,
                                                      _seance(child_id, START + timedelta(days=offset))))
        elif recorded:
            seances.delete_seance(practice.sessions, recorded.pop(0))
        status = forfaits.child_forfaits(practice.sessions, child_id, TODAY)[0].status
        assert status.sessions_used + status.sessions_left == 5
        assert status.sessions_left >= 0 and status.sessions_used == len(recorded)
