"""`cocon sync` against the real reference receiver whose operator decides on single invoices (issue 21, #5, #6):
`python -m cocon_network mark-rejected --document N` and `mark-paid --document N`, then `cocon sync` says what
the network decided, the invoices read « rejetée » / « payée » (`cocon invoices`), and after a credit note and a
corrected invoice the next batch carries both — through the programs a therapist and a network operator run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches, invoice_documents, network_endpoints, payments
from cocon_desktop.services.invoicing import IssuedDocument
from cocon_desktop.services.practice_handle import create_practice, open_with_passphrase
from cocon_network.receiver import Receiver
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.batch_helpers import NOW, issue_october
from tests.db.invoice_helpers import OCTOBER, TODAY
from tests.e2e.test_cli import ROOT, cocon
from tests.sync_samples import TOKEN

pytestmark = pytest.mark.slow

REASON = "Séance du 01/10/2026 avant l'inclusion de l'enfant"


def operator(receiver: Receiver, *args: str) -> subprocess.CompletedProcess[str]:
    """The network operator's command line of the reference receiver."""
    return subprocess.run([sys.executable, "-m", "cocon_network", args[0], "--store", str(receiver.store.root),
                           *args[1:]], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)


def sync(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", data_dir, "--passphrase-stdin", "sync", stdin=f"{STRONG_PASSPHRASE}\n")


@pytest.fixture
def sent(data_dir: Path, receiver: Receiver) -> tuple[str, list[IssuedDocument]]:
    """A practice whose RPO batch the network received (its id, its invoices)."""
    practice = create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    try:
        issued = issue_october(practice, networks=("RPO",))["RPO"]
        batch = batches.close_batch(practice, "RPO", NOW)
        network_endpoints.set_endpoint(practice.sessions, "RPO", receiver.url, TOKEN)
    finally:
        practice.close()
    first = sync(data_dir)
    assert first.returncode == 0, first.stderr
    return batch.batch_id, issued


def test_the_networks_decisions_reach_the_practice_at_its_next_sync(data_dir: Path, receiver: Receiver,
                                                                   sent: tuple[str, list[IssuedDocument]]) -> None:
    batch_id, issued = sent
    rejected, paid = issued[0].number, issued[1].number
    decided = operator(receiver, "mark-rejected", batch_id, "--reason", REASON, "--document", rejected)
    assert decided.returncode == 0, decided.stderr
    assert operator(receiver, "mark-paid", batch_id, "--document", paid).returncode == 0
    unknown = operator(receiver, "mark-paid", batch_id, "--document", "FAC-2026-9999")
    assert unknown.returncode == 1 and "ne contient pas : FAC-2026-9999" in unknown.stderr

    result = sync(data_dir)
    assert result.returncode == 0, result.stderr
    assert f"Lot {batch_id} (RPO) : reçu par le réseau — 1 facture rejetée par le réseau : émettez un avoir puis " \
           "une facture corrigée. 1 facture payée par le réseau." in result.stdout.splitlines()
    listing = cocon("--data-dir", data_dir, "--passphrase-stdin", "unpaid", stdin=f"{STRONG_PASSPHRASE}\n")
    assert listing.returncode == 0, listing.stderr
    assert any(line.startswith(rejected) and f"(rejetée par le réseau : « {REASON} »" in line
               for line in listing.stdout.splitlines()), listing.stdout
    assert paid not in listing.stdout

    # the same answer at the next sync changes nothing; a later « paid » of the rejected invoice neither
    assert operator(receiver, "mark-paid", batch_id, "--document", rejected).returncode == 0
    again = sync(data_dir)
    assert again.returncode == 0 and "facture" not in again.stdout

    practice = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:
        status = payments.status_of(practice.sessions, rejected)
        assert status is not None and (status.state, status.reason, status.refused) == ("rejetee", REASON, True)
        credit = invoice_documents.issue_credit_note(practice, rejected, None, TODAY)
        corrected = invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY)
        next_batch = batches.close_batch(practice, "RPO", NOW)
    finally:
        practice.close()
    assert sync(data_dir).returncode == 0
    stored = receiver.store.get(next_batch.batch_id)
    assert stored is not None and not stored.rejected_on_receipt
    from cocon_network.store import document_numbers

    assert document_numbers(receiver.store.data(next_batch.batch_id)) == {credit.number, corrected[0].number}
