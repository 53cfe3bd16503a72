"""Children imported from a CSV file: a preview that writes nothing, then the import of the valid rows.

The file's own rules (cells, duplicates inside the file) are in domain/csv_children.py; this adds what the
database knows (inclusion number taken, child already there) and writes all the valid rows in one
transaction: all of them or, if the database refuses a write, none. Invalid rows are skipped, never
half-written."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.child import ChildData, validate_child
from cocon_desktop.domain.csv_children import CsvPreview, ImportRow, parse_children
from cocon_desktop.domain.text import fold
from cocon_desktop.errors import DatabaseError, FieldError
from cocon_desktop.models import Child
from cocon_desktop.services import audit, children
from cocon_desktop.services.changes import Changes, writes


class RowError(NamedTuple):
    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str  # a field of ChildData ("guardians[0].phone" for the guardian), "" for the whole row
    code: str  # see messages.py
    data: dict[str, Any]


@dataclass(frozen=True)
class ImportReport:
    preview: CsvPreview  # as checked against the database, just before writing
    imported: int
    child_ids: tuple[int, ...]

    @property
    def refused(self) -> int:
        return len(self.preview.refused_rows)

    @property
    def errors(self) -> list[RowError]:
        return row_errors(self.preview)

    @property
    def warnings(self) -> list[RowError]:
        return [RowError(r.row, w.field, w.code, w.data) for r in self.preview.rows for w in r.warnings]


def row_errors(preview: CsvPreview) -> list[RowError]:
    return [RowError(r.row, e.field, e.code, e.data) for r in preview.rows for e in r.errors]


@dataclass
class _Known:
    """What the practice already holds that a new child may not repeat, read once per import: inclusion numbers,
    and (names folded, birth date). A set look-up a row keeps the import linear: querying the database for each row
    folded every same-day child's name again, and a 100,000-character name stored by an older version made a
    2,000-row import take 108 s (issue 19 #11)."""

    numbers: set[str]
    identities: set[tuple[str, str, date]]

    @classmethod
    def read(cls, session: Session) -> _Known:
        numbers = set(session.scalars(select(Child.inclusion_number)))
        rows = session.execute(select(Child.last_name, Child.first_name, Child.birth_date))
        return cls(numbers, {_identity(last, first, born) for last, first, born in rows})

    def add(self, data: ChildData) -> None:
        self.numbers.add(data.inclusion_number)
        self.identities.add(_identity(data.last_name, data.first_name, data.birth_date))


def _identity(last: str, first: str, born: date | None) -> tuple[str, str, date]:
    """Same names and birth date, accents and case aside (another program's export may have lost accents)."""
    return fold(last), fold(first), born or date.min


def _checked_row(row: ImportRow, today: date, known: _Known) -> ImportRow:
    """The rules of create_child (validate_child, then the uniqueness checks) against what the practice holds."""
    if row.child is None:
        return row
    data = children.normalized(row.child)
    # the file's rows were checked as read; a row that normalising changed is checked again
    errors = [e for e in validate_child(data, today) if e.blocking] if data != row.child else []
    if not errors:
        if data.inclusion_number in known.numbers:
            errors.append(FieldError("inclusion_number", "inclusion_number_taken"))
        if _identity(data.last_name, data.first_name, data.birth_date) in known.identities:
            errors.append(FieldError("last_name", "duplicate_child"))
    if errors:
        return replace(row, child=None, errors=(*row.errors, *errors))
    known.add(data)  # a later row of the same file may not repeat it either
    return replace(row, child=data)


def _checked(session: Session, preview: CsvPreview, today: date) -> CsvPreview:
    """Each row checked against the practice, read once."""
    known = _Known.read(session)
    return replace(preview, rows=tuple(_checked_row(row, today, known) for row in preview.rows))


def preview_import(sessions: sessionmaker[Session], raw: bytes, today: date, default_network: str,
                   mapping: Mapping[str, str | None] | None = None) -> CsvPreview:
    """What an import would do, row by row; nothing is written. Raises CoconError if the file is unreadable."""
    preview = parse_children(raw, today, default_network, mapping)
    with sessions() as session:
        return _checked(session, preview, today)


@writes(Changes.CHILDREN)
def import_children(sessions: sessionmaker[Session], raw: bytes, today: date, default_network: str,
                    mapping: Mapping[str, str | None] | None = None) -> ImportReport:
    """Import the valid rows in one transaction. The rows are checked again inside that transaction (the
    database may have changed since the preview). DatabaseError("import_failed") if the write fails: then
    nothing at all was imported."""
    preview = parse_children(raw, today, default_network, mapping)
    try:
        with sessions.begin() as session:
            checked = _checked(session, preview, today)
            valid = [row.child for row in checked.rows if row.child is not None]
            ids = tuple(children.add_children(session, valid))
            for child_id, data in zip(ids, valid, strict=True):  # one entry per child, in the import's transaction
                audit.record(session, "child", child_id, "import", child_id,
                             {"inclusion_number": (None, data.inclusion_number)})
    except SQLAlchemyError as exc:
        raise DatabaseError("import_failed") from exc
    return ImportReport(checked, len(ids), ids)
