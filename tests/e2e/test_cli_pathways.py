"""`cocon pathways` and `cocon payer add|list` (issue 22): a practice chooses PCO-TND and registers its PCO from the
shell; then the relay works with it. Real `cocon` processes on a practice made here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import STRONG_PASSPHRASE
from tests.e2e.test_cli import assert_french_failure, cocon
from tests.e2e.test_cli_relay import psychomotricienne_practice

pytestmark = pytest.mark.slow  # cocon processes


def test_choose_pco_tnd_and_register_its_platform(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    psychomotricienne_practice(folder).close()
    stdin = f"{STRONG_PASSPHRASE}\n"
    base = ("--data-dir", folder, "--passphrase-stdin")
    shown = cocon(*base, "pathways", stdin=stdin)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == ["cocon  COCON"]  # a practice works with COCON until it chooses
    assert_french_failure(cocon(*base, "pathways", "--set", "cocon,base", stdin=stdin),
                          "Parcours inconnu : base. Les parcours connus : cocon, pco-tnd.")
    chosen = cocon(*base, "pathways", "--set", "pco-tnd, cocon", stdin=stdin)
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.splitlines() == ["cocon  COCON", "pco-tnd  PCO-TND"]
    refused = cocon(*base, "payer", "add", "--name", "PCO-TND de la Gironde", "--street", "10 rue des Platanes",
                    "--postcode", "33000", "--city", "Bordeaux", "--siret", "35600000000049", stdin=stdin)
    assert_french_failure(refused, "SIRET : Ce SIRET est invalide (chiffre de contrôle) : recopiez-le depuis la "
                                   "convention signée avec la plateforme ou l'annuaire des entreprises.")
    added = cocon(*base, "payer", "add", "--name", "PCO-TND de la Gironde", "--street", "10 rue des Platanes",
                  "--postcode", "33000", "--city", "Bordeaux", "--siret", "35600000000048", "--reference",
                  "CONV-2026-17", stdin=stdin)
    assert added.returncode == 0, added.stderr
    assert added.stdout == ("PCO1  PCO-TND de la Gironde (33000 Bordeaux) : plateforme ajoutée au parcours "
                            "pco-tnd.\n")
    listed = cocon(*base, "payer", "list", stdin=stdin)
    assert listed.stdout.splitlines() == ["PCO1  pco-tnd  PCO-TND de la Gironde, 10 rue des Platanes, 33000 Bordeaux"]
    fixed = cocon(*base, "payer", "add", "--pathway", "cocon", "--name", "RPM bis", "--street", "1 rue",
                  "--postcode", "13000", "--city", "Marseille", stdin=stdin)
    assert fixed.returncode != 0 and "Traceback" not in fixed.stderr and "COCON" in fixed.stderr, fixed.stderr
