"""Many rows into one table at once, without ORM objects: `COPY … FROM STDIN` on PostgreSQL (psycopg's copy, the
rows sent as they are: no giant INSERT to build and parse), a Core executemany elsewhere (SQLite: the trial mode).

    bulk_insert(session, Document, [{"batch_id": …, "number": …, …}, …])

Every row names the same columns, and every NOT NULL column without a server default must be among them (COPY
applies no Python-side default). Nothing is returned: read the generated keys back with a SELECT."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import DeclarativeBase, Session


def bulk_insert(session: Session, model: type[DeclarativeBase], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = cast(Table, model.__table__)
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    driver = connection.connection.driver_connection
    assert driver is not None
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])
