"""Issue 19, #7, from the shell: `document export -o`, `invoice --out` and `attestation --out-dir` into a folder the
user already has (0755) write 0600 files and leave the folder's permissions alone (they made it 0700); a folder
the command creates is 0700."""

from __future__ import annotations

import os
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from tests.dates import TODAY
from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import cocon

pytestmark = pytest.mark.slow  # a demo practice, then three commands that write files


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    return copy_demo(demo_made_once, tmp_path_factory.mktemp("modes") / "cabinet")


def _run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin="demo\n")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _user_folder(path: Path) -> Path:
    path.mkdir()
    os.chmod(path, 0o755)
    return path


def test_existing_folders_keep_their_permissions(demo: Path, tmp_path: Path) -> None:
    documents = _user_folder(tmp_path / "Documents")
    first = _run(demo, "document", "export", f"FAC-{TODAY.year}-0001", "-o", documents / "facture.pdf")
    assert first.returncode == 0, first.stderr
    assert _mode(documents / "facture.pdf") == 0o600
    assert _mode(documents) == 0o755, "document export -o made the user's folder 0700"

    assert _run(demo, "network", "address", "RPM", "1 rue Fictive", "13005", "Marseille").returncode == 0
    period = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    invoices = _user_folder(tmp_path / "factures")
    issued = _run(demo, "invoice", "--network", "RPM", "--period", period, "--out", invoices)
    assert issued.returncode == 0, issued.stderr
    assert list(invoices.glob("FAC-*.pdf")) and all(_mode(p) == 0o600 for p in invoices.iterdir())
    assert _mode(invoices) == 0o755, "invoice --out made the user's folder 0700"

    attestations = _user_folder(tmp_path / "attestations")
    batch = _run(demo, "attestation", "--all", "--period", str(TODAY.year), "--kind", "annuelle",
                 "--out-dir", attestations)
    assert batch.returncode == 0, batch.stderr
    assert list(attestations.glob("ATT-*.pdf")) and all(_mode(p) == 0o600 for p in attestations.iterdir())
    assert _mode(attestations) == 0o755, "attestation --out-dir made the user's folder 0700"

    fresh = tmp_path / "nouveau" / "dossier"
    made = _run(demo, "document", "export", f"FAC-{TODAY.year}-0001", "-o", fresh / "facture.pdf")
    assert made.returncode == 0, made.stderr
    assert _mode(fresh) == _mode(fresh.parent) == 0o700  # what the command created is private
    assert [p.name for p in tmp_path.rglob(".*.tmp")] == []
