"""Importing another calendar's appointments (issue 20, #6), from samples written as Google Agenda, Outlook and
an online booking service write them (tests/calendar_samples.py): recurrences expanded (EXDATE, a moved
occurrence), Paris times whatever zone the file names, children matched by name with a review (matched, to
choose, ignored), and a second import updates instead of doubling."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from cocon_desktop.domain.child import ChildData
from cocon_desktop.errors import CoconError
from cocon_desktop.services import appointments, calendar_import, children
from cocon_desktop.services.calendar_import import IGNORED, MATCHED, TO_CHOOSE, ImportChoice
from cocon_desktop.services.practice_handle import Practice
from tests import calendar_samples

TODAY = date(2026, 10, 1)
FIRST, LAST = date(2026, 10, 1), date(2026, 12, 31)


def child(practice: Practice, last: str, first: str, number: str) -> int:
    return children.create_child(practice.sessions, ChildData(
        last_name=last, first_name=first, birth_date=date(2025, 2, int(number[-2:])), sex="F", gestational_weeks=31,
        inclusion_number=number, network="RPO"), TODAY)


def starts(lines: list[calendar_import.ImportLine]) -> list[datetime]:
    return [line.starts_at for line in lines]


def test_google_recurrence_expanded_with_its_exception_and_moved_occurrence(practice: Practice) -> None:
    lea = child(practice, "Martin", "Léa", "RPO-2025-0001")
    child(practice, "Martin", "Hugo", "RPO-2025-0002")  # same family name: the first name decides
    lines = calendar_import.preview(practice.sessions, calendar_samples.google(), FIRST, LAST)
    assert starts(lines) == [datetime(2026, 10, 13, 9), datetime(2026, 10, 20, 9), datetime(2026, 11, 4, 14),
                             datetime(2026, 11, 10, 9), datetime(2026, 11, 17, 9)]
    assert {(line.state, line.child_ids) for line in lines} == {(MATCHED, (lea,))}
    assert all(line.minutes == 45 and line.appointment_id is None for line in lines)


def test_outlook_windows_zone_and_long_uids(practice: Practice) -> None:
    noah = child(practice, "Dupont", "Noah", "RPO-2025-0003")
    lines = calendar_import.preview(practice.sessions, calendar_samples.outlook(), FIRST, LAST)
    assert [(line.starts_at, line.state) for line in lines] == [
        (datetime(2026, 11, 5, 16), MATCHED), (datetime(2026, 11, 6, 10, 15), IGNORED),
        (datetime(2026, 11, 12, 16), MATCHED), (datetime(2026, 11, 19, 16), MATCHED)]
    assert all(len(line.key) <= 64 for line in lines) and len({line.key for line in lines}) == 4
    assert lines[0].child_ids == (noah,) and lines[0].minutes == 30


def test_booking_feed_in_utc_drops_cancelled_and_all_day_events(practice: Practice) -> None:
    child(practice, "Martin", "Léa", "RPO-2025-0001")
    child(practice, "Martin", "Léa", "RPO-2025-0009")  # two children of that name: to choose between them
    [line] = calendar_import.preview(practice.sessions, calendar_samples.booking(), FIRST, LAST)
    assert line.starts_at == datetime(2026, 11, 10, 8, 30) and line.minutes == 45  # 07:30 UTC is 08:30 in Paris
    assert line.state == TO_CHOOSE and len(line.child_ids) == 2


def test_a_second_import_updates_instead_of_doubling(practice: Practice) -> None:
    lea = child(practice, "Martin", "Léa", "RPO-2025-0001")
    first = calendar_import.preview(practice.sessions, calendar_samples.google(), FIRST, LAST)
    result = calendar_import.apply(practice.sessions, calendar_import.matched_choices(first))
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    rows = appointments.between(practice.sessions, FIRST, LAST)
    assert [(r.child_id, r.starts_at) for r in rows] == [(lea, s) for s in starts(first)]
    assert sorted(r.uid for r in rows) == sorted(line.key for line in first)
    appointments.mark(practice.sessions, rows[0].id, "absence_excusee")  # pointed: an import leaves it alone

    again = calendar_import.preview(practice.sessions, calendar_samples.google(hour=10), FIRST, LAST)  # 1 h later
    assert all(line.appointment_id is not None for line in again)
    result = calendar_import.apply(practice.sessions, calendar_import.matched_choices(again))
    assert (result.created, result.updated, result.unchanged) == (0, 3, 2)
    rows = appointments.between(practice.sessions, FIRST, LAST)
    assert len(rows) == 5
    assert [r.start for r in rows] == [time(9), time(10), time(14), time(10), time(10)]


def test_a_chosen_child_and_an_unreadable_file(practice: Practice) -> None:
    child(practice, "Martin", "Léa", "RPO-2025-0001")
    other = child(practice, "Martin", "Léa", "RPO-2025-0009")
    [line] = calendar_import.preview(practice.sessions, calendar_samples.booking(), FIRST, LAST)
    calendar_import.apply(practice.sessions, [ImportChoice(line.key, other, line.starts_at, line.minutes)])
    assert [r.child_id for r in appointments.between(practice.sessions, FIRST, LAST)] == [other]
    with pytest.raises(CoconError) as caught:
        calendar_import.preview(practice.sessions, b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n", FIRST, LAST)
    assert caught.value.code == "calendar_file_unreadable"
