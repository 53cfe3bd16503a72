"""SQLCipher-only helpers for backups and checks: a consistent encrypted copy of the live database (SQLite's
online backup API, same key: the pages never exist in clear), `PRAGMA integrity_check`, rows per table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from cocon_desktop.db.engine import connect
from cocon_desktop.fsutil import touch_private


def _tables(conn: Any) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return [str(row[0]) for row in rows]


def table_counts_of(conn: Any) -> dict[str, int]:
    """Rows in every table of an open sqlcipher3 connection (alembic_version included)."""
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in _tables(conn)}


def integrity_of(conn: Any) -> str:
    """'ok', or SQLite's first complaint."""
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "ok" if [r[0] for r in rows] == ["ok"] else str(rows[0][0])


def copy_live(engine: Engine, target: Path, key: bytes) -> None:
    """Copy the database behind `engine` into the new file `target`, encrypted with the same key.

    The backup API copies a snapshot of committed pages (what another connection writes meanwhile is either in
    it or not, never half); afterwards the copy is a single file (its WAL folded in and removed)."""
    touch_private(target)
    dest = connect(target, key)
    try:
        with engine.connect() as conn:
            conn.connection.dbapi_connection.backup(dest)  # type: ignore[union-attr]
        dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


def check_file(path: Path, key: bytes) -> tuple[str, dict[str, int]]:
    """(integrity, rows per table) of an encrypted file; DatabaseError('database_unreadable') with a wrong key."""
    conn = connect(path, key)
    try:
        return integrity_of(conn), table_counts_of(conn)
    finally:
        conn.close()
