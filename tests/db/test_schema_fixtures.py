"""Every schema revision has a practice written by the code of its own commit, and each upgrades to the head
keeping every row (Electrum's upgrade tests over wallets written by old releases).

The revisions come from Alembic's script directory, not from a list kept here: a new migration fails
test_every_revision_has_a_fixture until `tests/fixtures/make_fixtures.py NNNN` has written its fixture with the
commit that adds it. How the fixtures are written (git worktree of the old commit, its own demo and services):
tests/fixtures/make_fixtures.py; what each holds and which commit wrote it: its MANIFEST.json.

Each fixture is upgraded on a copy by today's program (`open_with_passphrase`, as a user's first start after an
update) and compared table by table: the same number of rows, and the same values in every column the table had
before (a digest of all its rows, projected on the old columns, so a table that gained columns is checked too)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from cocon_desktop.db import migrate
from cocon_desktop.db.engine import connect
from cocon_desktop.db.snapshot import integrity_of
from cocon_desktop.security import vault
from cocon_desktop.services.invoice_verify import verify
from cocon_desktop.services.practice_handle import open_with_passphrase

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = FIXTURES.parents[1]
PASSPHRASE = "demo"

Snapshot = dict[str, tuple[list[str], list[tuple[Any, ...]]]]  # table → (columns, rows)


def revisions() -> list[str]:
    """Every revision of the migration scripts, oldest first."""
    script = ScriptDirectory.from_config(migrate._config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


REVISIONS = revisions()


def manifest(revision: str) -> dict[str, Any]:
    path = FIXTURES / f"schema-{revision}" / "MANIFEST.json"
    if not path.exists():
        pytest.fail(f"schema {revision} has no fixture: run `.venv/bin/python tests/fixtures/make_fixtures.py "
                    f"{revision}` (it writes one with the commit that added the revision)")
    return dict(json.loads(path.read_text("utf-8")))


def _added_by(commit: str) -> set[str] | None:
    """Revisions whose migration script `commit` added; None without the git history (an exported tree)."""
    try:
        out = subprocess.run(["git", "show", "--diff-filter=A", "--name-only", "--format=", commit], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return set(re.findall(r"migrations/versions/(\d{4})_\w+\.py", out))


def test_every_revision_has_a_fixture_written_by_its_own_commit() -> None:
    assert REVISIONS[0] == "0001" and len(REVISIONS) >= 10
    missing = [r for r in REVISIONS if not (FIXTURES / f"schema-{r}" / "MANIFEST.json").exists()]
    assert not missing, f"revisions without a fixture: {missing} — run tests/fixtures/make_fixtures.py"
    strays = sorted({p.name for p in FIXTURES.glob("schema-*")} - {f"schema-{r}" for r in REVISIONS})
    assert not strays, f"fixtures of no known revision: {strays}"
    for revision in REVISIONS:
        written = manifest(revision)
        assert written["revision"] == revision
        assert re.fullmatch(r"[0-9a-f]{40}", written["commit"]), written["commit"]
        added = _added_by(written["commit"])
        if added is not None:  # the commit that wrote it is the one that added the revision's script
            assert revision in added, f"{revision} was written by {written['commit'][:7]}, which added {added}"
        assert all(n > 0 for n in written["counts"].values()), f"{revision}: a table without rows"


def _unlock(data_dir: Path) -> bytes:
    return vault.unlock_with_passphrase(data_dir, PASSPHRASE).data_key


def _snapshot(data_dir: Path, key: bytes) -> tuple[str, Snapshot]:
    """(integrity, every row of every table) read directly from the encrypted file."""
    conn = connect(vault.VaultPaths(data_dir).database, key)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        snapshot: Snapshot = {}
        for table in tables:
            columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')]
            snapshot[table] = (columns, conn.execute(f'SELECT * FROM "{table}"').fetchall())
        return integrity_of(conn), snapshot
    finally:
        conn.close()


def _digest(columns: list[str], rows: list[tuple[Any, ...]], kept: list[str]) -> tuple[int, str]:
    """(rows, SHA-256 of the rows' values in the `kept` columns, in a stable order): values keep their type."""
    at = [columns.index(c) for c in kept]
    lines = sorted(repr(tuple(row[i] for i in at)) for row in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.mark.parametrize("revision", REVISIONS)
def test_fixture_upgrades_to_head_keeping_every_row(revision: str, tmp_path: Path) -> None:
    written = manifest(revision)
    data_dir = tmp_path / f"schema-{revision}"
    shutil.copytree(FIXTURES / f"schema-{revision}", data_dir)
    key = _unlock(data_dir)
    integrity, before = _snapshot(data_dir, key)
    assert integrity == "ok"
    assert before["alembic_version"][1] == [(revision,)]
    assert {t: len(rows) for t, (_, rows) in before.items()} == written["counts"]  # the file its MANIFEST describes

    practice = open_with_passphrase(data_dir, PASSPHRASE)  # today's program, as at the first start after an update
    try:
        assert migrate.current_revision(practice.engine) == migrate.head_revision()
        backup = practice.upgrade_backup
        if revision != migrate.head_revision():
            assert backup is not None and backup.stat().st_mode & 0o777 == 0o600
        if "invoice" in before:  # numbering, hash chain and chain-head.json still hold under today's checks
            report = verify(practice.sessions, practice.data_dir, practice.key.data_key)
            assert report.ok and report.checked == len(before["invoice"][1]), report
    finally:
        practice.close()

    integrity, after = _snapshot(data_dir, key)
    assert integrity == "ok"
    assert after["alembic_version"][1] == [(migrate.head_revision(),)]
    lost = {t: sorted(set(columns) - set(after.get(t, ([], []))[0])) for t, (columns, _) in before.items()}
    assert not {t: c for t, c in lost.items() if c}, "tables or columns the upgrade dropped"
    kept = {t: _digest(*before[t], before[t][0]) for t in before if t != "alembic_version"}
    now = {t: _digest(*after[t], before[t][0]) for t in before if t != "alembic_version"}
    assert now == kept  # every row of every table, with the values of every column it had
    again = open_with_passphrase(data_dir, PASSPHRASE)  # a second start has nothing left to upgrade
    assert again.upgrade_backup is None
    again.close()
