"""`cocon invoice --payer PCO1` (issue 22, S5): a PCO's milestones from the shell — the dry run, the run, the
refusals (neither --network nor --payer, both, an unknown payer) — on a practice made here."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import seances
from cocon_desktop.services.relays import RelayRequest, relay
from tests.conftest import STRONG_PASSPHRASE
from tests.e2e.test_cli import assert_french_failure, cocon
from tests.e2e.test_cli_relay import psychomotricienne_practice, rpm_child_beside_a_pco

pytestmark = pytest.mark.slow  # cocon processes

CHOICE = ("Indiquez soit --network (un réseau COCON), soit --payer (une plateforme : PCO1, PCO2…), l'un des "
          "deux.")


def _practice(folder: Path) -> None:
    """A child of the RPM relayed to PCO1 on 20 October 2026, its bilan on the 21st."""
    with psychomotricienne_practice(folder) as practice:
        child_id = rpm_child_beside_a_pco(practice)
        relay(practice.sessions, RelayRequest(child_id, "PCO1", date(2026, 10, 20), reference="PCO33-0042"))
        seances.record_seance(practice.sessions, SeanceData(child_id, date(2026, 10, 21), time(10, 0),
                                                            kind="bilan_initial"))


def test_invoice_a_pco_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    _practice(folder)
    stdin = f"{STRONG_PASSPHRASE}\n"
    base = ("--data-dir", folder, "--passphrase-stdin", "invoice", "--period", "2026-10")
    assert_french_failure(cocon(*base, stdin=stdin), CHOICE)
    assert_french_failure(cocon(*base, "--network", "RPM", "--payer", "PCO1", stdin=stdin), CHOICE)
    assert_french_failure(cocon(*base, "--payer", "PCO9", stdin=stdin), "Ce payeur (PCO9) n'existe pas.")
    dry = cocon(*base, "--payer", "PCO1", "--dry-run", stdin=stdin)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == ["PCO33-0042  1 versement  140,00\u00a0€",
                                       "1 facture serait émise, total 140,00\u00a0€."]
    issued = cocon(*base, "--payer", "PCO1", stdin=stdin)
    assert issued.returncode == 0, issued.stderr
    lines = issued.stdout.splitlines()
    assert lines[0].startswith("FAC-2026-0001  140,00\u00a0€  sha256 ") and lines[-1] == "1 facture émise et signée."
    again = cocon(*base, "--payer", "PCO1", "--dry-run", stdin=stdin)
    assert again.stdout.splitlines() == ["0 facture serait émise, total 0,00\u00a0€."]
