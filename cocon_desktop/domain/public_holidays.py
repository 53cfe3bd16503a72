"""French public holidays (jours fériés) and the weekly series that skip them.

The dates come from the maintained `holidays` package (its calendar of France, names in French). A practice in
Moselle or Alsace has two more days off (Vendredi saint, Saint-Étienne), one overseas has its own (abolition of
slavery…): the region is read from the practice's postcode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# postcode prefix → the `holidays` subdivision whose days off differ from mainland France's
REGIONS = (("57", "57"), ("67", "6AE"), ("68", "6AE"), ("971", "971"), ("972", "972"), ("973", "973"),
           ("974", "974"), ("976", "976"))


def region_of(postcode: str) -> str | None:
    """The holidays' subdivision for a practice's postcode; None for mainland France outside Alsace-Moselle."""
    code = postcode.strip().replace(" ", "")
    return next((region for prefix, region in REGIONS if code.startswith(prefix)), None)


def public_holidays(first: date, last: date, region: str | None = None) -> dict[date, str]:
    """The public holidays between `first` and `last` (both included), day → its French name."""
    if last < first:
        return {}
    from holidays import country_holidays  # ~80 ms, and ~100 ms more for France's calendar: not at the window's start

    calendar = country_holidays("FR", subdiv=region, years=range(first.year, last.year + 1), language="fr")
    return {day: str(name) for day, name in sorted(calendar.items()) if first <= day <= last}


@dataclass(frozen=True)
class Series:
    """The days of a recurring slot: those kept, and the public holidays skipped (day, name) or kept (when asked)."""

    days: tuple[date, ...]
    skipped: tuple[tuple[date, str], ...] = ()
    holidays_kept: tuple[tuple[date, str], ...] = ()


def series_days(first_day: date, count: int, every_days: int = 7, *, include_holidays: bool = False,
                region: str | None = None) -> Series:
    """`count` slots `every_days` apart from `first_day`; a single slot is never skipped (the therapist chose that
    day), a series skips the public holidays unless `include_holidays`."""
    days = [first_day + timedelta(days=every_days * i) for i in range(count)]
    if count <= 1:
        return Series(tuple(days))
    off = public_holidays(days[0], days[-1], region)
    on_holidays = tuple((day, off[day]) for day in days if day in off)
    if include_holidays:
        return Series(tuple(days), holidays_kept=on_holidays)
    return Series(tuple(day for day in days if day not in off), skipped=on_holidays)
