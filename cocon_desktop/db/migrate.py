"""Schema through Alembic only: batch mode, foreign keys off during the migration then checked,
and a copy of the encrypted file taken before any upgrade of an existing database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from cocon_desktop.errors import DatabaseError
from cocon_desktop.fsutil import private_copy

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _raw(conn: Connection) -> Any:
    return conn.connection.dbapi_connection


def backup_before_upgrade(engine: Engine, db_path: Path, backups: Path, revision: str) -> Path:
    """Checkpoint the WAL into the main file, then copy it (still encrypted) into `backups`."""
    with engine.connect() as conn:
        _raw(conn).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backups / f"practice-before-upgrade-{revision}-{stamp}.db"
    private_copy(db_path, target)
    return target


def _run(engine: Engine, action: str, target: str) -> None:
    with engine.connect() as conn:
        raw = _raw(conn)
        raw.execute("PRAGMA foreign_keys = OFF")  # outside any transaction, or SQLite ignores it
        try:
            getattr(command, action)(_config(conn), target)
            if conn.in_transaction():
                conn.commit()
            problems = raw.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DatabaseError("foreign_key_check_failed", count=len(problems),
                                    table=str(problems[0][0]))
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def upgrade(engine: Engine, db_path: Path, backups: Path, target: str = "head") -> Path | None:
    """Bring the schema to `target`. Returns the backup taken, if any (none for a new database)."""
    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    backup = backup_before_upgrade(engine, db_path, backups, current) if current is not None else None
    _run(engine, "upgrade", target)
    return backup


def downgrade(engine: Engine, target: str) -> None:
    _run(engine, "downgrade", target)
