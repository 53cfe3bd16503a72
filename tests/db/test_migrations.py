"""Schema through Alembic on a real encrypted file: empty → head, round trip, backup before upgrade."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import sessionmaker

from cocon_desktop.db import migrate
from cocon_desktop.db.engine import create_database_engine
from cocon_desktop.errors import DatabaseError
from cocon_desktop.models import Base
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from tests.conftest import PROFILE


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def empty(tmp_path: Path, key: bytes) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path / "data" / "practice.db"
    engine = create_database_engine(path, key)
    yield engine, path
    engine.dispose()


def revisions() -> list[str]:
    """Every revision, oldest first."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrate.MIGRATIONS))
    return [r.revision for r in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def version(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


def test_empty_database_to_head(empty: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, path = empty
    assert migrate.current_revision(engine) is None
    backups = tmp_path / "backups"
    assert migrate.upgrade(engine, path, backups) is None  # nothing to save in a new database
    assert not backups.exists()
    assert {"practice", "setting", "alembic_version"} <= tables(engine)
    assert version(engine) == [migrate.head_revision()] == [revisions()[-1]]
    assert revisions()[0] == "0001"


def test_schema_matches_the_models(empty: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, path = empty
    migrate.upgrade(engine, path, tmp_path / "backups")
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}


def test_downgrade_then_upgrade_round_trip(empty: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, path = empty
    migrate.upgrade(engine, path, tmp_path / "backups")
    migrate.downgrade(engine, "base")
    assert tables(engine) & {"practice", "setting"} == set()
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine, path, tmp_path / "backups")
    assert {"practice", "setting"} <= tables(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.begin() as conn:  # and the schema works
        conn.execute(text("INSERT INTO setting (key, value_json) VALUES ('k', '1')"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT value_json FROM setting")).scalar_one() == "1"


def test_quick_head_is_alembics_head_and_the_listing_index_exists(practice: Practice) -> None:
    """upgrade() trusts quick_head() to skip Alembic at each start: it must name Alembic's head."""
    assert migrate.quick_head() == migrate.head_revision() == revisions()[-1]
    indexes = {i["name"]: i["column_names"] for i in inspect(practice.engine).get_indexes("invoice")}
    assert indexes["ix_invoice_listing"][:2] == ["issue_date", "id"]  # 0009: the lists read the index alone


def test_upgrade_at_head_does_nothing(practice: Practice) -> None:
    database = practice.paths.database
    assert practice.upgrade_backup is None
    assert migrate.upgrade(practice.engine, database, practice.paths.backups) is None
    assert not practice.paths.backups.exists()


def test_backup_before_upgrade_is_a_private_encrypted_copy(practice: Practice, data_dir: Path) -> None:
    head = migrate.head_revision()
    copy = migrate.backup_before_upgrade(practice.engine, practice.paths.database, practice.paths.backups, head)
    assert copy.parent == data_dir / "backups"
    assert copy.name.startswith(f"practice-before-upgrade-{head}-")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    assert PROFILE.siret.encode() not in copy.read_bytes()
    with pytest.raises(DatabaseError):
        create_database_engine(copy, os.urandom(32))
    engine = create_database_engine(copy, practice.key.data_key)
    try:
        assert load_profile(sessionmaker(engine)) == PROFILE
        assert migrate.current_revision(engine) == head
    finally:
        engine.dispose()


def test_upgrading_an_older_database_takes_a_backup_first(empty: tuple[Engine, Path], tmp_path: Path,
                                                          key: bytes) -> None:
    first = revisions()[0]
    if first == migrate.head_revision():
        pytest.skip("a single revision: no older schema to upgrade from")
    engine, path = empty
    backups = tmp_path / "backups"
    assert migrate.upgrade(engine, path, backups, target=first) is None
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value_json) VALUES ('lock_idle_minutes', '25')"))

    backup = migrate.upgrade(engine, path, backups)
    assert backup is not None
    assert backup.parent == backups
    assert f"-before-upgrade-{first}-" in backup.name
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:  # the data went through the upgrade
        assert conn.execute(text("SELECT value_json FROM setting")).scalar_one() == "25"

    old = create_database_engine(backup, key)  # the copy: still encrypted, at the old revision
    try:
        assert migrate.current_revision(old) == first
        with old.connect() as conn:
            assert conn.execute(text("SELECT value_json FROM setting")).scalar_one() == "25"
    finally:
        old.dispose()
    with pytest.raises(DatabaseError):
        create_database_engine(backup, os.urandom(32))


def test_foreign_keys_are_on(empty: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, path = empty
    migrate.upgrade(engine, path, tmp_path / "backups")  # the migration turns them off, then on again
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
    with engine.connect() as conn:  # a fresh connection too
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
