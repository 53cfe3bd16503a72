"""`actes.csv`: one line per act of every document of a batch, for the network's spreadsheet or coordination tool.

Semicolon-separated, UTF-8 with a byte order mark, CRLF line ends, French header: what French Excel and
LibreOffice open with a double click, accents intact. Amounts use the decimal comma ("40,00", "-40,00":
credit notes negative) so that the spreadsheet reads numbers and a column sum is the net amount; dates are
ISO 8601 ("2026-10-01"), which both spreadsheets read as dates and import tools read unambiguously.
A text cell that a spreadsheet would take for a formula (=, +, -, @ first) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from cocon_exchange.money import CENT
from cocon_exchange.spreadsheet_csv import csv_bytes, decimal_comma, inert

if TYPE_CHECKING:
    from cocon_exchange.batch_format import BatchDocument

ACTS_CSV_NAME = "actes.csv"
BOM = "\ufeff"
HEADER = ("numero_document", "type", "date_emission", "document_corrige", "ligne", "date_acte",
          "numero_inclusion", "initiales", "discipline", "nature", "montant")
KIND_LABELS = {"invoice": "facture", "credit_note": "avoir"}
_AMOUNT = re.compile(r"-?(0|[1-9][0-9]*),[0-9]{2}")


def signed_amount(kind: str, amount: Decimal) -> Decimal:
    """The amount as the manifest and the CSV write it: negative for a credit note (never "-0.00")."""
    value = abs(amount).quantize(CENT)
    return -value if kind == "credit_note" and value else value


def acts_csv(documents: Sequence[BatchDocument]) -> bytes:
    """The CSV bytes: header, then the acts of each document in the batch's order, by line number."""
    return csv_bytes(HEADER, (
        (document.number, KIND_LABELS[document.kind], document.issue_date.isoformat(),
         document.corrects_number or "", str(act.line_no), act.service_day.isoformat(),
         inert(act.inclusion_number), inert(act.initials), inert(act.discipline), inert(act.seance_kind),
         decimal_comma(signed_amount(document.kind, act.amount)))
        for document in documents for act in sorted(document.acts, key=lambda a: a.line_no)))


@dataclass(frozen=True)
class CsvAct:
    """What verification needs of one CSV line."""

    row: int  # 2 for the first line after the header
    document: str
    kind: str  # "invoice" | "credit_note"
    line_no: int
    amount: Decimal  # signed as written


class CsvFormatError(ValueError):
    def __init__(self, row: int, detail: str) -> None:
        super().__init__(f"row {row}: {detail}")
        self.row = row
        self.detail = detail


def _row(row: int, cells: list[str]) -> CsvAct:
    if len(cells) != len(HEADER):
        raise CsvFormatError(row, f"{len(cells)} cellules au lieu de {len(HEADER)}")
    values = dict(zip(HEADER, cells, strict=True))
    kinds = {label: kind for kind, label in KIND_LABELS.items()}
    if values["type"] not in kinds:
        raise CsvFormatError(row, f"type « {values['type']} » inconnu")
    if not values["ligne"].isascii() or not values["ligne"].isdigit() or int(values["ligne"]) < 1:
        raise CsvFormatError(row, f"numéro de ligne « {values['ligne']} » illisible")
    for name in ("date_emission", "date_acte"):
        try:
            date.fromisoformat(values[name])
        except ValueError:
            raise CsvFormatError(row, f"date « {values[name]} » illisible") from None
    if not _AMOUNT.fullmatch(values["montant"]):
        raise CsvFormatError(row, f"montant « {values['montant']} » illisible")
    return CsvAct(row=row, document=values["numero_document"], kind=kinds[values["type"]],
                  line_no=int(values["ligne"]), amount=Decimal(values["montant"].replace(",", ".")))


def read_acts_csv(data: bytes) -> list[CsvAct]:
    """The lines of an `actes.csv`; CsvFormatError (a ValueError) naming the row when the file is not ours."""
    if not data.startswith(BOM.encode("utf-8")):
        raise CsvFormatError(1, "marque d'ordre des octets UTF-8 absente")
    try:
        text = data.decode("utf-8")[1:]
    except UnicodeDecodeError:
        raise CsvFormatError(1, "texte qui n'est pas en UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    acts: list[CsvAct] = []
    try:
        for index, cells in enumerate(reader):
            if index == 0:
                if tuple(cells) != HEADER:
                    raise CsvFormatError(1, "en-tête différent de celui du format")
                continue
            acts.append(_row(reader.line_num, cells))
    except csv.Error:
        raise CsvFormatError(reader.line_num, "cellule mal formée") from None
    if not acts and reader.line_num == 0:
        raise CsvFormatError(1, "fichier vide")
    return acts
