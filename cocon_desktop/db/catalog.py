"""What the database's own catalogue says, asked in the engine's dialect (SQLite/SQLCipher here; a server engine
would answer from its own catalogue): the services ask through these functions, never in SQLite's SQL."""

from __future__ import annotations

from sqlalchemy import Connection, text


def trigger_names(connection: Connection) -> set[str]:
    """The names of the triggers defined in the database (the immutability of invoices, batches, attestations…)."""
    if connection.dialect.name != "sqlite":
        raise NotImplementedError(f"triggers of a {connection.dialect.name} database")
    return set(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
