"""The two money facts the batch format needs: amounts are whole cents, and French text writes them "1 365,00 €".
The program's money module (cocon_desktop/domain/money.py) builds on these."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def euros(amount: Decimal) -> str:
    """1365 → "1 365,00 €" (narrow no-break space between thousands, no-break space before €)."""
    value = Decimal(amount)
    units, rest = divmod(abs(int(value.quantize(CENT, ROUND_HALF_EVEN) * 100)), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    return f"{'-' if value.is_signed() else ''}{grouped},{rest:02d}\u00a0€"
