"""The receipts journal as CSV for the accountant's software (and a French spreadsheet): semicolons, UTF-8 with a
BOM, CRLF, a header line, then ONE LINE PER RECEIPT and nothing else — no total line, which an import would take
for one more receipt (the total is in the PDF and in `cocon journal`'s output). Dates dd/mm/yyyy; amounts with a
decimal comma, no thousands separator, no currency sign ("1257,50"), so that every software reads a number.
A cell that a spreadsheet would take for a formula (=, +, -, @) is written with a leading apostrophe."""

from __future__ import annotations

from collections.abc import Sequence

from cocon_desktop.documents.report_data import JournalEntry
from cocon_exchange.spreadsheet_csv import csv_bytes, decimal_comma, inert

HEADERS = ("Date", "Payeur", "Référence", "Pièces", "Montant", "Mode de règlement")


def journal_csv(entries: Sequence[JournalEntry]) -> bytes:
    return csv_bytes(HEADERS, ([e.day.strftime("%d/%m/%Y"), inert(e.payer), inert(e.reference), inert(e.documents),
                                decimal_comma(e.amount), e.means] for e in entries))
