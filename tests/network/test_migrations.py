"""The network's schema comes from its own Alembic migrations, on a real PostgreSQL (and SQLite for a trial)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from cocon_network.server.db import init_schema, make_engine
from cocon_network.server.migrate import current_revision, head_revision, schema_differences
from cocon_network.server.models import Base


def _insert_audit(connection) -> None:  # type: ignore[no-untyped-def]
    connection.execute(text("INSERT INTO audit_log (at, action, target, detail, previous_sha256, entry_sha256) "
                            "VALUES (CURRENT_TIMESTAMP, 'token_issued', 't', '{}', '', 'x')"))


def test_upgrade_on_an_empty_postgresql_database_gives_exactly_models_py(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    assert current_revision(engine) is None
    init_schema(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    assert schema_differences(engine) == []
    init_schema(engine)  # a second run changes nothing
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_schema_missing_a_column_shows_in_the_comparison(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    init_schema(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE therapist DROP COLUMN bic"))
    differences = schema_differences(engine)
    assert [d[0] for d in differences] == ["add_column"]
    engine.dispose()


def test_the_audit_log_refuses_update_delete_and_truncate_on_postgresql(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    init_schema(engine)
    with engine.begin() as connection:
        _insert_audit(connection)
    for statement in ("UPDATE audit_log SET target = 'autre'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="ajout seul"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT target FROM audit_log")).scalars().all() == ["t"]
    engine.dispose()


def test_the_trial_database_on_sqlite_migrates_and_guards_its_audit_log(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'essai.sqlite3'}")
    init_schema(engine)
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []
    with engine.begin() as connection:
        _insert_audit(connection)
    for statement in ("UPDATE audit_log SET target = 'autre'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="ajout seul"), engine.begin() as connection:
            connection.execute(text(statement))
    engine.dispose()
