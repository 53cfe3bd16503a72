"""A batch for a payer listed in another pathway's file (issue 22, S6 with S7's folder `parcours/`): the made-up BASE
(tests/base_samples.py, `sync = false`, `batch_prefix = "BASE"`) gets its invoice in a batch named by its file,
`"pathway": "base"` in the manifest, exported only and offered in the window — nothing in the program names BASE.
Real SQLCipher practice, real signed invoice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches, invoice_documents, outbox, payer_batches, practice_handle
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.pathway_store import set_enabled_pathways
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from cocon_exchange.batch_verify import verify_batch
from cocon_exchange.manifest_schema import manifest_schema
from tests.base_samples import write_base_files
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.pco_batch_samples import NOW, OCTOBER, RELAY_DAY, TODAY, manifest_of
from tests.pco_samples import record, rpm_child


@pytest.fixture
def practice(tmp_path: Path) -> Iterator[Practice]:
    """BASE's files in the practice's folder, the practice working with COCON and BASE, an RPM child relayed to BASE
    on 20 October, its bilan and a séance invoiced to BASE."""
    folder = tmp_path / "cabinet"
    write_base_files(folder)
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    opened = practice_handle.create_practice(folder, STRONG_PASSPHRASE, profile, RecoveryKey.generate(),
                                             params=FAST_KDF)
    opened.write(set_enabled_pathways, ["cocon", "base"])
    child_id = rpm_child(opened, TODAY)
    opened.write(relay, RelayRequest(child_id, "BASE", RELAY_DAY, reference="BASE-2026-0042", pathway="base"))
    record(opened, child_id, date(2026, 10, 21), "bilan_initial")
    record(opened, child_id, date(2026, 10, 26))
    opened.write(invoice_documents.set_network_address, "RPM", NetworkAddress("1 rue de l'Exemple", "13000",
                                                                              "Marseille"))
    assert len(opened.write(invoice_documents.issue_period, "BASE", *OCTOBER, TODAY).value) == 1
    yield opened
    opened.close()


def test_a_batch_for_a_payer_of_a_pathway_file(practice: Practice, tmp_path: Path) -> None:
    [offered] = payer_batches.payer_batch_choices(practice.sessions)
    assert (offered.code, offered.name, offered.pending) == ("BASE", "Association BASE Nouvelle-Aquitaine", 1)
    closed = batches.close_batch(practice, "base", NOW)
    assert closed.network == "BASE" and closed.export_only and closed.file_name.startswith("BASE-BASE-2026-10-")
    _, data = batches.batch_file(practice.sessions, closed.id)
    manifest = manifest_of(data)
    Draft202012Validator(manifest_schema()).validate(manifest)
    assert (manifest["pathway"], manifest["network"]) == ("base", "BASE")
    check = verify_batch(data)
    assert check.ok and check.pathway == "base"
    assert outbox.waiting(practice.sessions) == [] and batches.list_batches(practice.sessions, sendable_only=True) == []
    done = practice.write(payer_batches.export_payer_batch, "BASE", tmp_path / "cle", NOW).value
    assert not done.closed and done.path.name == closed.file_name
    assert done.batch.state_label == "Exporté (à remettre à la plateforme)"
