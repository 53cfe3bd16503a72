"""French public holidays (the `holidays` package) and the weekly series that skip them."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

from cocon_desktop.domain.public_holidays import public_holidays, region_of, series_days
from tests.dates import SPECIAL_DAYS

NEW_YEAR = SPECIAL_DAYS[1]  # 01/01/2027, one of the special days the window is tried on: a public holiday


def test_a_wednesday_series_across_armistice_day_skips_it() -> None:
    series = series_days(date(2026, 11, 4), 12)
    assert series.skipped == ((date(2026, 11, 11), "Armistice"),)
    assert len(series.days) == 11 and date(2026, 11, 11) not in series.days
    assert series.days[0] == date(2026, 11, 4) and series.days[-1] == date(2026, 11, 4) + timedelta(weeks=11)
    assert {day.weekday() for day in series.days} == {2}


def test_a_friday_series_across_christmas_and_new_year_skips_both() -> None:
    series = series_days(date(2026, 12, 18), 4)
    assert series.skipped == ((date(2026, 12, 25), "Noël"), (NEW_YEAR, "Jour de l'an"))
    assert series.days == (date(2026, 12, 18), date(2027, 1, 8))


def test_asked_to_the_holidays_are_kept_and_named() -> None:
    series = series_days(date(2026, 11, 4), 12, include_holidays=True)
    assert len(series.days) == 12 and date(2026, 11, 11) in series.days
    assert series.skipped == () and series.holidays_kept == ((date(2026, 11, 11), "Armistice"),)


def test_a_single_slot_on_a_holiday_is_kept() -> None:
    assert series_days(date(2026, 12, 25), 1).days == (date(2026, 12, 25),)


def test_every_day_other_than_holidays_is_kept() -> None:
    assert series_days(date(2026, 11, 3), 12).skipped == ()  # Tuesdays: no holiday falls on one then
    assert series_days(date(2026, 11, 11), 3, every_days=1).skipped == ((date(2026, 11, 11), "Armistice"),)


def test_alsace_moselle_and_overseas_have_their_own_days() -> None:
    assert [region_of(code) for code in ("57000", "67 000", "68100", "97400", "31000", "75011", "")] == [
        "57", "6AE", "6AE", "974", None, None, None]
    good_friday = date(2027, 3, 26)
    assert good_friday not in public_holidays(good_friday, good_friday)
    assert public_holidays(good_friday, good_friday, "57") == {good_friday: "Vendredi saint"}
    assert series_days(good_friday - timedelta(weeks=1), 3, region="6AE").skipped == ((good_friday, "Vendredi saint"),)
    abolition = date(2027, 12, 20)  # of slavery, in La Réunion
    assert public_holidays(abolition, abolition, "974") == {abolition: "Abolition de l'esclavage"} != public_holidays(
        abolition, abolition)


def test_the_holidays_of_a_year() -> None:
    days = public_holidays(date(2026, 1, 1), date(2026, 12, 31))
    assert len(days) == 11 and days[date(2026, 7, 14)] == "Fête nationale"
    assert public_holidays(date(2026, 12, 31), date(2026, 12, 1)) == {}


def test_the_window_loads_the_holidays_only_when_it_needs_them() -> None:
    """`holidays` costs ~80 ms to import and ~100 ms to build France's calendar: not at the window's start."""
    code = ("import sys, cocon_desktop.ui.pages.agenda_view, cocon_desktop.ui.dialogs.appointment_dialog\n"
            "print('holidays' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "False"
