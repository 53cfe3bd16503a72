"""`cocon child export` and `cocon child erase` on the demo practice, through the real command."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_desktop.models import Child, Guardian
from cocon_desktop.services import audit, practice_handle
from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import cocon

pytestmark = pytest.mark.slow  # a demo practice per module (cocon demo), then exports and erasure from the shell

OLD = "RPO-2003-0001"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    folder = copy_demo(demo_made_once, tmp_path_factory.mktemp("demo") / "cabinet")
    practice = practice_handle.open_with_passphrase(folder, "demo")
    try:  # a child followed twenty-odd years ago: its retention period is over
        with practice.sessions.begin() as session:
            now = datetime.now(UTC)
            session.add(Child(last_name="Ancien", first_name="Paul", birth_date=date(1996, 5, 2), sex="M",
                              gestational_weeks=31, inclusion_number=OLD, network="RPO", search_key="ancien paul",
                              exit_date=date(2003, 6, 30), exit_reason="fin_parcours", created_at=now,
                              updated_at=now, guardians=[Guardian(last_name="Ancien", first_name="Marie")]))
    finally:
        practice.close()
    return folder


def first_child(demo: Path) -> str:
    listing = cocon("--data-dir", demo, "--passphrase-stdin", "children", "list", "--csv", stdin="demo\n")
    return next(line.split(";")[0] for line in listing.stdout.splitlines()[1:] if not line.startswith(OLD))


def test_export_writes_the_zip_and_logs_it_as_the_command(demo: Path, tmp_path: Path) -> None:
    inclusion = first_child(demo)
    out = tmp_path / "famille" / "dossier.zip"
    result = cocon("--data-dir", demo, "--passphrase-stdin", "child", "export", "--child", inclusion, "-o", out,
                   stdin="demo\n")
    assert result.returncode == 0, result.stderr
    assert f"exporté dans {out}" in result.stdout and out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        content = json.loads(archive.read("dossier.json"))
    assert content["child"]["inclusion_number"] == inclusion and content["seances"]
    practice = practice_handle.open_with_passphrase(demo, "demo")
    try:
        child_id = content["child"]["id"]
        latest = audit.child_history(practice.sessions, child_id)[0]
    finally:
        practice.close()
    assert (latest.action, latest.origin, latest.origin_label) == ("export", "cli", "cocon (ligne de commande)")
    missing = cocon("--data-dir", demo, "--passphrase-stdin", "child", "export", "--child", "RPO-0000-0000", "-o",
                    tmp_path / "x.zip", stdin="demo\n")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr and not (tmp_path / "x.zip").exists()


def test_erase_is_refused_with_the_date_then_asks_for_confirmation_then_erases(demo: Path) -> None:
    inclusion = first_child(demo)
    refused = cocon("--data-dir", demo, "--passphrase-stdin", "child", "erase", "--child", inclusion, "--confirm",
                    stdin="demo\n")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"Le dossier de l'enfant {inclusion} doit être conservé jusqu'au " in refused.stderr
    assert "rien n'a été effacé" in refused.stderr
    unconfirmed = cocon("--data-dir", demo, "--passphrase-stdin", "child", "erase", "--child", OLD, stdin="demo\n")
    assert unconfirmed.returncode == 1 and "--confirm" in unconfirmed.stderr
    erased = cocon("--data-dir", demo, "--passphrase-stdin", "child", "erase", "--child", OLD, "--confirm",
                   stdin="demo\n")
    assert erased.returncode == 0, erased.stderr
    assert "1 représentant légal," in erased.stdout
    practice = practice_handle.open_with_passphrase(demo, "demo")
    try:
        with practice.sessions() as session:
            row = session.scalar(select(Child).where(Child.inclusion_number == OLD))
            assert row is not None and (row.last_name, row.first_name, row.guardians) == ("A", "P", [])
            assert row.erased_at is not None
    finally:
        practice.close()
