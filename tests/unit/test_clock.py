"""The clock the entry points make: the system's, or a fixed day from COCON_TODAY."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cocon_desktop.clock import SYSTEM_CLOCK, FixedClock, from_environment


def test_without_the_variable_the_system_clock() -> None:
    assert from_environment({}) is SYSTEM_CLOCK
    assert from_environment({"COCON_TODAY": "  "}) is SYSTEM_CLOCK
    assert SYSTEM_CLOCK.now().tzinfo is not None


def test_a_fixed_day_from_the_environment() -> None:
    clock = from_environment({"COCON_TODAY": "2028-02-29"})
    assert clock.today() == date(2028, 2, 29)
    first, second = clock.now(), clock.now()
    assert first.tzinfo is not None and first.date() == date(2028, 2, 29)
    assert datetime(2028, 2, 29, 12, tzinfo=UTC) <= first <= second < datetime(2028, 2, 29, 13, tzinfo=UTC)


@pytest.mark.parametrize("value", ["29/02/2028", "2027-02-29", "demain"])
def test_a_malformed_day_is_refused_not_ignored(value: str) -> None:
    with pytest.raises(ValueError, match="COCON_TODAY"):
        from_environment({"COCON_TODAY": value})


def test_a_fixed_moment_must_be_aware() -> None:
    at = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert FixedClock(date(2026, 12, 31), at).now() - at < timedelta(seconds=5)
    with pytest.raises(ValueError):
        FixedClock(date(2026, 12, 31), datetime(2026, 12, 31, 23, 30))
