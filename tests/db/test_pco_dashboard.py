"""The dashboard beside another pathway (issue 22): in « Par réseau » a relayed child's séances count for the
network up to the relay and for the PCO (PCO1) from its first day; a per-séance payer's séances are « à facturer »
under that payer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop import settings
from cocon_desktop.messages import line_text as line_message
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import invoice_documents, practice_handle, settings_store
from cocon_desktop.services.batches import close_batch, pending_count
from cocon_desktop.services.dashboard import NetworkTotal, network_totals
from cocon_desktop.services.dashboard_actions import action_items
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from tests.base_samples import write_base_files
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.pco_samples import practice_beside_a_pco, record, rpm_child

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
ZERO = Decimal("0.00")


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    with practice_beside_a_pco(data_dir, recovery) as opened:
        yield opened


def test_a_relayed_childs_seances_count_for_the_network_then_for_the_pco(practice: Practice) -> None:
    child_id = rpm_child(practice, date(2026, 11, 18))
    for day in (date(2026, 9, 15), date(2026, 10, 5), date(2026, 10, 21), date(2026, 11, 4)):
        record(practice, child_id, day, "bilan_initial" if day == date(2026, 10, 21) else "seance")
    assert network_totals(practice.sessions, *YEAR) == [NetworkTotal("RPM", 4, ZERO, ZERO)]

    practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20)))
    assert network_totals(practice.sessions, *YEAR) == [NetworkTotal("RPM", 2, ZERO, ZERO),
                                                        NetworkTotal("PCO1", 2, ZERO, ZERO)]
    assert network_totals(practice.sessions, date(2026, 11, 1), date(2026, 11, 30)) == [
        NetworkTotal("PCO1", 1, ZERO, ZERO)]  # no RPM bar for a month its child spent at the PCO


def test_a_per_seance_payer_of_another_pathway_has_its_seances_to_invoice(tmp_path: Path) -> None:
    """BASE (tests/base_samples.py: a pathway of the practice's folder, paid per séance): its séances of October are
    « à facturer » on the dashboard under BASE, not under the RPM and not as « versements »."""
    data_dir = tmp_path / "cabinet"
    write_base_files(data_dir)
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    with practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, profile, RecoveryKey.generate(),
                                         params=FAST_KDF) as practice:
        settings_store.put(practice.sessions, settings.PATHWAYS, "cocon,base")
        child_id = rpm_child(practice, date(2026, 11, 18))
        record(practice, child_id, date(2026, 10, 5))
        practice.write(relay, RelayRequest(child_id, "BASE", date(2026, 10, 20), reference="B-1", pathway="base"))
        record(practice, child_id, date(2026, 10, 21), "bilan_initial")
        record(practice, child_id, date(2026, 10, 22))
        lines = [line_message(item.code, dict(item.data))
                 for item in action_items(practice.sessions, date(2026, 11, 18))
                 if item.kind in ("seances_to_invoice", "milestones_to_invoice")]
    assert lines == ["RPM : 1 séance d'octobre 2026 reste à facturer.",
                     "BASE : 2 séances d'octobre 2026 restent à facturer."]


def test_a_pcos_documents_wait_on_the_invoicing_page_not_for_a_sending(practice: Practice) -> None:
    """A PCO's batches are exported, never sent: its documents waiting for a batch and its batch not yet exported
    are dashboard lines that open Facturation (« Lots des plateformes »), and the status bar's « N à envoyer » does
    not count them."""
    invoice_documents.set_network_address(practice.sessions, "RPM", NetworkAddress("1 rue de l'Exemple", "13000",
                                                                                   "Marseille"))
    child_id = rpm_child(practice, date(2026, 11, 18))
    practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20)))
    record(practice, child_id, date(2026, 10, 21), "bilan_initial")
    practice.write(invoice_documents.issue_period, "PCO1", date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 2))

    def waiting() -> list[tuple[str, str]]:
        return [(line_message(item.code, dict(item.data)), item.target)
                for item in action_items(practice.sessions, date(2026, 11, 18)) if item.kind == "batch_waiting"]

    assert waiting() == [("PCO1 : 1 document émis attend d'être mis dans un lot.", "invoicing")]
    assert pending_count(practice.sessions) == 0
    close_batch(practice, "PCO1", datetime(2026, 11, 3, 10, 0, tzinfo=UTC))
    assert waiting() == [("Lot PCO1 du 03/11/2026 (1 document, 140,00\u00a0€) : pas encore exporté pour la "
                          "plateforme.", "invoicing")]
    assert pending_count(practice.sessions) == 0
