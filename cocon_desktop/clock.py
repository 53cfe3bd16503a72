"""Where "today" comes from: a clock made once by each entry point (the `cocon` command, the window) and passed
down, so that tests and the demo can run on any day (31 December, 1 January, 29 February) without touching the
system date.

`SystemClock` reads the system; `FixedClock` always says the same day (its `now()` starts at noon UTC on that day,
so that the local date is the same day in any time zone of France, overseas included, then runs forward). The entry
points read `COCON_TODAY=AAAA-MM-JJ` (a testing aid: a fixed clock on that day) with `from_environment`; nothing
else reads the environment. Audit and creation timestamps, and signing times, stay on the real time."""

from __future__ import annotations

import time as _time
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

ENVIRONMENT_VARIABLE = "COCON_TODAY"


class Clock(Protocol):
    def today(self) -> date:
        """The local calendar day."""
        ...

    def now(self) -> datetime:
        """The current moment, time-zone aware."""
        ...


class SystemClock:
    """The machine's clock."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """Always the same day; `now()` is `at` (default: noon UTC that day) plus the time elapsed since the clock
    was made, so that moments taken one after the other keep their order."""

    def __init__(self, day: date, at: datetime | None = None) -> None:
        if at is not None and at.tzinfo is None:
            raise ValueError("a fixed clock's moment must be time-zone aware")
        self.day = day
        self.at = at if at is not None else datetime.combine(day, time(12, 0), tzinfo=UTC)
        self._started = _time.monotonic()

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return self.at + timedelta(seconds=_time.monotonic() - self._started)

    def __repr__(self) -> str:
        return f"FixedClock({self.day.isoformat()})"


SYSTEM_CLOCK = SystemClock()


def from_environment(environ: Mapping[str, str]) -> Clock:
    """The system clock, or a fixed one when `COCON_TODAY=AAAA-MM-JJ` is set (only the entry points call this).

    A malformed value raises ValueError: a test that meant a fixed day must not silently run on today's."""
    value = environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return SYSTEM_CLOCK
    try:
        return FixedClock(date.fromisoformat(value))
    except ValueError as exc:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={value!r}: expected AAAA-MM-JJ") from exc
