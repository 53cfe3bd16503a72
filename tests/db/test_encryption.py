"""What someone who copies the practice folder finds in it: nothing readable."""

from __future__ import annotations

import base64
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from cocon_desktop.db.engine import create_database_engine
from cocon_desktop.errors import DatabaseError
from cocon_desktop.security.vault import UnlockedKey, VaultPaths
from cocon_desktop.services import settings_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.settings import LOCK_IDLE_MINUTES
from tests.conftest import PROFILE

SECRETS = [PROFILE.name, PROFILE.trade_name, PROFILE.siret, PROFILE.iban, PROFILE.city, PROFILE.email,
           PROFILE.address, "Dupont"]


def leaks(raw: bytes) -> list[str]:
    return [s for s in SECRETS if s.encode("utf-8") in raw or s.encode("utf-16-le") in raw]


def folder_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.iterdir() if p.is_file())


def test_the_leak_check_finds_plain_text(tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    with sqlite3.connect(plain) as conn:
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [(s,) for s in SECRETS])
    conn.close()
    assert leaks(plain.read_bytes()) == SECRETS


def test_database_and_wal_hold_no_practice_data(practice: Practice, data_dir: Path) -> None:
    settings_store.put(practice.sessions, LOCK_IDLE_MINUTES, 20)  # one more write, engine kept open
    assert load_profile(practice.sessions) == PROFILE  # the data is there…
    paths = VaultPaths(data_dir)
    wal = paths.database.with_name(paths.database.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    for path in folder_files(data_dir):  # …but no file shows it
        assert leaks(path.read_bytes()) == [], path.name


def test_plain_sqlite_refuses_the_file(practice: Practice, data_dir: Path) -> None:
    practice.close()
    conn = sqlite3.connect(VaultPaths(data_dir).database)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def test_another_key_does_not_open_it(practice: Practice, data_dir: Path) -> None:
    practice.close()
    database = VaultPaths(data_dir).database
    with pytest.raises(DatabaseError) as caught:
        create_database_engine(database, os.urandom(32))
    assert caught.value.code == "database_unreadable"
    with pytest.raises(DatabaseError) as caught:
        Practice.open(data_dir, UnlockedKey(practice.vault_id, os.urandom(32)))  # the key is gone
    assert caught.value.code == "database_key_mismatch"


def test_files_are_private(practice: Practice, data_dir: Path) -> None:
    settings_store.put(practice.sessions, LOCK_IDLE_MINUTES, 20)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    names = {p.name for p in folder_files(data_dir)}
    assert {"vault.json", "practice.db"} <= names
    for path in folder_files(data_dir):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_key_file_holds_no_data_key(practice: Practice, data_dir: Path) -> None:
    raw = VaultPaths(data_dir).key_file.read_bytes()
    key = practice.key.data_key
    assert len(key) == 32
    for form in (key, key.hex().encode(), key.hex().upper().encode(), base64.b64encode(key),
                 base64.urlsafe_b64encode(key), base64.b32encode(key)):
        assert form not in raw
    assert key.hex() not in repr(practice) + repr(practice.key)
