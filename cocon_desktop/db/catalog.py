"""What the database's own catalogue says, asked in the engine's dialect (SQLite/SQLCipher here; a server engine
would answer from its own catalogue): the services ask through these functions, never in SQLite's SQL."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text


def _sqlite(connection: Connection, what: str) -> None:
    if connection.dialect.name != "sqlite":
        raise NotImplementedError(f"{what} of a {connection.dialect.name} database")


def trigger_names(connection: Connection) -> set[str]:
    """The names of the triggers defined in the database (the immutability of invoices, batches, attestations…)."""
    _sqlite(connection, "triggers")
    return set(connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def normalised_sql(sql: str) -> str:
    """A trigger's SQL compared for what it does, not how it was typed: lower case, one space between words, none
    around brackets, commas, semicolons and comparison signs."""
    folded = " ".join(sql.lower().split())
    return re.sub(r"\s*([(),;=<>!|])\s*", r"\1", folded)


def trigger_sql(connection: Connection) -> dict[str, str]:
    """Every trigger defined in the database: name → its SQL, normalised (`normalised_sql`)."""
    _sqlite(connection, "triggers")
    rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    return {str(name): normalised_sql(str(sql or "")) for name, sql in rows}
