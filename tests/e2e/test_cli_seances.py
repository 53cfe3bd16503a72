"""`cocon seance add` and `cocon seance list --month` on a practice created from the shell."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PROFILE, STRONG_PASSPHRASE
from tests.e2e.test_cli import cocon

pytestmark = pytest.mark.slow  # a demo practice, then a dozen cocon processes

CSV = "Nom;Prénom;Date de naissance;Sexe;N° d'inclusion;Terme;Réseau\nMartin;Léo;03/02/2025;M;RPO-2025-0001;29+4;RPO\n"


def test_seance_add_then_list(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    toml = tmp_path / "cabinet.toml"
    toml.write_text("[practice]\n" + "\n".join(f"{k} = {json.dumps(v, ensure_ascii=False)}"
                                             for k, v in asdict(PROFILE).items()) + "\n", "utf-8")
    secret = STRONG_PASSPHRASE + "\n"
    assert cocon("--data-dir", folder, "--passphrase-stdin", "init", "--practice-file", toml,
                 stdin=secret).returncode == 0
    (tmp_path / "enfants.csv").write_text(CSV, "utf-8")
    imported = cocon("--data-dir", folder, "--passphrase-stdin", "import-children", tmp_path / "enfants.csv",
                     stdin=secret)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    # the practice is an orthophoniste: the prescription is in orthophonie
    assert cocon("--data-dir", folder, "--passphrase-stdin", "prescription", "add", "--child", "RPO-2025-0001",
                 "--discipline", "orthophonie", "--sessions", "2", "--start", "2026-09-01", "--end", "2027-01-31",
                 stdin=secret).returncode == 0
    add = ["--data-dir", folder, "--passphrase-stdin", "seance", "add", "--child", "RPO-2025-0001"]
    first = cocon(*add, "--date", "2026-09-08", "--time", "10:00", stdin=secret)
    assert first.returncode == 0 and "sur le forfait" in first.stdout, first.stderr
    overlap = cocon(*add, "--date", "2026-09-08", "--time", "10:30", stdin=secret)
    assert overlap.returncode == 1 and overlap.stderr.strip() == (
        "Heure : Cet enfant a déjà une séance qui se chevauche avec celle-ci (à 10:00).")
    assert cocon(*add, "--date", "2026-09-15", "--time", "10:00", stdin=secret).returncode == 0
    full = cocon(*add, "--date", "2026-09-22", "--time", "10:00", stdin=secret)
    assert full.returncode == 1 and "--hors-forfait" in full.stderr and "Traceback" not in full.stderr
    hors = cocon(*add, "--date", "2026-09-22", "--time", "10:00", "--hors-forfait", stdin=secret)
    assert hors.returncode == 0
    listing = cocon("--data-dir", folder, "--passphrase-stdin", "seance", "list", "--month", "2026-09", stdin=secret)
    lines = listing.stdout.splitlines()
    assert len(lines) == 3 and all(line.startswith("RPO-2025-0001  2026-09-") for line in lines)
    assert lines[-1].endswith("non facturable") and lines[0].endswith("à facturer")
    assert date(2026, 9, 8).isoformat() in lines[0]
