"""Money: integer cents in the database, `Decimal` euros with two decimals in the code, French text for people.

`euros` writes "1 365,00 €" itself rather than through Babel's format_currency (0.27 ms a call, and ~60 ms to
load Babel's French data at the first one): tests/ui/test_responsiveness.py checks that it gives Babel's very text
(`babel_euros`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from cocon_exchange.money import CENT as CENT
from cocon_exchange.money import euros as euros


def from_cents(value_cents: int | None) -> Decimal:
    """12550 → Decimal("125.50"); None (an empty sum) → 0.00."""
    return (Decimal(int(value_cents or 0)) / 100).quantize(CENT)


def to_cents(amount: Decimal) -> int:
    """Decimal("125.50") → 12550."""
    return int((amount * 100).to_integral_value())


def is_whole_cents(amount: Decimal) -> bool:
    """A finite amount with no fraction of a cent (1e400 is not: it has no place in cents)."""
    if not amount.is_finite():
        return False
    try:
        return amount == amount.quantize(CENT)
    except InvalidOperation:  # more digits than the context holds
        return False


def parse_euros(text: str) -> Decimal | None:
    """"1 234,50 €", "12.5" → Decimal; None when it is not a finite number."""
    cleaned = text.replace("€", "").replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def babel_euros(amount: Decimal) -> str:
    """Babel's own formatting, the reference `euros` is checked against."""
    from babel.numbers import format_currency  # Babel's data: loaded when first needed, not at start

    return str(format_currency(amount, "EUR", locale="fr_FR"))
