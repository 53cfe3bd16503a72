"""`cocon children relay` and `relay-cancel` (issue 22, S4): a practice made here, then three `cocon` processes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest

from cocon_desktop.domain.payers import PayerData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import payers, seances
from cocon_desktop.services.practice_handle import Practice, create_practice
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.dates import TODAY
from tests.e2e.test_cli import assert_french_failure, cocon
from tests.pco_samples import INCLUSION, rpm_child, works_with_pco_tnd

pytestmark = pytest.mark.slow  # cocon processes



def rpm_child_beside_a_pco(practice: Practice) -> int:
    """A psychomotricienne's practice working with COCON and PCO-TND, the Gironde's PCO (PCO1), and a child of the
    RPM with a COCON prescription from 1 September 2026: the child's id."""
    works_with_pco_tnd(practice)
    payers.add_payer(practice.sessions, "pco-tnd", PayerData(
        name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux"))
    return rpm_child(practice, TODAY)


def psychomotricienne_practice(folder: Path) -> Practice:
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    return create_practice(folder, STRONG_PASSPHRASE, profile, RecoveryKey.generate(), params=FAST_KDF)


def _practice(folder: Path) -> None:
    with psychomotricienne_practice(folder) as practice:
        child_id = rpm_child_beside_a_pco(practice)
        for day in (date(2026, 10, 15), date(2026, 10, 23)):
            seances.record_seance(practice.sessions, SeanceData(child_id, day, time(10, 0)))


def test_relay_then_cancel_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    _practice(folder)
    stdin = f"{STRONG_PASSPHRASE}\n"
    base = ("--data-dir", folder, "--passphrase-stdin", "children")
    refused = cocon(*base, "relay", "--child", INCLUSION, "--payer", "RPM", "--from", "2026-10-20", stdin=stdin)
    assert_french_failure(refused, "Payeur : RPM n'est pas une plateforme du parcours PCO-TND : choisissez-en une "
                                   "de la liste (Paramètres › Parcours et payeurs).")
    done = cocon(*base, "relay", "--child", INCLUSION, "--payer", "PCO1", "--from", "2026-10-20",
                 "--dossier", "PCO33-0042", stdin=stdin)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Relais de RPM-2025-0007 vers PCO1 (PCO-TND de la Gironde) à partir du 20/10/2026 : parcours COCON clos le "
        "19/10/2026.",
        "  Forfait précoce 0–6 ans — bilan et interventions, du 20/10/2026 au 19/10/2027.",
        "  Séances déplacées sur le forfait de la PCO : 1 ; hors forfait : 0."]
    again = cocon(*base, "relay", "--child", INCLUSION, "--payer", "PCO1", "--from", "2026-11-20", stdin=stdin)
    assert_french_failure(again, "L'enfant est déjà confié à PCO1 depuis le 20/10/2026.")
    cancelled = cocon(*base, "relay-cancel", "--child", INCLUSION, stdin=stdin)
    assert cancelled.returncode == 0, cancelled.stderr
    assert cancelled.stdout.strip() == ("Relais de RPM-2025-0007 annulé : l'enfant est de nouveau suivi dans le "
                                        "parcours COCON (1 séance replacée sur COCON).")
