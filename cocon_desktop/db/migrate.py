"""Schema through Alembic only: batch mode, foreign keys off during the migration then checked,
and a copy of the encrypted file taken before any upgrade of an existing database.

Alembic (0.2 s to import) is imported only when a migration runs: opening a practice already at the head
compares its `alembic_version` with the head read from the scripts' `revision`/`down_revision` lines
(`quick_head`, checked against Alembic's own head in tests/db/test_migrations.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from cocon_desktop.errors import DatabaseError
from cocon_desktop.fsutil import private_copy

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*(?:['\"]([^'\"]*)['\"]|None)\s*$", re.MULTILINE)


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def quick_head() -> str | None:
    """The head revision read from the scripts' text, without Alembic; None unless the scripts form one line."""
    revisions: dict[str, str | None] = {}
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _REVISION.finditer(script.read_text(encoding="utf-8")))
        if not found.get("revision"):
            return None
        revisions[str(found["revision"])] = found.get("down_revision")
    heads = set(revisions) - {down for down in revisions.values() if down}
    return heads.pop() if len(heads) == 1 else None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _stored_revisions(engine: Engine) -> list[str] | None:
    """`alembic_version` read directly (None: no such table, a new database)."""
    try:
        with engine.connect() as conn:
            return [str(v) for v in conn.execute(text("SELECT version_num FROM alembic_version")).scalars()]
    except OperationalError:
        return None


def _raw(conn: Connection) -> Any:
    return conn.connection.dbapi_connection


def backup_before_upgrade(engine: Engine, db_path: Path, backups: Path, revision: str) -> Path:
    """Checkpoint the WAL into the main file, then copy it (still encrypted) into `backups`."""
    with engine.connect() as conn:
        _raw(conn).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target, n = backups / f"practice-before-upgrade-{revision}-{stamp}.db", 1
    while target.exists():  # an upgrade killed and started again within the second (issue 19, #13)
        n += 1
        target = backups / f"practice-before-upgrade-{revision}-{stamp}-{n}.db"
    private_copy(db_path, target)
    return target


def _run(engine: Engine, action: str, target: str) -> None:
    with engine.connect() as conn:
        raw = _raw(conn)
        raw.execute("PRAGMA foreign_keys = OFF")  # outside any transaction, or SQLite ignores it
        try:
            from alembic import command

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
    if target == "head":
        head = quick_head()
        if head is not None and _stored_revisions(engine) == [head]:
            return None  # already there: the usual case at each start, without importing Alembic
    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    backup = backup_before_upgrade(engine, db_path, backups, current) if current is not None else None
    _run(engine, "upgrade", target)
    return backup


def downgrade(engine: Engine, target: str) -> None:
    _run(engine, "downgrade", target)
