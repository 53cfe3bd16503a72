"""The fichier des écritures comptables (FEC) of LPF art. A.47 A-1, as a BNC professional hands it to the tax office
or her accountant: pure rules, no database (services/fec_export.py gathers the entries).

What the file follows (docs/accounting.md says it to the therapist and her accountant):
- name: SIREN + "FEC" + closing date AAAAMMJJ (a BNC fiscal year closes on 31 December), ".txt";
- a flat text file, one record a line, fields separated by a tabulation, the first line naming the fields;
- characters in ISO 8859-15 (Latin-9), one of the encodings the text allows; a character outside it is
  written as its closest Latin-9 letter;
- dates AAAAMMJJ without time; amounts with a decimal comma, no thousands separator, two decimals;
- the 18 fields of the general case in their order (JournalCode … Idevise), and, for the cash-basis
  « recettes-dépenses » bookkeeping of BNC, the 4 more the BOI lists (DateRglt, ModeRglt, NatOp, IdClient);
- entry numbers on a continuous sequence (1, 2, 3 … in the order of validation), each entry balanced."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

FIELDS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
          "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
          "ValidDate", "Montantdevise", "Idevise")
CASH_FIELDS = (*FIELDS, "DateRglt", "ModeRglt", "NatOp", "IdClient")
SEPARATOR = "\t"
ENCODING = "iso8859_15"
NEWLINE = "\r\n"

ACCOUNT_DIGITS = 20  # an account number: 3 to 20 letters or digits (what accountants' software imports)


@dataclass(frozen=True)
class Chart:
    """The few accounts the practice's entries use; the practice edits them (Paramètres › Comptabilité)."""

    receipts: str = "706"  # honoraires (the BNC receipts account accountants expect)
    bank: str = "512"
    customers: str = "411"  # with one auxiliary account per network
    auxiliaries: dict[str, str] = field(default_factory=dict)  # network code → auxiliary account
    accrual: bool = False  # invoices and credit notes as entries (engagements), receipts settling 411

    def auxiliary(self, network: str) -> str:
        return self.auxiliaries.get(network) or network


def valid_account(value: str) -> bool:
    return 3 <= len(value) <= ACCOUNT_DIGITS and value.isascii() and value.isalnum()


ACCOUNT_LABELS = {"receipts": "Honoraires", "bank": "Banque", "customers": "Clients"}


@dataclass(frozen=True)
class Line:
    account: str
    account_label: str
    debit: Decimal
    credit: Decimal
    aux: str = ""
    aux_label: str = ""


@dataclass(frozen=True)
class Entry:
    journal: str  # "BQ" (bank: receipts) or "VT" (sales: invoices and credit notes)
    journal_label: str
    day: date
    piece: str
    piece_day: date
    label: str
    valid_day: date
    lines: tuple[Line, ...]
    paid_on: date | None = None  # cash-basis fields
    means: str = ""
    nature: str = ""
    client: str = ""

    @property
    def balanced(self) -> bool:
        return sum((ln.debit for ln in self.lines), Decimal(0)) == sum((ln.credit for ln in self.lines), Decimal(0))


def file_name(siren: str, closing: date) -> str:
    return f"{siren}FEC{closing:%Y%m%d}.txt"


def amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


PUNCTUATION = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                             "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u202f": " "})


def text(value: str) -> str:
    """A field's text: no separator, no line break, and only characters Latin-9 can write."""
    value = " ".join(value.translate(PUNCTUATION).replace("|", " ").split())
    out = []
    for char in value:
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            char = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or "?"
        out.append(char)
    return "".join(out)


def _day(value: date | None) -> str:
    return "" if value is None else f"{value:%Y%m%d}"


def records(entries: Iterable[Entry], cash: bool) -> list[list[str]]:
    """The records of `entries` (already in the order of validation), numbered 1, 2, 3 …"""
    rows = []
    for number, entry in enumerate(entries, start=1):
        if not entry.balanced:
            raise ValueError(f"unbalanced entry {entry.piece}")
        for line in entry.lines:
            row = [entry.journal, text(entry.journal_label), str(number), _day(entry.day), line.account,
                   text(line.account_label), line.aux, text(line.aux_label), text(entry.piece),
                   _day(entry.piece_day), text(entry.label), amount(line.debit), amount(line.credit), "", "",
                   _day(entry.valid_day), "", ""]
            if cash:
                row += [_day(entry.paid_on), text(entry.means), text(entry.nature), text(entry.client)]
            rows.append(row)
    return rows


def fec_bytes(entries: Sequence[Entry], cash: bool) -> bytes:
    header = CASH_FIELDS if cash else FIELDS
    lines = [SEPARATOR.join(header)] + [SEPARATOR.join(row) for row in records(entries, cash)]
    return (NEWLINE.join(lines) + NEWLINE).encode(ENCODING)
