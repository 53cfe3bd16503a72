"""`cocon children list`, `cocon prescription add`, `cocon forfait status` on the demo practice."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import cocon

pytestmark = pytest.mark.slow  # a demo practice per module (cocon demo), then cocon processes


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    folder = copy_demo(demo_made_once, tmp_path_factory.mktemp("demo") / "cabinet")
    return folder


def test_children_list_puts_the_inclusion_number_first(demo: Path) -> None:
    result = cocon("children", "list", "--data-dir", demo, "--passphrase-stdin", stdin="demo\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) >= 20
    assert all(line.split()[0].startswith(("RPM-", "RPO-", "RPNA-")) for line in lines)
    assert {line.split()[0].split("-")[0] for line in lines} == {"RPM", "RPO", "RPNA"}  # the three networks
    as_csv = cocon("--data-dir", demo, "--passphrase-stdin", "children", "list", "--csv", stdin="demo\n")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout), delimiter=";"))
    assert len(rows) == len(lines) and rows[0]["inclusion"] == lines[0].split()[0]


def test_prescription_add_then_forfait_status(demo: Path) -> None:
    listing = cocon("--data-dir", demo, "--passphrase-stdin", "children", "list", "--csv", stdin="demo\n")
    row = next(csv.DictReader(io.StringIO(listing.stdout), delimiter=";"))
    inclusion = row["inclusion"]
    refused = cocon("--data-dir", demo, "--passphrase-stdin", "prescription", "add", "--child", inclusion,
                    "--discipline", "psychomotricite", "--sessions", "0", "--start", "2026-11-01",
                    "--end", "2026-10-01", stdin="demo\n")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "au moins 1" in refused.stderr and "précède son début" in refused.stderr
    added = cocon("--data-dir", demo, "--passphrase-stdin", "prescription", "add", "--child", inclusion,
                  "--discipline", "psychomotricite", "--sessions", "12", "--start", "2026-11-01",
                  "--end", "2027-03-31", "--bilan", "--prescriber-rpps", "10001234573", stdin="demo\n")
    assert added.returncode == 0, added.stderr
    status = cocon("--data-dir", demo, "--passphrase-stdin", "forfait", "status", "--child", inclusion,
                   stdin="demo\n")
    assert status.returncode == 0, status.stderr
    assert "0 utilisées, 12 restantes sur 12 + bilan" in status.stdout
    assert "du 01/11/2026 au 31/03/2027" in status.stdout
    unknown = cocon("--data-dir", demo, "--passphrase-stdin", "forfait", "status", "--child", "RPM-0000-0",
                    stdin="demo\n")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "Aucun enfant n'a le numéro d'inclusion RPM-0000-0."


def test_prescription_add_is_bounded_by_the_forfait(demo: Path) -> None:
    """The same bounds as the window (issue 18, #3): above the forfait's 35 séances a reason, above 70 refused."""
    listing = cocon("--data-dir", demo, "--passphrase-stdin", "children", "list", "--csv", stdin="demo\n")
    inclusion = list(csv.DictReader(io.StringIO(listing.stdout), delimiter=";"))[1]["inclusion"]
    base = ("--data-dir", demo, "--passphrase-stdin", "prescription", "add", "--child", inclusion,
            "--discipline", "psychomotricite", "--start", "2026-11-01", "--end", "2027-03-31")
    absurd = cocon(*base, "--sessions", "999", "--reason-stdin", stdin="demo\naccord\n")  # never in argv (#5)
    assert absurd.returncode == 1 and "Traceback" not in absurd.stderr
    assert "plus que le maximum de 70" in absurd.stderr
    unexplained = cocon(*base, "--sessions", "40", stdin="demo\n")
    assert unexplained.returncode == 1 and "indiquez le motif du dépassement" in unexplained.stderr
    added = cocon(*base, "--sessions", "40", "--reason-stdin", stdin="demo\nAccord du réseau\n")
    assert added.returncode == 0, added.stderr
    status = cocon("--data-dir", demo, "--passphrase-stdin", "forfait", "status", "--child", inclusion,
                   stdin="demo\n")
    assert "0 utilisées, 40 restantes sur 40" in status.stdout
