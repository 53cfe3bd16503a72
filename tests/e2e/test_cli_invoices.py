"""From the shell: invoice run, signed PDFs, credit note, payment, unpaid list, and `cocon verify` catching
a change made with an SQLCipher shell and the key."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from cocon_desktop.db.engine import connect
from cocon_desktop.security import vault
from tests.dates import TODAY
from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import cocon

pytestmark = pytest.mark.slow  # a demo practice per module (cocon demo), then invoice runs in real processes


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    folder = copy_demo(demo_made_once, tmp_path_factory.mktemp("factures") / "cabinet")
    return folder


def _run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin="demo\n")


def _previous_month() -> str:
    """The demo invoices the months before it and leaves this one to invoice."""
    return (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def test_invoice_run_verify_then_tamper(demo: Path, tmp_path: Path) -> None:
    assert _run(demo, "verify").returncode == 0  # the demo's own invoices
    assert _run(demo, "network", "address", "RPM", "1 rue Fictive", "13005", "Marseille").returncode == 0
    period = _previous_month()
    preview = _run(demo, "invoice", "--network", "RPM", "--period", period, "--dry-run")
    assert preview.returncode == 0 and "seraient émises" in preview.stdout
    expected = int(preview.stdout.strip().splitlines()[-1].split()[0])
    issued = _run(demo, "invoice", "--network", "RPM", "--period", period, "--out", tmp_path / "pdf")
    assert issued.returncode == 0, issued.stderr
    pdfs = sorted((tmp_path / "pdf").glob("FAC-*.pdf"))
    assert len(pdfs) == expected > 0 and all(p.stat().st_mode & 0o777 == 0o600 for p in pdfs)
    assert pdfs[0].read_bytes().startswith(b"%PDF")
    assert "Vérification réussie" in _run(demo, "verify").stdout
    number = pdfs[0].stem
    note = _run(demo, "credit-note", number, "--line", "1")
    assert int(number.split("-")[-1]) > 1  # numbering continues after the demo's invoices
    assert note.returncode == 0 and "AV-" in note.stdout
    assert "Paiement enregistré" in _run(demo, "payment", "add", pdfs[-1].stem, "--date",
                                         TODAY.isoformat(), "--amount", "1,00").stdout
    unpaid = _run(demo, "unpaid")
    assert unpaid.returncode == 0 and "impayée" in unpaid.stdout
    assert _run(demo, "verify").returncode == 0

    key = vault.unlock_with_passphrase(demo, "demo")
    raw = connect(demo / "practice.db", key.data_key)
    triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute("UPDATE invoice_line SET amount_cents = amount_cents + 100 WHERE id = 1")
    for _, sql in triggers:
        raw.execute(sql)
    raw.close()
    broken = _run(demo, "verify")
    assert broken.returncode == 3 and "Traceback" not in broken.stderr
    assert broken.stderr.strip().endswith("ont été modifiés après l'émission.")


def test_invoice_errors_are_french(demo: Path, tmp_path: Path) -> None:
    from tests.e2e.test_cli import write_practice_toml

    fresh = tmp_path / "neuf"
    assert cocon("--data-dir", fresh, "--passphrase-stdin", "init", "--practice-file",
                 write_practice_toml(tmp_path / "p.toml"), stdin="Ours-brun-7-Lavande!\n").returncode == 0
    missing = cocon("--data-dir", fresh, "--passphrase-stdin", "invoice", "--network", "RPNA", "--period", "2026-10",
                    stdin="Ours-brun-7-Lavande!\n")
    assert missing.returncode == 1 and "adresse du réseau RPNA" in missing.stderr
    unknown = _run(demo, "credit-note", "FAC-1999-0001")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "Aucune facture ne porte le numéro FAC-1999-0001."


def test_network_address_with_its_siret_refuses_a_bad_one(demo: Path) -> None:
    """Issue 18, #6: the network's SIREN/SIRET, checked as in Paramètres › Réseaux."""
    bad = _run(demo, "network", "address", "RPO", "2 allée Fictive", "31000", "Toulouse", "--siret", "732 829 321")
    assert bad.returncode != 0 and "SIREN ou SIRET est invalide" in bad.stderr, bad.stderr
    good = _run(demo, "network", "address", "RPO", "2 allée Fictive", "31000", "Toulouse", "--siret", "732 829 320")
    assert good.returncode == 0 and "Adresse du réseau RPO enregistrée." in good.stdout, good.stderr
