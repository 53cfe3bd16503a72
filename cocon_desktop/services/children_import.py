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

from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.csv_children import CsvPreview, ImportRow, parse_children
from cocon_desktop.domain.text import fold
from cocon_desktop.errors import DatabaseError, FieldError, ValidationError
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


def _same_child_exists(session: Session, data: ChildData) -> bool:
    """Same names and birth date, accents and case aside (another program's export may have lost accents)."""
    same_day = session.execute(select(Child.last_name, Child.first_name).where(Child.birth_date == data.birth_date))
    wanted = (fold(data.last_name), fold(data.first_name))
    return any((fold(last), fold(first)) == wanted for last, first in same_day)


def _checked_row(session: Session, row: ImportRow, today: date) -> ImportRow:
    if row.child is None:
        return row
    try:
        data = children.validated(session, row.child, None, today)  # the rules of create_child, unique ones too
    except ValidationError as exc:
        return replace(row, child=None, errors=(*row.errors, *exc.errors))
    if _same_child_exists(session, data):
        return replace(row, child=None, errors=(*row.errors, FieldError("last_name", "duplicate_child")))
    return replace(row, child=data)


def _run(session: Session, preview: CsvPreview, today: date, write: bool) -> tuple[CsvPreview, list[Child]]:
    """Check each row against the database; with `write`, add each valid one before checking the next (so
    the session's autoflush makes it visible to the next row's uniqueness checks)."""
    rows: list[ImportRow] = []
    added: list[Child] = []
    for row in preview.rows:
        row = _checked_row(session, row, today)
        if write and row.child is not None:
            added.append(children.add_child(session, row.child))
        rows.append(row)
    return replace(preview, rows=tuple(rows)), added


def preview_import(sessions: sessionmaker[Session], raw: bytes, today: date, default_network: str,
                   mapping: Mapping[str, str | None] | None = None) -> CsvPreview:
    """What an import would do, row by row; nothing is written. Raises CoconError if the file is unreadable."""
    preview = parse_children(raw, today, default_network, mapping)
    with sessions() as session:
        return _run(session, preview, today, write=False)[0]


@writes(Changes.CHILDREN)
def import_children(sessions: sessionmaker[Session], raw: bytes, today: date, default_network: str,
                    mapping: Mapping[str, str | None] | None = None) -> ImportReport:
    """Import the valid rows in one transaction. The rows are checked again inside that transaction (the
    database may have changed since the preview). DatabaseError("import_failed") if the write fails: then
    nothing at all was imported."""
    preview = parse_children(raw, today, default_network, mapping)
    try:
        with sessions.begin() as session:
            checked, added = _run(session, preview, today, write=True)
            session.flush()
            ids = tuple(int(child.id) for child in added)
            for child in added:  # one entry per imported child, in the import's transaction
                audit.record(session, "child", child.id, "import", child.id,
                             {"inclusion_number": (None, child.inclusion_number)})
    except SQLAlchemyError as exc:
        raise DatabaseError("import_failed") from exc
    return ImportReport(checked, len(ids), ids)
