"""The agenda's calendar file (issue 20, #6), read back with icalendar: Paris times with TZID=Europe/Paris and
the zone's VTIMEZONE (a calendar in another zone shows the right instant), UIDs unique across practices and
stable across exports and a restore (appointment.uid, schema 0015)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.ics import CalendarEvent, to_ics
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import appointments, backup, children, practice_handle
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE

TODAY = date(2026, 11, 23)
SUMMER_DAY, WINTER_DAY = date(2026, 9, 1), date(2026, 12, 1)  # CEST (UTC+2) and CET (UTC+1)


def a_child(practice: Practice, inclusion: str = "RPO-2025-0101") -> int:
    return children.create_child(practice.sessions, ChildData(
        last_name="Perrin", first_name="Ilyès", birth_date=date(2025, 2, 5), sex="M", gestational_weeks=31,
        inclusion_number=inclusion, network="RPO"), TODAY)


def events(content: bytes) -> list[icalendar.Component]:
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def test_times_carry_tzid_europe_paris_and_its_vtimezone(practice: Practice) -> None:
    child_id = a_child(practice)
    appointments.plan(practice.sessions, child_id, SUMMER_DAY, time(8, 30))
    appointments.plan(practice.sessions, child_id, WINTER_DAY, time(8, 30))
    content = appointments.export_ics(practice.sessions, SUMMER_DAY, WINTER_DAY)
    calendar = icalendar.Calendar.from_ical(content)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    offsets = {(str(part.name), part.decoded("TZOFFSETTO")) for part in zone.subcomponents}
    assert {("STANDARD", timedelta(hours=1)), ("DAYLIGHT", timedelta(hours=2))} <= offsets
    summer, winter = events(content)
    assert summer["DTSTART"].params["TZID"] == "Europe/Paris" and summer["DTEND"].params["TZID"] == "Europe/Paris"
    assert b"DTSTART;TZID=Europe/Paris:20260901T083000" in content
    # a calendar in Montréal (or in UTC) reads the right instant: 08:30 Paris is 06:30 UTC in summer, 07:30 in winter
    assert summer.decoded("DTSTART").astimezone(UTC) == datetime(2026, 9, 1, 6, 30, tzinfo=UTC)
    assert winter.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
    montreal = summer.decoded("DTSTART").astimezone(ZoneInfo("America/Montreal"))
    assert (montreal.hour, montreal.minute) == (2, 30)
    assert summer.decoded("DTEND") - summer.decoded("DTSTART") == timedelta(minutes=45)


def test_the_vtimezone_alone_gives_the_offset_without_the_systems_zone_database() -> None:
    """What a calendar without Olson names does: it reads the offsets from the file's VTIMEZONE."""
    content = to_ics([CalendarEvent("u-1", datetime(2026, 9, 1, 8, 30), 45, "Séance I. P.")],
                     now=datetime(2026, 11, 23, tzinfo=UTC))
    [zone] = icalendar.Calendar.from_ical(content).walk("VTIMEZONE")
    assert isinstance(zone, icalendar.Timezone)
    transitions = zone.to_tz().utcoffset(datetime(2026, 9, 1, 8, 30))
    assert transitions == timedelta(hours=2)


def test_uids_are_the_appointments_own_unique_across_two_practices(practice: Practice, data_dir: Path,
                                                                  tmp_path: Path) -> None:
    other = practice_handle.create_practice(tmp_path / "autre", STRONG_PASSPHRASE, PROFILE,
                                            RecoveryKey.generate(), params=FAST_KDF)
    try:
        for each in (practice, other):  # the same child, the same slots, the same row ids in both practices
            appointments.plan(each.sessions, a_child(each), SUMMER_DAY, time(10, 0), weeks=3)
        mine = [str(e["UID"]) for e in events(appointments.export_ics(practice.sessions, SUMMER_DAY, WINTER_DAY))]
        theirs = [str(e["UID"]) for e in events(appointments.export_ics(other.sessions, SUMMER_DAY, WINTER_DAY))]
    finally:
        other.close()
    assert len(mine) == len(theirs) == 3
    assert len(set(mine) | set(theirs)) == 6, "no UID is shared between two practices"
    assert not any(uid.startswith("cocon-rdv-") for uid in mine), "never the row id"
    stored = [r.uid for r in appointments.between(practice.sessions, SUMMER_DAY, WINTER_DAY)]
    assert mine == stored


def test_uids_are_stable_across_exports_moves_and_a_restore(practice: Practice, tmp_path: Path) -> None:
    [first, _second] = appointments.plan(practice.sessions, a_child(practice), SUMMER_DAY, time(10, 0), weeks=2)
    before = [str(e["UID"]) for e in events(appointments.export_ics(practice.sessions, SUMMER_DAY, WINTER_DAY))]
    appointments.move(practice.sessions, first, SUMMER_DAY + timedelta(days=1), time(11, 0))
    moved = events(appointments.export_ics(practice.sessions, SUMMER_DAY, WINTER_DAY))
    assert [str(e["UID"]) for e in moved] == before, "a moved appointment updates its event"
    assert moved[0].decoded("DTSTART").hour == 11
    usb = tmp_path / "usb"
    usb.mkdir()
    info = backup.backup_to(practice, usb)
    backup.restore(info.path, tmp_path / "restaure", passphrase=STRONG_PASSPHRASE)
    restored = open_with_passphrase(tmp_path / "restaure", STRONG_PASSPHRASE)
    try:
        after = [str(e["UID"]) for e in events(appointments.export_ics(restored.sessions, SUMMER_DAY, WINTER_DAY))]
    finally:
        restored.close()
    assert after == before


def test_an_empty_export_is_still_a_calendar_with_the_zone(practice: Practice) -> None:
    content = appointments.export_ics(practice.sessions, SUMMER_DAY, WINTER_DAY)
    calendar = icalendar.Calendar.from_ical(content)
    assert not calendar.walk("VEVENT") and [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


@pytest.mark.parametrize("text", ["Séance; I. P., cabinet\\nord", "x" * 200])
def test_text_is_escaped_and_folded_by_the_library(text: str) -> None:
    content = to_ics([CalendarEvent("u-1", datetime(2026, 9, 1, 8, 30), 45, text)],
                     now=datetime(2026, 11, 23, tzinfo=UTC))
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    assert str(events(content)[0]["SUMMARY"]) == text
