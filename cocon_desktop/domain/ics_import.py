"""Reading a calendar file (RFC 5545) that an online booking service, Google Agenda or Outlook wrote: its timed
events over a period, recurrences expanded (RRULE, RDATE, EXDATE, and the instances a RECURRENCE-ID moved), in
Paris time; then matched to the practice's children by the names their titles carry (issue 20, #6).

Each occurrence gets a key, kept as the appointment's `uid` (schema 0015): a digest of the event's UID and of
the occurrence it is (the day of its RECURRENCE-ID), so that importing the same file again updates the appointments it
made instead of doubling them, however long the other program's UIDs are (Outlook's exceed 100 characters)."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rruleset, rrulestr

from cocon_desktop.domain.text import fold

PARIS = ZoneInfo("Europe/Paris")
MAX_OCCURRENCES = 5000  # of one file over the period: beyond, a file that is not a therapist's agenda
DEFAULT_MINUTES = 45
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class ImportedEvent:
    key: str  # kept as appointment.uid
    starts_at: datetime  # Paris time, naive
    minutes: int
    summary: str


@dataclass(frozen=True)
class ChildName:
    id: int
    first_name: str
    last_name: str


def occurrence_key(uid: str, recurrence: datetime | None) -> str:
    # the occurrence's day, not its time: a series moved to another hour keeps its keys (its appointments move)
    marker = recurrence.astimezone(PARIS).strftime("%Y%m%d") if recurrence else ""
    return "ics-" + hashlib.sha256(f"{uid}\x00{marker}".encode()).hexdigest()[:40]


def _paris(value: datetime) -> datetime:
    """A time of the file in Paris time; a floating time (no zone) is taken as Paris time."""
    return value.replace(tzinfo=PARIS) if value.tzinfo is None else value.astimezone(PARIS)


def _minutes(event: icalendar.Component, start: datetime) -> int:
    if "DTEND" in event and isinstance(event.decoded("DTEND"), datetime):
        return max(1, int((_paris(event.decoded("DTEND")) - start).total_seconds() // 60))
    if "DURATION" in event:
        return max(1, int(event.decoded("DURATION").total_seconds() // 60))
    return DEFAULT_MINUTES


def _dates(event: icalendar.Component, name: str) -> list[datetime]:
    values = event.get(name)
    found: list[datetime] = []
    for value in values if isinstance(values, list) else [values] if values is not None else []:
        found += [_paris(d.dt) for d in value.dts if isinstance(d.dt, datetime)]
    return found


def _starts(event: icalendar.Component, start: datetime, first: datetime, last: datetime) -> list[datetime]:
    """The occurrences of a master event that start within [first, last)."""
    if "RRULE" not in event and "RDATE" not in event:
        return [start] if first <= start < last else []
    rules = rruleset()
    if "RRULE" in event:
        rule = event["RRULE"].to_ical()
        rules.rrule(rrulestr(rule.decode() if isinstance(rule, bytes) else str(rule), dtstart=start, unfold=True))
    else:
        rules.rdate(start)
    for extra in _dates(event, "RDATE"):
        rules.rdate(extra)
    for excluded in _dates(event, "EXDATE"):
        rules.exdate(excluded)
    found: list[datetime] = []
    for each in rules.xafter(first - timedelta(microseconds=1), inc=True):
        if each >= last or len(found) >= MAX_OCCURRENCES:
            break
        found.append(_paris(each))
    return found


def read_events(content: bytes, first_day: date, last_day: date) -> list[ImportedEvent]:
    """The timed, not cancelled, events of the file that start between the two days (included); all-day events
    (holidays, « absent ») are left out. Raises ValueError for a file that is no calendar."""
    calendar = icalendar.Calendar.from_ical(content)
    if calendar.name != "VCALENDAR":
        raise ValueError(calendar.name)
    first = datetime.combine(first_day, time(0), PARIS)
    last = datetime.combine(last_day + timedelta(days=1), time(0), PARIS)
    masters: list[icalendar.Component] = []
    moved: dict[str, list[icalendar.Component]] = {}
    for event in calendar.walk("VEVENT"):
        if "DTSTART" not in event or not isinstance(event.decoded("DTSTART"), datetime):
            continue
        if "RECURRENCE-ID" in event:
            moved.setdefault(str(event.get("UID", "")), []).append(event)
        else:
            masters.append(event)
    found: list[ImportedEvent] = []
    for event in masters:
        uid = str(event.get("UID", "")) or str(event.decoded("DTSTART"))
        start = _paris(event.decoded("DTSTART"))
        minutes = _minutes(event, start)
        overridden = {_paris(o.decoded("RECURRENCE-ID")) for o in moved.get(uid, [])}
        recurring = "RRULE" in event or "RDATE" in event
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        for each in _starts(event, start, first, last):
            if each in overridden:
                continue
            found.append(ImportedEvent(occurrence_key(uid, each if recurring else None), each.replace(tzinfo=None),
                                       minutes, str(event.get("SUMMARY", ""))))
    for uid, overrides in moved.items():
        for event in overrides:
            start = _paris(event.decoded("DTSTART"))
            if str(event.get("STATUS", "")).upper() == "CANCELLED" or not first <= start < last:
                continue
            found.append(ImportedEvent(occurrence_key(uid, _paris(event.decoded("RECURRENCE-ID"))),
                                       start.replace(tzinfo=None), _minutes(event, start),
                                       str(event.get("SUMMARY", ""))))
        if len(found) > MAX_OCCURRENCES:
            break
    return sorted(found, key=lambda e: (e.starts_at, e.key))[:MAX_OCCURRENCES]


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """The words of a name or a title, accents and case aside (cached: each child's names are read once for
    the whole file, not once per event)."""
    return frozenset(_WORD.findall(fold(text)))


def candidates(summary: str, children: Iterable[ChildName]) -> list[int]:
    """The children whose first name and last name are both in the title (accents and case aside); when none has
    both, those whose last name is there."""
    words = _words(summary)
    both = [c.id for c in children if _words(c.last_name) <= words and _words(c.first_name) <= words
            and _words(c.last_name)]
    if both:
        return both
    return [c.id for c in children if _words(c.last_name) and _words(c.last_name) <= words]
