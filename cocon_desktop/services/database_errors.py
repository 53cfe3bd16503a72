"""The database refusing an operation (disk full, the file locked by another program, a damaged page): which
exceptions say so, so that the command line reports them in one French sentence without importing the database
layer itself."""

from __future__ import annotations

import sqlcipher3
from sqlalchemy.exc import SQLAlchemyError

_DATABASE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, sqlcipher3.Error)


def database_failure(exc: BaseException) -> str | None:
    """The kind of database failure `exc` is (its class name, for the `database_error` sentence), or None when
    it is not the database refusing."""
    return type(exc).__name__ if isinstance(exc, _DATABASE_ERRORS) else None
