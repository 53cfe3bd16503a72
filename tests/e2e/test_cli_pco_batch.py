"""`cocon export-batch --network PCO1` (issue 22, S6): a PCO's milestone invoice closed into its own batch and
exported from the shell (PCO-TND-PCO1-….zip), verified without the practice (« parcours PCO-TND »), listed with the
COCON batch beside it; an unknown payer said in French, `--help` as it was. Real `cocon` processes on a practice with
a relayed child made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocon_desktop.security.recovery import RecoveryKey
from tests.conftest import STRONG_PASSPHRASE
from tests.e2e.test_cli import assert_french_failure, cocon
from tests.pco_batch_samples import practice_with_pco_invoice

pytestmark = pytest.mark.slow  # cocon processes


def test_export_a_pco_batch_from_the_shell(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    practice_with_pco_invoice(folder, RecoveryKey.generate()).close()
    stdin = f"{STRONG_PASSPHRASE}\n"
    base = ("--data-dir", folder, "--passphrase-stdin")

    waiting = cocon(*base, "batch", "list", stdin=stdin)
    assert waiting.returncode == 0, waiting.stderr
    assert waiting.stdout.splitlines() == [
        "0 lot.",
        "1 document du réseau RPM en attente de mise en lot (`cocon export-batch --network RPM`).",
        "1 document de la plateforme PCO1 en attente de mise en lot (`cocon export-batch --network PCO1`)."]

    out = tmp_path / "cle"
    exported = cocon(*base, "export-batch", "--network", "PCO1", "--out", out, stdin=stdin)
    assert exported.returncode == 0, exported.stderr
    [written] = list(out.iterdir())
    assert written.name.startswith("PCO-TND-PCO1-2026-10-") and written.suffix == ".zip"
    assert exported.stdout.splitlines() == [
        "Lot fermé : 1 document, total 140,00\u00a0€, du 01/10/2026 au 31/10/2026.",
        f"Écrit dans {written}. Lot exporté : à remettre à la plateforme PCO1 (comme le prévoit la convention : "
        "dépôt, messagerie sécurisée)."]

    checked = cocon("verify-batch", written)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1] == "Lot valide : 1 documents, total 140,00\u00a0€, parcours PCO-TND"

    listed = cocon(*base, "batch", "list", "--network", "PCO1", stdin=stdin)
    assert listed.returncode == 0, listed.stderr
    [line, count] = listed.stdout.splitlines()
    assert f"PCO1  {written.name}  1 document  140,00\u00a0€" in line
    assert "Exporté (à remettre à la plateforme)" in line and count == "1 lot."

    assert_french_failure(cocon(*base, "export-batch", "--network", "PCO9", "--out", out, stdin=stdin),
                          "Payeur inconnu : PCO9 (un réseau COCON : RPM, RPO ou RPNA, ou une plateforme "
                          "enregistrée : PCO1).")
    assert_french_failure(cocon(*base, "export-batch", "--network", "RPX", "--out", out, stdin=stdin),
                          "Payeur inconnu : RPX (un réseau COCON : RPM, RPO ou RPNA, ou une plateforme "
                          "enregistrée : PCO1).")
    typo = cocon(*base, "export-batch", "--network", "rpm!", "--out", out, stdin=stdin)  # not a code: as before
    assert typo.returncode == 2 and "choix invalide : 'rpm!' (au choix : 'RPM', 'RPNA', 'RPO')" in typo.stderr
    shown = cocon("export-batch", "--help")
    assert "--network {RPM,RPNA,RPO}" in shown.stdout  # the help of a COCON practice, as before pathways
