"""Appointments: a recurring series, conflicts, moving, present → séance, absences, ICS export."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.models import Practice as PracticeRow
from cocon_desktop.services import appointments, children, forfaits, prescriptions, seances
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.seances import OutOfForfait

TODAY = date(2026, 11, 23)
TUESDAY = date(2026, 9, 1)


@pytest.fixture
def child_id(practice: Practice) -> int:
    cid = children.create_child(practice.sessions, ChildData(
        last_name="Perrin", first_name="Ilyès", birth_date=date(2025, 2, 5), sex="M", gestational_weeks=31,
        inclusion_number="RPO-2025-0101", network="RPO"), TODAY)
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=cid, discipline="orthophonie", forfait_kind="precoce_0_24", sessions_authorised=10,
        valid_from=TUESDAY, valid_until=date(2027, 2, 4), prescribed_on=TUESDAY), TODAY)
    return cid


def test_every_tuesday_for_twelve_weeks(practice: Practice, child_id: int) -> None:
    ids = appointments.plan(practice.sessions, child_id, TUESDAY, time(10, 0), weeks=12)
    rows = appointments.between(practice.sessions, TUESDAY, TUESDAY + timedelta(days=90))
    assert len(ids) == 12 and [r.id for r in rows] == ids
    assert {r.day.weekday() for r in rows} == {1} and len({r.series_id for r in rows}) == 1
    assert rows[-1].day == TUESDAY + timedelta(weeks=11)


def test_conflicts_are_flagged_and_moving_resolves_them(practice: Practice, child_id: int) -> None:
    [a] = appointments.plan(practice.sessions, child_id, TUESDAY, time(10, 0))
    [b] = appointments.plan(practice.sessions, child_id, TUESDAY, time(10, 30))
    rows = appointments.between(practice.sessions, TUESDAY, TUESDAY)
    assert [r.conflict for r in rows] == [True, True]
    appointments.move(practice.sessions, b, TUESDAY, time(11, 0))
    assert [r.conflict for r in appointments.between(practice.sessions, TUESDAY, TUESDAY)] == [False, False]
    assert a != b


def test_present_makes_a_seance_and_undo_gives_it_back(practice: Practice, child_id: int) -> None:
    [a] = appointments.plan(practice.sessions, child_id, TUESDAY, time(10, 0))
    seance_id = appointments.mark(practice.sessions, a, "present")
    assert seance_id is not None
    assert forfaits.child_forfaits(practice.sessions, child_id, TODAY)[0].status.sessions_used == 1
    with pytest.raises(CoconError):
        appointments.move(practice.sessions, a, TUESDAY, time(14, 0))  # already marked
    appointments.mark(practice.sessions, a, "planned")
    assert forfaits.child_forfaits(practice.sessions, child_id, TODAY)[0].status.sessions_used == 0
    absent = appointments.mark(practice.sessions, a, "absence_non_excusee")
    assert absent is not None  # recorded, hors forfait: the shipped tariffs bill no absence
    assert forfaits.child_forfaits(practice.sessions, child_id, TODAY)[0].status.sessions_used == 0


def test_present_without_prescription_says_why(practice: Practice, child_id: int) -> None:
    [a] = appointments.plan(practice.sessions, child_id, date(2026, 8, 4), time(10, 0))
    with pytest.raises(OutOfForfait):
        appointments.mark(practice.sessions, a, "present")
    assert appointments.between(practice.sessions, date(2026, 8, 4), date(2026, 8, 4))[0].status == "planned"
    assert appointments.mark(practice.sessions, a, "present", out_of_forfait=True) is not None


def test_ics_export_has_initials_not_names(practice: Practice, child_id: int) -> None:
    appointments.plan(practice.sessions, child_id, TUESDAY, time(10, 0), weeks=3)
    ics = appointments.export_ics(practice.sessions, TUESDAY, TUESDAY + timedelta(days=30)).decode()
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == 3 and "DTSTART;TZID=Europe/Paris:20260901T100000" in ics
    assert "I. P." in ics and "RPO-2025-0101" in ics
    assert "Perrin" not in ics and "Ilyès" not in ics


def test_a_weekly_series_skips_public_holidays_unless_asked(practice: Practice, child_id: int) -> None:
    wednesday, friday = date(2026, 11, 4), date(2026, 12, 18)
    appointments.plan(practice.sessions, child_id, wednesday, time(10, 0), weeks=12)
    appointments.plan(practice.sessions, child_id, friday, time(16, 0), weeks=4)
    days = [r.day for r in appointments.between(practice.sessions, wednesday, date(2027, 2, 1))]
    assert len(days) == 11 + 2
    assert not {date(2026, 11, 11), date(2026, 12, 25), date(2027, 1, 1)} & set(days)
    kept = appointments.plan(practice.sessions, child_id, wednesday, time(14, 0), weeks=12, include_holidays=True)
    assert len(kept) == 12
    assert [r.start for r in appointments.between(practice.sessions, date(2026, 11, 11), date(2026, 11, 11))] == [
        time(14, 0)]
    preview = appointments.series_preview(practice.sessions, friday, 4)
    assert preview.skipped == ((date(2026, 12, 25), "Noël"), (date(2027, 1, 1), "Jour de l'an"))


def test_a_series_of_holidays_only_is_refused_and_the_region_counts(practice: Practice, child_id: int) -> None:
    with pytest.raises(ValidationError) as refused:  # 1 and 8 May 2026 are both Fridays
        appointments.plan(practice.sessions, child_id, date(2026, 5, 1), time(10, 0), weeks=2)
    assert [(e.field, e.code) for e in refused.value.errors] == [("weeks", "series_all_holidays")]
    good_friday = date(2027, 3, 26)
    assert appointments.holiday_region(practice.sessions) is None  # Toulouse
    assert len(appointments.plan(practice.sessions, child_id, good_friday, time(9, 0), weeks=2)) == 2
    with practice.sessions.begin() as session:
        session.get(PracticeRow, 1).postcode = "57000"  # Metz: Vendredi saint is a day off
    assert appointments.holiday_region(practice.sessions) == "57"
    assert len(appointments.plan(practice.sessions, child_id, good_friday, time(11, 0), weeks=2)) == 1


def test_the_week_holds_the_appointments_and_the_seances_of_none(practice: Practice, child_id: int) -> None:
    [planned, pointed] = appointments.plan(practice.sessions, child_id, TUESDAY, time(9, 0), weeks=2, every_days=1)
    appointments.mark(practice.sessions, pointed, "present")
    done = seances.record_seance(practice.sessions, SeanceData(child_id, TUESDAY + timedelta(days=2), time(11, 0)))
    absent = seances.record_seance(practice.sessions, SeanceData(
        child_id, TUESDAY + timedelta(days=3), time(11, 0), kind="absence_excusee", out_of_forfait=True))
    seances.record_seance(practice.sessions, SeanceData(child_id, TUESDAY + timedelta(days=7), time(11, 0)))
    week = appointments.week(practice.sessions, TUESDAY - timedelta(days=1), TUESDAY + timedelta(days=5))
    assert [(r.id, r.status) for r in week.appointments] == [(planned, "planned"), (pointed, "present")]
    assert [(s.id, s.kind, s.child_name, s.first_name) for s in week.seances] == [
        (done, "seance", "PERRIN Ilyès", "Ilyès"), (absent, "absence_excusee", "PERRIN Ilyès", "Ilyès")]
    assert week.holidays == {}
    assert appointments.week(practice.sessions, date(2026, 11, 9), date(2026, 11, 15)).holidays == {
        date(2026, 11, 11): "Armistice"}
