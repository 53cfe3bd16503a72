"""CSV files for French spreadsheets and accounting imports: semicolons, CRLF, UTF-8 with a BOM (what French Excel
expects), amounts with a decimal comma and no grouping, and every text cell that a spreadsheet would take for a
formula made inert by a leading apostrophe (CSV injection). Used by the children export, the receipts journal and
the batches' `actes.csv`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from cocon_exchange.money import CENT

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """The text as a spreadsheet shows it, never as a formula ("=1+1" → "'=1+1")."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def decimal_comma(amount: Decimal) -> str:
    """"1365,00" / "-40,00": two decimals, decimal comma, no grouping (a grouping space would make it text)."""
    return f"{amount.quantize(CENT):.2f}".replace(".", ",")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """The file: BOM, the header line, the rows (cells written as given: pass text through `inert`)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
