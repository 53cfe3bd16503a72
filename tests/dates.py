"""The days the tests run on: a fixed "today" (never the machine's date), and the special days a few end-to-end
tests also run on (the year's last day, its first, a leap day)."""

from __future__ import annotations

from datetime import date

from cocon_desktop.clock import FixedClock

TODAY = date(2026, 11, 18)  # a Wednesday, mid-month, well inside the pathway's years
CLOCK = FixedClock(TODAY)
SPECIAL_DAYS = (date(2026, 12, 31), date(2027, 1, 1), date(2028, 2, 29))


def clock(day: date = TODAY) -> FixedClock:
    return FixedClock(day)
