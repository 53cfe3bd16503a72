"""A list of children in a CSV file (the network's inclusion list, another program's export) → a preview.

Pure: bytes in, a `CsvPreview` out, nothing written. The file is decoded (UTF-8 with or without BOM, then
Windows-1252), its separator sniffed (; , or tab), its headers recognised (csv_headers.SYNONYMS) unless the
caller's `mapping` says otherwise, each row read (csv_values) and checked by validate_child; the same child
twice in the file is refused after its first row. Rows are numbered as a spreadsheet shows them: the header
is row 1. What the database says (inclusion numbers taken…) is added by services/children_import.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from cocon_desktop.domain import csv_values as values
from cocon_desktop.domain.child import ChildData, GuardianData, validate_child
from cocon_desktop.domain.csv_headers import (
    GUARDIAN,
    GUARDIAN_NAME,
    IMPORT_FIELDS,
    REQUIRED_FIELDS,
    recognise,
)
from cocon_desktop.domain.csv_reading import Record, read_csv
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.domain.text import fold
from cocon_desktop.errors import CoconError, FieldError

ROW = ""  # the field of an error about the whole row (a cell too many)
_ORDER = {name: index for index, name in enumerate(IMPORT_FIELDS)}  # terms before days, full name before parts


@dataclass(frozen=True)
class ImportRow:
    """One row of the file: `child` when it can be imported, None when refused (then `errors` says why)."""

    row: int
    cells: tuple[str, ...]
    child: ChildData | None
    errors: tuple[FieldError, ...] = ()
    warnings: tuple[FieldError, ...] = ()  # non-blocking remarks (e.g. born before the pathway started)

    @property
    def valid(self) -> bool:
        return self.child is not None


@dataclass(frozen=True)
class CsvPreview:
    encoding: str  # codec, see csv_reading.ENCODING_LABELS
    separator: str
    headers: tuple[str, ...]
    mapping: dict[str, str]  # header → field, for the columns that are read
    unmapped: tuple[str, ...]  # headers left aside: unknown, ignored on purpose, or beaten by a better column
    missing: tuple[str, ...]  # fields a child needs that no column gives: every row will be refused
    rows: tuple[ImportRow, ...] = field(default_factory=tuple)

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.valid]

    @property
    def refused_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.valid]


def _text_upper(cell: str) -> str:
    return values.text(cell).upper()


def _compact_upper(cell: str) -> str:
    return "".join(cell.split()).upper()


_PARSERS: dict[str, Callable[[str], Any]] = {
    "last_name": values.text, "first_name": values.text, "birth_date": values.day, "sex": values.sex,
    "inclusion_number": _text_upper, "inclusion_date": values.day, "gestational_days": values.term_days,
    "birth_weight_g": values.weight_g,
    "network": values.network, "risk_group": values.risk_group, "inclusion_criteria": values.criteria,
    "nir": _compact_upper, "birth_place_code": _compact_upper, "consent_date": values.day, "exit_date": values.day,
    "exit_reason": values.exit_reason,
    GUARDIAN + "last_name": values.text, GUARDIAN + "first_name": values.text, GUARDIAN + "relation": values.relation,
    GUARDIAN + "phone": values.phone, GUARDIAN + "email": values.text, GUARDIAN + "address": values.text,
    GUARDIAN + "postcode": values.postcode, GUARDIAN + "city": values.text,
}


def resolve_columns(headers: tuple[str, ...], mapping: Mapping[str, str | None] | None = None) -> dict[int, str]:
    """Column index → field. `mapping` (header → field, or None to leave a column aside) wins over the
    headers recognised automatically; among those, the better synonym wins, then the leftmost column."""
    overrides: dict[str, str | None] = {}
    for header, target in (mapping or {}).items():
        if target is not None and target not in IMPORT_FIELDS:
            raise CoconError("import_field_unknown", field=target)
        overrides[values.key(header)] = target
    claims: dict[str, tuple[int, int]] = {}  # field → (rank, column)
    overridden: set[str] = set()
    for index, header in enumerate(headers):
        if not header:
            continue
        header_key = values.key(header)
        if header_key in overrides and header_key not in overridden:
            overridden.add(header_key)
            target = overrides[header_key]
            if target is None:
                continue
            if claims.get(target, (0, 0))[0] < 0:
                raise CoconError("import_field_twice", field=IMPORT_FIELDS[target])
            rank = -1
        else:
            found = recognise(header)
            if found is None:
                continue
            target, rank = found
        if target not in claims or (rank, index) < claims[target]:
            claims[target] = (rank, index)
    return {index: target for target, (_rank, index) in sorted(claims.items(), key=lambda c: c[1][1])}


def _error_field(target: str) -> str:
    return GUARDIAN + "last_name" if target == GUARDIAN_NAME else target


def _read_cells(record: Record, columns: dict[int, str]) -> tuple[dict[str, Any], dict[str, Any], list[FieldError]]:
    child: dict[str, Any] = {}
    guardian: dict[str, Any] = {}
    errors: list[FieldError] = []
    for index, target in sorted(columns.items(), key=lambda c: _ORDER[c[1]]):
        cell = record.cells[index] if index < len(record.cells) else ""
        if not cell:
            continue
        try:
            if target == GUARDIAN_NAME:
                guardian["last_name"], first = values.full_name(cell)
                if first:
                    guardian["first_name"] = first
            elif target == "gestational_weeks":
                child["gestational_weeks"], child["gestational_days"] = values.term(cell)
            elif target.startswith(GUARDIAN):
                guardian[target.removeprefix(GUARDIAN)] = _PARSERS[target](cell)
            else:
                child[target] = _PARSERS[target](cell)
        except CoconError as exc:
            errors.append(FieldError(_error_field(target), exc.code, dict(exc.data)))
    return child, guardian, errors


def _parse_row(record: Record, columns: dict[int, str], width: int, default_network: str, today: date
               ) -> tuple[ImportRow, ChildData]:
    filled = max((i + 1 for i, cell in enumerate(record.cells) if cell), default=0)
    if filled > width:
        error = FieldError(ROW, "csv_row_too_long", {"count": filled, "expected": width})
        return ImportRow(record.row, record.cells, None, (error,)), ChildData()
    child, guardian, errors = _read_cells(record, columns)
    child.setdefault("network", default_network)
    warnings: list[FieldError] = []
    if guardian:
        guardian.setdefault("relation", "autre")
        if not guardian.get("last_name") and child.get("last_name"):
            guardian["last_name"] = child["last_name"]
            warnings.append(FieldError(GUARDIAN + "last_name", "guardian_name_from_child_warning", {}, "warning"))
    data = ChildData(**child, guardians=(GuardianData(**guardian),) if guardian else ())
    read_badly = {e.field for e in errors}
    for error in validate_child(data, today):
        if error.field not in read_badly:  # "Date invalide : 31/02/2024" says more than "Champ obligatoire"
            (errors if error.blocking else warnings).append(error)
    row = ImportRow(record.row, record.cells, None if errors else data, tuple(errors), tuple(warnings))
    return row, data


def _refuse(row: ImportRow, error: FieldError) -> ImportRow:
    return replace(row, child=None, errors=(*row.errors, error))


def mark_duplicates(rows: list[tuple[ImportRow, ChildData]]) -> list[ImportRow]:
    """A child given twice in the file (same inclusion number, or same names and birth date, accents and case
    aside) is refused after its first row, even when that first row is itself refused for another reason."""
    by_number: dict[str, int] = {}
    by_identity: dict[tuple[str, str, date], int] = {}
    checked: list[ImportRow] = []
    for row, data in rows:
        number = data.inclusion_number
        if number:
            if number in by_number:
                row = _refuse(row, FieldError("inclusion_number", "duplicate_in_file_inclusion",
                                              {"row": by_number[number]}))
            else:
                by_number[number] = row.row
        if data.last_name and data.first_name and data.birth_date:
            identity = (fold(data.last_name), fold(data.first_name), data.birth_date)
            if identity in by_identity:
                row = _refuse(row, FieldError("last_name", "duplicate_in_file_child", {"row": by_identity[identity]}))
            else:
                by_identity[identity] = row.row
        checked.append(row)
    return checked


def parse_children(raw: bytes, today: date, default_network: str,
                   mapping: Mapping[str, str | None] | None = None) -> CsvPreview:
    """The preview of an import. Raises CoconError only when the file as a whole cannot be read (empty,
    binary, unknown encoding, malformed) or `mapping` names an unknown field or one field twice."""
    csv_text = read_csv(raw)
    records = [r for r in csv_text.records if not r.blank]
    if not records:
        raise CoconError("csv_empty")
    header, body = records[0], records[1:]
    headers = header.cells
    columns = resolve_columns(headers, mapping)
    fields = set(columns.values())
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if "network" not in fields and default_network not in NETWORKS:
        missing.append("network")
    parsed = [_parse_row(record, columns, len(headers), default_network, today) for record in body]
    return CsvPreview(
        encoding=csv_text.encoding, separator=csv_text.separator, headers=headers,
        mapping={headers[index]: target for index, target in columns.items()},
        unmapped=tuple(h for index, h in enumerate(headers) if h and index not in columns),
        missing=tuple(missing), rows=tuple(mark_duplicates(parsed)))
