"""`cocon journal`, `cocon report` and `cocon dashboard` from the shell, on the demo practice: the files written
where asked, their figures agreeing with what the command prints, and French errors."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop.domain.money import parse_euros
from tests.dates import TODAY
from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import assert_french_failure, cocon

pytestmark = pytest.mark.slow  # a demo practice per module (cocon demo), then reports from the shell


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    folder = copy_demo(demo_made_once, tmp_path_factory.mktemp("rapports") / "cabinet")
    return folder


def _run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin="demo\n")


def _spaces(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _euros(text: str) -> Decimal:
    """"1 505,00 €" → 1505.00."""
    amount = parse_euros(text)
    assert amount is not None, text
    return amount


def test_journal_csv_balances_with_the_printed_total(demo: Path, tmp_path: Path) -> None:
    year = str(TODAY.year)  # the demo records its payments today
    out = tmp_path / "compta" / "journal.csv"
    result = _run(demo, "journal", "--year", year, "-o", out)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"Livre-journal des recettes {year} : ") and str(out) in first
    count = int(first.split(" : ")[1].split()[0])
    total = _euros(first.split("total ")[1].split(", écrit")[0])
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Date" and len(rows) - 1 == count > 0
    assert sum(Decimal(r[4].replace(",", ".")) for r in rows[1:]) == total > 0
    assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_journal_pdf_and_activity_report(demo: Path, tmp_path: Path) -> None:
    year = str(TODAY.year)
    pdf = tmp_path / "journal.pdf"
    result = _run(demo, "journal", "--year", year, "-o", pdf)
    assert result.returncode == 0, result.stderr
    total = _spaces(result.stdout.split("total ")[1].split(", écrit")[0])
    text = _spaces(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    assert "LIVRE-JOURNAL DES RECETTES" in text and f"total {total}" in text and "déclaration 2035" in text
    report = tmp_path / "rapport-rpm.pdf"
    result = _run(demo, "report", "--network", "RPM", "--period", f"{year}-01..{year}-12", "-o", report)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Rapport d'activité RPM du 01/01/{year} au 31/12/{year} : ")
    text = " ".join(subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    children = result.stdout.split(" : ")[1].split(" enfant")[0]
    assert "Réseau de Périnatalité Méditerranée" in text and f"{children} enfants" in text


def test_dashboard_lists_what_needs_doing(demo: Path) -> None:
    result = _run(demo, "dashboard")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"{len(lines) - 1} points à traiter."
    # the demo leaves last month to invoice and a third of its invoices unpaid
    assert any(line.startswith("À FAIRE") and "restent à facturer" in line for line in lines)
    order = [line.split()[0] for line in lines[:-1]]
    assert order == sorted(order, key=["URGENT", "À", "INFO"].index)  # errors first, information last
    assert len(_run(demo, "dashboard", "--limit", "2").stdout.splitlines()) == 3


def test_french_errors(demo: Path, tmp_path: Path) -> None:
    assert_french_failure(_run(demo, "journal", "--year", "2026", "-o", tmp_path / "journal.xlsx"),
                          f"Le livre-journal s'écrit en CSV ou en PDF : le fichier {tmp_path / 'journal.xlsx'} "
                          "doit finir par .csv ou .pdf.")
    assert_french_failure(_run(demo, "report", "--network", "RPO", "--period", "2026-13", "-o", tmp_path / "r.pdf"),
                          "Période : Illisible : « 2026-13 » ; écrivez par exemple 2026-01..2026-06, un mois "
                          "(2026-03) ou une année (2026).")
    assert not (tmp_path / "r.pdf").exists()
    assert_french_failure(_run(demo, "dashboard", "--date", "2026-02-31"), "Date : Date invalide : 2026-02-31.")
