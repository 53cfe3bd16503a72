"""The children list as a CSV file a spreadsheet opens as it is: the children matching a query, all of them.

Semicolons and UTF-8 with a BOM (what French Excel expects), French headers, dates as dd/mm/yyyy, the term
as the import reads it back ("28+3"). The rows are those of the list (services/children.list_children): same
filters, same order, every page. `export_children_csv` gives the bytes; `write_children_csv` writes them where the
user chose (fsutil.atomic_write) and says how many children it holds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.fsutil import atomic_write
from cocon_desktop.models import Child
from cocon_desktop.services.children import ChildQuery, ChildRow, count_children, list_children
from cocon_desktop.services.children_list import resolved_query
from cocon_exchange.spreadsheet_csv import csv_bytes, inert

EXPORT_HEADERS = ("N° d'inclusion", "Nom", "Prénom", "Date de naissance", "Terme (SA)", "Réseau", "Date de sortie")
PAGE_SIZE = 1000
# a cell starting with one of these is a formula for a spreadsheet: it is written with a leading apostrophe


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _term(weeks: int | None, days: int) -> str:
    if weeks is None:
        return ""
    return f"{weeks}+{days}" if days else str(weeks)


def _days_of(sessions: sessionmaker[Session], rows: list[ChildRow]) -> dict[int, int]:
    """The days of the term (the list rows give the weeks only)."""
    with sessions() as session:
        found = session.execute(select(Child.id, Child.gestational_days).where(Child.id.in_([r.id for r in rows])))
        return {int(child_id): int(days or 0) for child_id, days in found}


def export_rows(sessions: sessionmaker[Session], query: ChildQuery, today: date) -> list[tuple[str, ...]]:
    """The cells of each child matching `query`, in the list's order (last name, first name)."""
    lines: list[tuple[str, ...]] = []
    offset = 0
    while True:
        rows = list_children(sessions, query, today, offset, PAGE_SIZE)
        days = _days_of(sessions, rows) if rows else {}
        for row in rows:
            lines.append((row.inclusion_number, row.last_name, row.first_name, _day(row.birth_date),
                          _term(row.gestational_weeks, days.get(row.id, 0)), row.network, _day(row.exit_date)))
        if len(rows) < PAGE_SIZE:
            return lines
        offset += PAGE_SIZE


def export_children_csv(sessions: sessionmaker[Session], query: ChildQuery, today: date) -> bytes:
    """The CSV file's bytes: a header line, then one line per child matching `query` (every page)."""
    return csv_bytes(EXPORT_HEADERS, ([inert(cell) for cell in line] for line in export_rows(sessions, query, today)))


def write_children_csv(sessions: sessionmaker[Session], path: Path, query: ChildQuery, today: date, *,
                       alerts_only: bool = False) -> int:
    """Write the children matching `query` (all of them, not only a page; with `alerts_only`, those with a forfait
    warning) to `path`, a file the user chose; the number of children written."""
    resolved = resolved_query(sessions, query, today, alerts_only=alerts_only)
    atomic_write(path, export_children_csv(sessions, resolved, today), private_dir=False)
    return count_children(sessions, resolved, today)
