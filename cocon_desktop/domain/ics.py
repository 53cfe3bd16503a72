"""ICS (RFC 5545) export of appointments: a standard calendar file, with initials only (no child's name).

The practice's times are Paris times: every DTSTART/DTEND carries `TZID=Europe/Paris` and the file holds that
zone's VTIMEZONE (its CET/CEST changes over the exported days), so that a calendar in another zone (a phone
abroad, Outlook in Montréal) shows the right instant, not the same figures read as its own local time. Each
event's UID is the appointment's own (`appointment.uid`, a uuid4 kept for life, schema 0015): exporting again,
from another practice or after a restore, updates the events instead of doubling them. Written with the
`icalendar` library (escaping, folding, CRLF).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

PRACTICE_ZONE = "Europe/Paris"
PRODID = "-//COCON Desktop//FR"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime  # the practice's local time (Paris), naive
    minutes: int
    summary: str
    location: str = ""


def to_ics(events: list[CalendarEvent], now: datetime | None = None, first: date | None = None,
           last: date | None = None) -> bytes:
    """The calendar file of these events; its VTIMEZONE covers `first`..`last` (by default the events' days)."""
    zone = ZoneInfo(PRACTICE_ZONE)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", PRACTICE_ZONE)
    for event in events:
        start = event.starts_at.replace(tzinfo=zone)
        item = icalendar.Event()
        item.add("uid", event.uid)
        item.add("dtstamp", stamp)
        item.add("dtstart", start)
        item.add("dtend", start + timedelta(minutes=event.minutes))
        item.add("summary", event.summary)
        if event.location:
            item.add("location", event.location)
        calendar.add_component(item)
    days = [e.starts_at.date() for e in events]
    first_day = first or (min(days) if days else stamp.date())
    last_day = last or (max(days) if days else stamp.date())
    # The zone's definition spans the exported days (one year at least, so a short export still names both offsets)
    calendar.add_missing_timezones(first_date=first_day - timedelta(days=1),
                                   last_date=max(last_day, first_day + timedelta(days=366)))
    if not events:  # no event names the zone: still say it, so that an empty export is the same kind of file
        calendar.add_component(icalendar.Timezone.from_tzid(PRACTICE_ZONE, first_date=first_day,
                                                            last_date=first_day + timedelta(days=366)))
    return bytes(calendar.to_ical())
