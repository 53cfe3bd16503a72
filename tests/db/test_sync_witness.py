"""The network as a witness of the numbering (issue 19, #1, network half): each receipt and status answer carries
the highest document number the network holds for the practice; sync stores it and says, in French, when the
database is behind it — an older copy of the database was put back, and its next invoice would reuse a number
the network already holds."""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from cocon_desktop.cli.main import main as cocon
from cocon_desktop.services import batches, invoice_documents, network_endpoints, network_witness, number_witness
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from cocon_desktop.services.sync_run import sync_now
from cocon_exchange.protocol import Receipt
from cocon_network.receiver import Receiver
from tests.conftest import STRONG_PASSPHRASE
from tests.db.batch_helpers import NOW, issue_october
from tests.db.invoice_helpers import OCTOBER, TODAY
from tests.sync_samples import TOKEN


def numbers(practice: Practice) -> dict[str, int]:
    return network_witness.database_highest(practice.sessions)


def send(practice: Practice, receiver: Receiver, network: str) -> None:
    batches.close_batch(practice, network, NOW)
    network_endpoints.set_endpoint(practice.sessions, network, receiver.url, TOKEN)
    report = sync_now(practice, now=lambda: NOW, timeout=10)
    assert report.errors == () and report.behind == ()


def test_receipts_and_status_answers_carry_the_highest_number(practice: Practice, receiver: Receiver) -> None:
    issue_october(practice, networks=("RPO", "RPM"))
    highest = numbers(practice)
    assert highest["FAC-2026"] >= 2
    send(practice, receiver, "RPO")
    (rpo,) = batches.list_batches(practice.sessions, "RPO")
    stored = receiver.store.get(rpo.batch_id)
    assert stored is not None and stored.receipt.highest["FAC-2026"] < highest["FAC-2026"]  # RPO's only
    assert network_witness.network_highest(practice.sessions) == stored.receipt.highest
    send(practice, receiver, "RPM")
    status = receiver.store.get(rpo.batch_id)  # the older batch's status answer says what came since
    assert status is not None and status.receipt.highest == highest
    assert network_witness.network_highest_by_network(practice.sessions)["RPM"] == highest
    assert Receipt.from_json(status.receipt.to_json()).highest == highest


def test_a_database_put_back_from_an_older_copy_is_told_at_the_next_sync(practice: Practice, receiver: Receiver,
                                                                        tmp_path: Path) -> None:
    issue_october(practice, networks=("RPO",))
    send(practice, receiver, "RPO")
    older = numbers(practice)
    data_dir = practice.data_dir
    practice.close()
    copy = shutil.copytree(data_dir, tmp_path / "copie-ancienne")
    later = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:  # then November's invoices in RPM, sent: the network holds numbers the copy never had
        invoice_documents.set_network_address(later.sessions, "RPM", NetworkAddress("1 rue Fictive", "31000",
                                                                                    "Toulouse"))
        invoice_documents.issue_period(later, "RPM", *OCTOBER, TODAY)
        send(later, receiver, "RPM")
        newest = numbers(later)
    finally:
        later.close()
    assert newest["FAC-2026"] > older["FAC-2026"]
    shutil.rmtree(data_dir)
    shutil.copytree(copy, data_dir)  # the rollback: the older practice.db and chain-head.json, put back
    rolled_back = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:
        report = sync_now(rolled_back, now=lambda: NOW, timeout=10)  # asks about the RPO batch: its status
        assert [(b.series, b.network_highest, b.database_highest) for b in report.behind] == [
            ("FAC-2026", newest["FAC-2026"], older["FAC-2026"])]
        (warning,) = report.warnings
        assert f"FAC-2026-{newest['FAC-2026']:04d}" in warning and f"FAC-2026-{older['FAC-2026']:04d}" in warning
        assert warning.startswith("Le réseau (RPO) détient déjà") and "copie plus ancienne" in warning
        assert network_witness.ahead_of_database(rolled_back.sessions) == list(report.behind)
    finally:
        rolled_back.close()
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        patch.setattr("sys.stdin", io.StringIO(STRONG_PASSPHRASE + "\n"))
        cocon(["--data-dir", str(data_dir), "sync", "--passphrase-stdin", "--timeout", "10"])
    assert f"détient déjà FAC-2026-{newest['FAC-2026']:04d}" in err.getvalue()
    confirmed = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:  # once the therapist confirms resuming after the network's number, sync no longer calls it behind
        number_witness.confirm_resume(confirmed, f"FAC-2026-{newest['FAC-2026']:04d}")
        again = sync_now(confirmed, now=lambda: NOW, timeout=10)
        assert again.errors == () and again.behind == () and again.warnings == ()
    finally:
        confirmed.close()


def test_a_network_with_nothing_to_send_is_asked_through_its_latest_batch(practice: Practice,
                                                                         receiver: Receiver) -> None:
    issue_october(practice, networks=("RPO",))
    send(practice, receiver, "RPO")
    (rpo,) = batches.list_batches(practice.sessions, "RPO")
    receiver.store.set_status(rpo.batch_id, "paye")
    sync_now(practice, now=lambda: NOW, timeout=10)  # status answer: paid
    assert batches.get_batch(practice.sessions, rpo.id).state == "paye"
    before = len(receiver.statuses("GET"))
    report = sync_now(practice, now=lambda: NOW, timeout=10)
    assert len(receiver.statuses("GET")) == before + 1 and report.outcomes == ()
    assert network_witness.network_highest(practice.sessions) == numbers(practice)
