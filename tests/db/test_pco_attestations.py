"""Attestations for the family of a child handed over to a PCO (issue 22: attestations per payer): the COCON months
keep their wording; a month across the relay says COCON, then the PCO from its first day, and both numbers; a
month after it names the PCO, its dossier number and its mention, and no longer COCON's. Read from the real signed
PDF with pdftotext; the batch of a month after the relay still lists the child (it left COCON, not the practice)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cocon_desktop.domain.attestation import COCON_MENTION, Period
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import attestations
from cocon_desktop.services.attestation_content import children_to_attest
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from tests.db.test_attestations import needs_poppler, pdf_text
from tests.pco_samples import GIRONDE, INCLUSION, practice_beside_a_pco, record, rpm_child

TODAY = date(2026, 12, 2)
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
PCO_NAME = GIRONDE.name
DOSSIER = "PCO33-2026-0042"
PCO_MENTION = ("Accompagnement financé intégralement par la plateforme de coordination et d'orientation — aucune "
               "somme n'est due par la famille.")


@pytest.fixture
def relayed(data_dir: Path, recovery: RecoveryKey) -> Iterator[tuple[Practice, int]]:
    """Séances on 15 September and 5 October (COCON), the relay on 20 October, the bilan on the 21st and a séance
    on 4 November (PCO)."""
    with practice_beside_a_pco(data_dir, recovery) as practice:
        child_id = rpm_child(practice, date(2026, 11, 18))
        for day in (date(2026, 9, 15), date(2026, 10, 5)):
            record(practice, child_id, day)
        practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20), reference=DOSSIER))
        record(practice, child_id, date(2026, 10, 21), "bilan_initial")
        record(practice, child_id, date(2026, 11, 4))
        yield practice, child_id


@needs_poppler
def test_each_month_names_the_pathway_of_its_care(relayed: tuple[Practice, int]) -> None:
    practice, child_id = relayed
    september = pdf_text(attestations.issue(practice.sessions, child_id, "seances", SEPTEMBER, TODAY).pdf)
    assert f"(n° d'inclusion COCON {INCLUSION})" in september
    assert "dans le cadre du parcours COCON (soins précoces et coordonnés du nouveau-né vulnérable), coordonné par " \
           "le Réseau de Périnatalité Méditerranée, les soins suivants" in september
    assert COCON_MENTION in september and "PCO" not in september

    october = pdf_text(attestations.issue(practice.sessions, child_id, "seances", OCTOBER, TODAY).pdf)
    assert f"(n° d'inclusion COCON {INCLUSION}, n° de dossier PCO {DOSSIER})" in october
    assert ("coordonné par le Réseau de Périnatalité Méditerranée, puis, à partir du 20/10/2026, dans le cadre du "
            "parcours de bilan et d'intervention précoce pour les troubles du neurodéveloppement (PCO-TND), "
            f"coordonné par {PCO_NAME}, les soins suivants") in october
    assert ("Accompagnement financé intégralement par le parcours COCON jusqu'au 19/10/2026, puis par la plateforme "
            "de coordination et d'orientation — aucune somme n'est due par la famille.") in october
    assert "5 octobre 2026" in october and "21 octobre 2026" in october
    assert "FORFAITS " in october and "FORFAITS COCON" not in october  # the COCON forfait and the PCO's

    november = pdf_text(attestations.issue(practice.sessions, child_id, "seances", NOVEMBER, TODAY).pdf)
    assert f"(n° de dossier PCO {DOSSIER})" in november and INCLUSION not in november
    assert (f"dans le cadre du parcours de bilan et d'intervention précoce pour les troubles du neurodéveloppement "
            f"(PCO-TND), coordonné par {PCO_NAME}, les soins suivants") in november
    assert PCO_MENTION in november and "COCON" not in november


def test_the_month_after_the_relay_still_lists_the_child(relayed: tuple[Practice, int]) -> None:
    practice, child_id = relayed
    assert children_to_attest(practice.sessions, "seances", NOVEMBER) == [child_id]
