"""The network's database: an engine from a URL (PostgreSQL with psycopg 3 in production, SQLite for a trial),
its sessions, and its schema (Alembic migrations, cocon_network/server/migrations).

    postgresql+psycopg://cocon@/cocon?host=/run/postgresql     production
    sqlite:////var/lib/cocon-network/essai.sqlite3              a trial (`make network-demo`)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for `url`; SQLite gets foreign keys on, WAL and a busy timeout (several workers share it)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.close()

        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on an exception."""
    with factory() as session, session.begin():
        yield session


def init_schema(engine: Engine) -> None:
    """Bring the database to the newest schema (Alembic `upgrade head`; an empty database is created whole)."""
    from cocon_network.server.migrate import upgrade

    upgrade(engine)
