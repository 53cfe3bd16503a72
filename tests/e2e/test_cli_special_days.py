"""The `cocon` command on the days that break date arithmetic: the year's last day, its first, a leap day.

Each day gets its own demo practice built on that day (COCON_TODAY), then the month's work from the shell: the
dashboard, the invoice run of the previous month (across the year boundary on 1 January: the new year's series
starts at 0001), a credit note, the attestations (the annual one for the past year) and the activity report."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_desktop.models import Attestation, Invoice
from cocon_desktop.services import practice_handle
from tests.dates import SPECIAL_DAYS
from tests.e2e.test_cli import cocon

pytestmark = pytest.mark.slow  # a demo practice per day, ~10 s each, then a dozen commands

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
NETWORKS = ("RPM", "RPO", "RPNA")


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_words(first: date) -> str:
    """"novembre 2026"."""
    return f"{MONTHS[first.month - 1]} {first.year}"


def annual_year(day: date) -> int:
    """The year an annual attestation covers when issued that day: the past year in the first months."""
    return day.year - 1 if day.month <= 2 else day.year


@pytest.fixture(scope="module", params=SPECIAL_DAYS, ids=[d.isoformat() for d in SPECIAL_DAYS])
def day_demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[date, Path]:
    day: date = request.param
    folder = tmp_path_factory.mktemp(f"jour-{day.isoformat()}") / "cabinet"
    built = cocon("--data-dir", folder, "demo", today=day)
    assert built.returncode == 0, built.stderr
    return day, folder


def run(day_demo: tuple[date, Path], *args: str | Path) -> subprocess.CompletedProcess[str]:
    day, folder = day_demo
    result = cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin="demo\n", today=day)
    assert "Traceback" not in result.stderr
    return result


def numbers(folder: Path, model: type[Invoice] | type[Attestation]) -> list[str]:
    practice = practice_handle.open_with_passphrase(folder, "demo")
    try:
        with practice.sessions() as session:
            return list(session.scalars(select(model.number)))
    finally:
        practice.close()


def assert_gap_free(all_numbers: list[str], prefix: str) -> dict[int, int]:
    """PREFIX-YYYY-NNNN numbers run 0001, 0002… without gap within each year; returns year → count."""
    by_year: dict[int, list[int]] = {}
    for number in all_numbers:
        match = re.fullmatch(rf"{prefix}-(\d{{4}})-(\d{{4}})", number)
        if match:
            by_year.setdefault(int(match[1]), []).append(int(match[2]))
    for year, sequence in by_year.items():
        assert sorted(sequence) == list(range(1, len(sequence) + 1)), (year, sorted(sequence))
    return {year: len(sequence) for year, sequence in by_year.items()}


def test_the_dashboard_on_the_day(day_demo: tuple[date, Path]) -> None:
    day, _ = day_demo
    board = run(day_demo, "dashboard")
    assert board.returncode == 0, board.stderr
    lines = board.stdout.splitlines()
    to_invoice = [line for line in lines if "à facturer" in line]
    # the demo invoiced every month before the previous one: only the previous month is left, for every network
    expected = month_words(previous_month(day))
    assert sorted(line.split()[2] for line in to_invoice) == sorted(NETWORKS), to_invoice
    assert all(re.search(rf"séances? (d'|de ){expected} (reste|restent) à facturer", line) for line in to_invoice), \
        (expected, to_invoice)
    assert any(line.endswith(f"eu des soins en {expected} sans attestation de séances.") for line in lines)
    annual = [line for line in lines if "Attestations annuelles" in line]
    if day.month == 1:
        assert len(annual) == 1 and f"annuelles {day.year - 1} à établir" in annual[0]
    else:
        assert annual == []
    assert lines[-1].endswith("points à traiter.")
    dated = run(day_demo, "dashboard", "--date", day.strftime("%d/%m/%Y"))
    assert dated.returncode == 0 and dated.stdout == board.stdout


def test_invoice_run_of_the_previous_month(day_demo: tuple[date, Path], tmp_path: Path) -> None:
    day, folder = day_demo
    before = assert_gap_free(numbers(folder, Invoice), "FAC")
    month = previous_month(day).strftime("%Y-%m")
    issued: list[str] = []
    for network in NETWORKS:
        result = run(day_demo, "invoice", "--network", network, "--period", month, "--out", tmp_path / network)
        assert result.returncode == 0, result.stderr
        issued += [line.split()[0] for line in result.stdout.splitlines() if line.startswith("FAC-")]
    assert issued, "the previous month has séances to invoice"
    # issued today: numbered in today's year, after that year's earlier invoices (from 0001 on 1 January)
    first_of_run = before.get(day.year, 0) + 1
    assert issued == [f"FAC-{day.year}-{n:04d}" for n in range(first_of_run, first_of_run + len(issued))]
    if day == date(2027, 1, 1):
        assert issued[0] == "FAC-2027-0001" and before.get(2026, 0) > 0
    after = assert_gap_free(numbers(folder, Invoice), "FAC")
    assert {year: count for year, count in after.items() if year != day.year} == \
           {year: count for year, count in before.items() if year != day.year}
    pdfs = sorted(p.stem for network in NETWORKS for p in (tmp_path / network).glob("FAC-*.pdf"))
    assert pdfs == sorted(issued)

    again = run(day_demo, "dashboard")
    assert not [line for line in again.stdout.splitlines() if "à facturer" in line]

    note = run(day_demo, "credit-note", issued[0], "--line", "1")
    assert note.returncode == 0, note.stderr
    assert note.stdout.startswith(f"AV-{day.year}-") and f"corrige {issued[0]}" in note.stdout
    assert_gap_free(numbers(folder, Invoice), "AV")
    checked = run(day_demo, "verify")
    assert checked.returncode == 0 and "Vérification réussie" in checked.stdout


def test_attestations_of_the_month_and_of_the_year(day_demo: tuple[date, Path], tmp_path: Path) -> None:
    day, folder = day_demo
    month = previous_month(day).strftime("%Y-%m")
    monthly = run(day_demo, "attestation", "--all", "--period", month, "--out-dir", tmp_path / "mois")
    assert monthly.returncode == 0, monthly.stderr
    assert re.search(r"^(\d+) attestations? émises?", monthly.stdout, re.MULTILINE)
    year = annual_year(day)
    annual = run(day_demo, "attestation", "--all", "--period", str(year), "--kind", "annuelle",
                 "--out-dir", tmp_path / "annee")
    assert annual.returncode == 0, annual.stderr
    files = sorted((tmp_path / "annee").glob("ATT-*.pdf"))
    assert files and f"{len(files)} attestations émises" in annual.stdout
    assert all(f.name.startswith(f"ATT-{day.year}-") for f in files)  # numbered in the year they are issued
    assert f"du 01/01/{year} au 31/12/{year}" in annual.stdout
    counts = assert_gap_free(numbers(folder, Attestation), "ATT")
    assert set(counts) == {day.year}

    board = run(day_demo, "dashboard")
    assert board.returncode == 0
    assert "Attestations annuelles" not in board.stdout  # the annual ones are done
    assert "sans attestation de séances" not in board.stdout  # so are the month's

    report = run(day_demo, "report", "--network", "RPM", "--period", str(year), "-o", tmp_path / "rapport.pdf")
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF")
