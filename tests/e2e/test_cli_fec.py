"""`cocon journal --year YYYY --fec -o DIR` from the shell on the demo practice: the FEC written in DIR under the name
A.47 A-1 gives it, read back by tests/db/fec_reader.py, its receipts agreeing with the receipts journal; a file
given for DIR refused in one French sentence, nothing written (issue 20, #1)."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop.domain.money import parse_euros
from tests.dates import TODAY
from tests.db.fec_reader import CASH_BASIS, amount, read_fec
from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import assert_french_failure, cocon

pytestmark = pytest.mark.slow  # a demo practice per module (cocon demo)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    return copy_demo(demo_made_once, tmp_path_factory.mktemp("fec") / "cabinet")


def _run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin="demo\n")


def test_fec_written_in_the_folder_under_its_legal_name_with_the_journals_receipts(demo: Path,
                                                                                    tmp_path: Path) -> None:
    year = TODAY.year
    folder = tmp_path / "comptable"
    result = _run(demo, "journal", "--year", str(year), "--fec", "-o", folder)
    assert result.returncode == 0, result.stderr
    written = list(folder.iterdir())
    assert len(written) == 1 and written[0].name.endswith(f"FEC{year}1231.txt")
    assert str(written[0]) in result.stdout and written[0].stat().st_mode & 0o777 == 0o600
    fec = read_fec(written[0].name, written[0].read_bytes(), date(year, 1, 1))
    assert fec.fields == CASH_BASIS
    bank = sum((amount(r["Debit"]) for r in fec.records if r["CompteNum"] == "512"), Decimal(0))
    journal = _run(demo, "journal", "--year", str(year), "-o", tmp_path / "journal.csv")
    total = parse_euros(journal.stdout.split("total ")[1].split(", écrit")[0])
    assert bank == total and total is not None and total > 0
    assert f"recettes {journal.stdout.split('total ')[1].split(', écrit')[0]}" in result.stdout


def test_fec_refuses_a_file_for_its_folder(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "pas-un-dossier.txt"
    target.write_text("x")
    result = _run(demo, "journal", "--year", str(TODAY.year), "--fec", "-o", target)
    assert_french_failure(result, f"Avec --fec, -o donne le dossier où écrire le FEC : {target} n'est pas un "
                                  "dossier. Rien n'a été écrit.")
    assert result.returncode == 2 and target.read_text() == "x"
