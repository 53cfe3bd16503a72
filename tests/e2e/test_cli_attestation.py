"""`cocon attestation` from the shell, on the demo practice: one child's attestation written where asked, its
duplicata, the register, every child at once, and French errors."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from tests.dates import TODAY
from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import assert_french_failure, cocon

pytestmark = pytest.mark.slow  # a demo practice per module (cocon demo), then attestations from the shell


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    folder = copy_demo(demo_made_once, tmp_path_factory.mktemp("attestations") / "cabinet")
    return folder


def _run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin="demo\n")


def _previous_month() -> str:
    return (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _text(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_attestation_duplicata_list_and_batch(demo: Path, tmp_path: Path) -> None:
    listing = _run(demo, "children", "list", "--active")
    inclusion = listing.stdout.split()[0]
    out = tmp_path / "attestation.pdf"
    period = f"{_previous_month()}..{_previous_month()}"
    issued = _run(demo, "attestation", "--child", inclusion, "--period", period, "-o", out)
    assert issued.returncode == 0, issued.stderr
    assert issued.stdout.startswith(f"ATT-{TODAY.year}-0001 : attestation de séances de {inclusion}")
    assert "signature électronique PAdES" in issued.stdout
    words = _text(out)
    assert inclusion in words and "aucune somme n'est due par la famille" in words
    assert "ATTESTATION DE SÉANCES" in words

    number = f"ATT-{TODAY.year}-0001"
    duplicata = _run(demo, "attestation", "--reprint", number.lower(), "-o", tmp_path / "dup.pdf")
    assert duplicata.returncode == 0, duplicata.stderr
    assert (tmp_path / "dup.pdf").read_bytes().startswith(out.read_bytes())
    assert "DUPLICATA" in _text(tmp_path / "dup.pdf")

    care = _run(demo, "attestation", "--child", inclusion, "--period", period, "--kind", "prise-en-charge",
                "-o", tmp_path / "care.pdf")
    assert care.returncode == 0, care.stderr and "ATTESTATION DE PRISE EN CHARGE" in _text(tmp_path / "care.pdf")
    register = _run(demo, "attestation", "--list", "--child", inclusion)
    assert register.returncode == 0 and register.stdout.strip().endswith("2 attestations.")

    batch = _run(demo, "attestation", "--all", "--period", str(TODAY.year), "--kind", "annuelle",
                 "--out-dir", tmp_path / "annuelles")
    assert batch.returncode == 0, batch.stderr
    files = sorted((tmp_path / "annuelles").glob("ATT-*.pdf"))
    assert files and f"{len(files)} attestations émises" in batch.stdout
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)


def test_attestation_errors_are_french(demo: Path, tmp_path: Path) -> None:
    assert_french_failure(_run(demo, "attestation", "--child", "NOPE-1", "--period", "2026-01", "-o",
                               tmp_path / "x.pdf"), "Aucun enfant n'a le numéro d'inclusion NOPE-1.")
    bad = _run(demo, "attestation", "--child", "NOPE-1", "--period", "2026-13", "-o", tmp_path / "x.pdf")
    assert bad.returncode == 2 and "2026-13" in bad.stderr and "Traceback" not in bad.stderr  # a bad value: 2
    assert_french_failure(_run(demo, "attestation", "--reprint", "ATT-1999-0001", "-o", tmp_path / "x.pdf"),
                          "Aucune attestation ne porte le numéro ATT-1999-0001.")
    usage = _run(demo, "attestation", "--period", "2026-01")
    assert usage.returncode == 1 and "--child" in usage.stderr
    assert not (tmp_path / "x.pdf").exists()
