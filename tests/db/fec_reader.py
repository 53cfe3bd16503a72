"""A reader of FEC files written from the text of LPF art. A.47 A-1 (and BOI-CF-IOR-60-40-20 for the fields of the
cash-basis BNC variant), independent of cocon_desktop/domain/fec.py: it checks every rule the text states and
returns the records. Used by tests/db/test_fec.py and tests/e2e/test_cli_fec.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

# A.47 A-1, I: the 18 fields, in this order
GENERAL = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise"]
# BNC holding a cash-basis (recettes-dépenses) bookkeeping: four more fields after them
CASH_BASIS = [*GENERAL, "DateRglt", "ModeRglt", "NatOp", "IdClient"]
REQUIRED = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "PieceRef",
            "PieceDate", "EcritureLib", "Debit", "Credit", "ValidDate"]
DATES = ["EcritureDate", "PieceDate", "DateLet", "ValidDate", "DateRglt"]
AMOUNTS = ["Debit", "Credit", "Montantdevise"]
NAME = re.compile(r"(?P<siren>\d{9})FEC(?P<closing>\d{8})(\.txt)?")
AMOUNT = re.compile(r"-?\d+(,\d+)?")  # decimal comma, no thousands separator, no currency


@dataclass(frozen=True)
class Fec:
    siren: str
    closing: date
    separator: str
    fields: list[str]
    records: list[dict[str, str]]

    def entries(self) -> dict[int, list[dict[str, str]]]:
        grouped: dict[int, list[dict[str, str]]] = {}
        for record in self.records:
            grouped.setdefault(int(record["EcritureNum"]), []).append(record)
        return grouped


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) if text else Decimal(0)


def _date(text: str) -> date:
    assert re.fullmatch(r"\d{8}", text), f"date not AAAAMMJJ: {text!r}"
    return datetime.strptime(text, "%Y%m%d").date()


def read_fec(name: str, data: bytes, year_first: date) -> Fec:
    """The FEC `data` named `name` for the fiscal year starting `year_first`; AssertionError on any broken rule."""
    found = NAME.fullmatch(name)
    assert found, f"file name not SIREN + FEC + AAAAMMJJ: {name}"
    closing = _date(found["closing"])
    assert not data.startswith(b"\xef\xbb\xbf"), "a byte order mark is no character of the allowed encodings"
    text = data.decode("iso8859_15")  # ISO 8859-15, one of the encodings the text allows
    lines = text.splitlines()
    assert lines and all(lines), "one record a line, no empty line"
    separator = "\t" if "\t" in lines[0] else "|"
    fields = lines[0].split(separator)
    assert fields in (GENERAL, CASH_BASIS), f"fields not those of A.47 A-1 in their order: {fields}"
    records = []
    for line in lines[1:]:
        values = line.split(separator)
        assert len(values) == len(fields), f"a record of {len(values)} fields: {line!r}"
        records.append(dict(zip(fields, values, strict=True)))
    fec = Fec(found["siren"], closing, separator, fields, records)
    _check_records(fec, year_first)
    return fec


def _check_records(fec: Fec, year_first: date) -> None:
    valid_days = []
    for record in fec.records:
        for name in REQUIRED:
            assert record[name], f"{name} empty in {record}"
        for name in DATES:
            if record.get(name):
                _date(record[name])
        for name in AMOUNTS:
            if record[name]:
                assert AMOUNT.fullmatch(record[name]), f"{name} not an amount with a comma: {record[name]!r}"
        assert year_first <= _date(record["EcritureDate"]) <= fec.closing, "an entry outside the fiscal year"
        assert bool(record["CompAuxNum"]) == bool(record["CompAuxLib"]), "auxiliary number and label go together"
        assert bool(record["Montantdevise"]) == bool(record["Idevise"]), "currency amount and code go together"
        assert bool(record["EcritureLet"]) == bool(record["DateLet"]), "lettering and its date go together"
        valid_days.append(_date(record["ValidDate"]))
    assert valid_days == sorted(valid_days), "records in the chronological order of validation"
    numbers = [int(r["EcritureNum"]) for r in fec.records]
    assert numbers == sorted(numbers), "the entries one after another"
    assert sorted(set(numbers)) == list(range(1, len(set(numbers)) + 1)), "entry numbers on a continuous sequence"
    for number, lines in fec.entries().items():
        assert len({(r["JournalCode"], r["EcritureDate"]) for r in lines}) == 1, f"entry {number}: one journal, one day"
        debit = sum((amount(r["Debit"]) for r in lines), Decimal(0))
        credit = sum((amount(r["Credit"]) for r in lines), Decimal(0))
        assert debit == credit > 0, f"entry {number} unbalanced: {debit} / {credit}"
