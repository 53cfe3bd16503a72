"""The receipts journal as CSV for the accountant's software (and a French spreadsheet): semicolons, UTF-8 with a
BOM, CRLF, a header line, then ONE LINE PER RECEIPT and nothing else — no total line, which an import would take
for one more receipt (the total is in the PDF and in `cocon journal`'s output). Dates dd/mm/yyyy; amounts with a
decimal comma, no thousands separator, no currency sign ("1257,50"), so that every software reads a number.
A cell that a spreadsheet would take for a formula (=, +, -, @) is written with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from cocon_desktop.documents.report_data import JournalEntry

HEADERS = ("Date", "Payeur", "Référence", "Pièces", "Montant", "Mode de règlement")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def amount_text(amount: Decimal) -> str:
    """"1257,50": two decimals, decimal comma, nothing else."""
    return f"{amount.quantize(Decimal('0.01')):.2f}".replace(".", ",")


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def journal_csv(entries: Sequence[JournalEntry]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADERS)
    for e in entries:
        writer.writerow([e.day.strftime("%d/%m/%Y"), _safe(e.payer), _safe(e.reference), _safe(e.documents),
                         amount_text(e.amount), e.means])
    return buffer.getvalue().encode("utf-8-sig")
