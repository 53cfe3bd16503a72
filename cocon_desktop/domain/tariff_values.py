"""The values a tariff file holds, read without trusting it: tables, lists, whole numbers, amounts, dates.

Shared by domain/tariffs.py and domain/tariff_milestones.py. Each reader appends a FieldError naming the place and
returns a neutral value, so that one reading names every problem of a file written by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cocon_desktop.domain.money import is_whole_cents
from cocon_desktop.errors import FieldError


def table(value: Any, where: str, errors: list[FieldError]) -> dict[str, Any]:
    """A TOML table, or {} with an error (a file written by hand may put anything anywhere)."""
    if isinstance(value, dict):
        return value
    errors.append(FieldError(where, "tariff_table_expected"))
    return {}


def array(value: Any, where: str, errors: list[FieldError]) -> list[Any]:
    if isinstance(value, list):
        return value
    errors.append(FieldError(where, "tariff_list_expected"))
    return []


def whole(value: Any) -> int:
    """A whole number (7 or 7.0, not 7.5, not NaN or infinity, not a boolean); ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():  # NaN and infinities too
            raise ValueError(value)
        return int(value)
    return int(value)


def shown(value: Any) -> str:
    """A value as a message may quote it: short, and never an error (str() of a 5,000-digit integer raises)."""
    try:
        return str(value)[:40]
    except (ValueError, RecursionError):
        return "…"


def amount(value: Any, where: str, errors: list[FieldError]) -> Decimal:
    """Euros, as a string or a number: finite, not negative, whole cents."""
    try:
        parsed = Decimal(str(value)) if isinstance(value, str | int | float) and not isinstance(value, bool) \
            else Decimal("NaN")
        valid = parsed.is_finite() and parsed >= 0 and is_whole_cents(parsed)
    except (InvalidOperation, ValueError):
        valid = False
    if not valid:
        errors.append(FieldError(where, "amount_invalid", {"value": shown(value)}))
        return Decimal(0)
    return parsed


def day(value: Any, where: str, errors: list[FieldError]) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors.append(FieldError(where, "date_invalid", {"value": shown(value)}))
    return date.min
