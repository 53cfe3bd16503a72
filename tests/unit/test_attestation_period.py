"""Periods and numbers of attestations: what `--period` accepts, what an annual attestation covers."""

from __future__ import annotations

from datetime import date

import pytest

from cocon_desktop.domain.attestation import Period, number, parse_period, period_for
from cocon_desktop.errors import ValidationError


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2026-01..2026-06", date(2026, 1, 1), date(2026, 6, 30)),
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    (" 2026-03-05 .. 2026-03-20 ", date(2026, 3, 5), date(2026, 3, 20)),
    ("2025-11..2026-02", date(2025, 11, 1), date(2026, 2, 28)),
])
def test_periods_read(text: str, first: date, last: date) -> None:
    assert parse_period(text) == Period(first, last)


@pytest.mark.parametrize(("text", "code"), [
    ("2026-13", "period_invalid"), ("octobre", "period_invalid"), ("", "period_invalid"),
    ("2026-01..", "period_invalid"), ("2026-02-30", "period_invalid"), ("2026-06..2026-01", "period_reversed"),
])
def test_bad_periods_have_codes(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_period(text)
    assert [(e.field, e.code) for e in raised.value.errors] == [("period", code)]


def test_annual_covers_the_calendar_year_and_numbers_are_padded() -> None:
    assert period_for("annuelle", parse_period("2026-03")) == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert period_for("seances", parse_period("2026-03")) == parse_period("2026-03")
    assert period_for("annuelle", parse_period("2026")).is_calendar_year
    with pytest.raises(ValidationError):
        period_for("annuelle", parse_period("2025-12..2026-01"))
    with pytest.raises(ValidationError):
        period_for("facture", parse_period("2026"))
    assert number(2026, 7) == "ATT-2026-0007"
