"""The network's schema through Alembic only (cocon_network/server/migrations, not the desktop's): `upgrade`
brings any database, empty or older, to the newest revision; `cocon-network migrate` calls it.

    upgrade(engine)            # what init_schema(engine) does, and what the server's start expects done
    current_revision(engine)   # None for an empty database
    head_revision()
    schema_differences(engine) # Alembic's compare_metadata against models.py: [] when the two agree

Revision 0001 creates every table of models.py and the append-only guard of `audit_log`: a trigger refusing
UPDATE and DELETE (a PL/pgSQL function on PostgreSQL, RAISE(ABORT) triggers on SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Alembic `upgrade` to `revision`, in one transaction (PostgreSQL's DDL is transactional)."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def schema_differences(engine: Engine) -> list[Any]:
    """What Alembic's autogenerate sees between the database and models.py (types included); [] when none."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from cocon_network.server.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))
