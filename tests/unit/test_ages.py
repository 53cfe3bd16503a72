"""Corrected age on known cases (formula of DOMAIN.md) and the French display of ages."""

from __future__ import annotations

from datetime import date

from cocon_desktop.domain.ages import (
    AgeSpan,
    age_between,
    corrected_age,
    correction_days,
    date_at_age,
    shows_corrected_age,
)


def test_correction_uses_completed_weeks() -> None:
    assert correction_days(25) == 15 * 7  # 25 SA + 5 days counts 25
    assert correction_days(40) == 0
    assert correction_days(41) == 0


def test_born_at_28_weeks_is_three_months_younger() -> None:
    birth = date(2025, 1, 10)
    on = date(2025, 7, 10)
    assert age_between(birth, on) == AgeSpan(6, 0)
    # 12 weeks = 84 days of correction: corrected birth is 2025-04-04
    assert corrected_age(birth, 28, on) == AgeSpan(3, 6)


def test_end_of_month_births() -> None:
    assert age_between(date(2024, 1, 31), date(2024, 2, 28)) == AgeSpan(0, 28)
    assert age_between(date(2024, 1, 31), date(2024, 2, 29)) == AgeSpan(1, 0)  # month end: clamped
    assert age_between(date(2024, 1, 31), date(2024, 3, 1)) == AgeSpan(1, 1)
    assert date_at_age(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert date_at_age(date(2022, 9, 15), 24) == date(2024, 9, 15)


def test_corrected_age_shown_only_for_premature_children_under_the_cutoff() -> None:
    birth = date(2025, 1, 10)
    assert shows_corrected_age(birth, 30, date(2026, 1, 9))
    assert not shows_corrected_age(birth, 30, date(2027, 1, 10))  # 24 months reached
    assert shows_corrected_age(birth, 30, date(2027, 1, 10), cutoff_months=36)
    assert not shows_corrected_age(birth, 38, date(2025, 6, 1))  # born at term
    assert not shows_corrected_age(birth, None, date(2025, 6, 1))


def test_french_display() -> None:
    assert AgeSpan(0, 5).french() == "5 j"
    assert AgeSpan(0, 21).french() == "3 semaines"
    assert AgeSpan(5, 12).french() == "5 mois 12 j"
    assert AgeSpan(15, 3).french() == "1 an 3 mois"
    assert AgeSpan(12, 0).french() == "1 an"
    assert AgeSpan(50, 2).french() == "4 ans 2 mois"
    assert AgeSpan(48, 0).french() == "4 ans"
