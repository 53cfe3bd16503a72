"""Sync runs on a real encrypted practice with real batches, against the real receiver on 127.0.0.1 with faults
injected: connection refused, time-outs, HTTP 500, a response lost after the batch was stored, duplicated
deliveries, a tampered batch, TLS. Whatever happens, each batch is received exactly once."""

from __future__ import annotations

import socket
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from cocon_desktop.services import batches, network_endpoints
from cocon_desktop.services.batches import BatchSummary
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from cocon_desktop.services.sync_run import SyncReport, sync_now
from cocon_network.receiver import Receiver
from cocon_network.store import ZIP_NAME
from tests.conftest import STRONG_PASSPHRASE
from tests.db.batch_helpers import NOW, issue_october
from tests.sync_samples import TOKEN, tamper, tls_certificate


class Clock:
    """The sync run's `now`: moved by hand, so that the backoff takes no real time."""

    def __init__(self, start: datetime = NOW) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> Clock:
        self.moment += timedelta(seconds=seconds)
        return self


def close(practice: Practice, *networks: str) -> list[BatchSummary]:
    issue_october(practice, networks=networks)
    return [batches.close_batch(practice, code, NOW) for code in networks]


def point_to(practice: Practice, url: str, *networks: str, token: str = TOKEN) -> None:
    for code in networks:
        network_endpoints.set_endpoint(practice.sessions, code, url, token)


def run(practice: Practice, clock: Clock, **kw: object) -> SyncReport:
    kw.setdefault("timeout", 5)
    return sync_now(practice, now=clock, **kw)  # type: ignore[arg-type]


def state(practice: Practice, batch: BatchSummary) -> BatchSummary:
    return batches.get_batch(practice.sessions, batch.id)


def assert_received_once(practice: Practice, receiver: Receiver, batch: BatchSummary) -> None:
    stored = receiver.store.get(batch.batch_id)
    assert stored is not None and stored.receipt.status == "recu"
    now = state(practice, batch)
    assert now.state == "recu" and now.receipt_id == stored.receipt.receipt_id
    assert now.received_at == stored.receipt.received_at
    assert receiver.store.data(batch.batch_id) == batches.batch_file(practice.sessions, batch.id)[1]
    assert receiver.store.created.count(batch.batch_id) == 1  # one reception: every other delivery got its receipt
    assert [p.name for p in receiver.store.folder(batch.batch_id).iterdir() if p.suffix == ".zip"] == [ZIP_NAME]


@pytest.fixture
def rpo(practice: Practice, receiver: Receiver) -> BatchSummary:
    (batch,) = close(practice, "RPO")
    point_to(practice, receiver.url, "RPO")
    return batch


def test_a_batch_is_sent_received_and_then_no_longer_waits(practice: Practice, receiver: Receiver,
                                                          rpo: BatchSummary) -> None:
    steps: list[tuple[int, int]] = []
    report = run(practice, Clock(), progress=lambda done, total: steps.append((done, total)))
    assert (report.received, report.rejected, report.failed, report.waiting) == (1, 0, 0, 0)
    assert steps == [(1, 1)] and report.outcomes[0].state == "recu"
    assert_received_once(practice, receiver, rpo)
    again = run(practice, Clock().advance(3600), check_status=False)
    assert again.outcomes == () and receiver.statuses() == [201]


def test_connection_refused_waits_with_backoff_then_is_delivered_once(practice: Practice,
                                                                      tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (batch,) = close(practice, "RPO")
    point_to(practice, f"http://127.0.0.1:{port}", "RPO")
    clock = Clock()
    report = run(practice, clock)
    assert (report.received, report.failed, report.waiting) == (0, 1, 1)
    assert "refusée" in report.errors[0]
    waiting = state(practice, batch)
    assert waiting.state == "prepare" and waiting.attempts == 1 and "refusée" in waiting.last_error
    assert waiting.next_attempt_at == NOW + timedelta(seconds=30)
    assert run(practice, clock.advance(20)).outcomes == ()  # not due yet: no attempt, no error
    assert state(practice, batch).attempts == 1
    with Receiver(tmp_path / "reseau", [TOKEN], trust_first_use=True, port=port) as receiver:
        report = run(practice, clock.advance(10))
        assert (report.received, report.failed, report.waiting) == (1, 0, 0)
        assert_received_once(practice, receiver, batch)
        assert state(practice, batch).attempts == 2 and state(practice, batch).last_error == ""


def test_a_time_out_is_retried_and_gets_the_first_receipt(practice: Practice, receiver: Receiver,
                                                         rpo: BatchSummary) -> None:
    receiver.faults.delay_next(1, 2.0)  # stores the batch, then answers too late
    clock = Clock()
    report = run(practice, clock, timeout=0.5)
    assert report.failed == 1 and "pas de réponse" in report.errors[0]
    first = receiver.store.get(rpo.batch_id)
    assert first is not None  # stored although the client gave up
    report = run(practice, clock.advance(30))
    assert report.received == 1
    assert state(practice, rpo).receipt_id == first.receipt.receipt_id
    assert_received_once(practice, receiver, rpo)


def test_a_time_out_before_the_server_stored_anything(practice: Practice, receiver: Receiver,
                                                     rpo: BatchSummary) -> None:
    receiver.faults.delay_next(1, 1.5, before_store=True)
    clock = Clock()
    assert run(practice, clock, timeout=0.5).failed == 1
    assert run(practice, clock.advance(30)).received == 1  # may overtake the late first request: still once
    assert_received_once(practice, receiver, rpo)


def test_two_server_errors_then_success(practice: Practice, receiver: Receiver, rpo: BatchSummary) -> None:
    receiver.faults.fail_next(2, status=500)
    clock = Clock()
    first = run(practice, clock)
    assert first.failed == 1 and "HTTP 500" in first.errors[0]
    assert state(practice, rpo).next_attempt_at == NOW + timedelta(seconds=30)
    second = run(practice, clock.advance(30))
    assert second.failed == 1
    assert state(practice, rpo).next_attempt_at == clock() + timedelta(seconds=60)
    assert run(practice, clock.advance(59)).outcomes == ()
    third = run(practice, clock.advance(1))
    assert third.received == 1 and receiver.statuses() == [500, 500, 201]
    assert_received_once(practice, receiver, rpo)
    assert state(practice, rpo).attempts == 3


def test_a_response_lost_after_the_server_stored_the_batch(practice: Practice, receiver: Receiver,
                                                          rpo: BatchSummary) -> None:
    receiver.faults.drop_next(1)
    clock = Clock()
    lost = run(practice, clock)
    assert lost.failed == 1 and "interrompue" in lost.errors[0]
    assert state(practice, rpo).state == "prepare"
    stored = receiver.store.get(rpo.batch_id)
    assert stored is not None
    report = run(practice, clock.advance(30))
    assert report.received == 1 and receiver.statuses() == [0, 200]  # 0: dropped without an answer
    assert state(practice, rpo).receipt_id == stored.receipt.receipt_id
    assert receiver.store.batch_ids() == [rpo.batch_id]


def test_two_sync_runs_at_once_deliver_each_batch_once(practice: Practice, receiver: Receiver,
                                                      data_dir: Path) -> None:
    both = close(practice, "RPO", "RPM")
    point_to(practice, receiver.url, "RPO", "RPM")
    other = open_with_passphrase(data_dir, STRONG_PASSPHRASE)  # another window, or `cocon sync` meanwhile
    reports: list[SyncReport] = []
    crashes: list[str] = []

    def sync_in_thread(opened: Practice) -> None:
        try:
            reports.append(run(opened, Clock(), timeout=20))
        except Exception as exc:  # reported below, with its message
            crashes.append(repr(exc))

    try:
        threads = [threading.Thread(target=sync_in_thread, args=(p,)) for p in (practice, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other.close()
    assert crashes == []
    assert len(reports) == 2 and all(r.failed == 0 and r.rejected == 0 for r in reports)
    assert sorted(receiver.statuses()).count(201) == 2
    for batch in both:
        stored = receiver.store.get(batch.batch_id)
        assert stored is not None and state(practice, batch).receipt_id == stored.receipt.receipt_id
    assert sorted(receiver.store.batch_ids()) == sorted(b.batch_id for b in both)


def test_a_tampered_batch_is_rejected_with_the_networks_reason(practice: Practice, receiver: Receiver,
                                                              rpo: BatchSummary) -> None:
    _name, original = batches.batch_file(practice.sessions, rpo.id)
    with practice.engine.begin() as connection:  # the stored file altered behind the program's back
        connection.execute(text("DROP TRIGGER batch_file_no_update"))
        connection.execute(text("UPDATE batch SET zip = :zip WHERE id = :id"),
                           {"zip": tamper(original, next(iter(_pdf_members(original)))), "id": rpo.id})
    report = run(practice, Clock())
    assert (report.received, report.rejected, report.waiting) == (0, 1, 0)
    stored = receiver.store.get(rpo.batch_id)
    assert stored is not None and stored.rejected_on_receipt and stored.receipt.reason
    rejected = state(practice, rpo)
    assert rejected.state == "rejete" and rejected.reason == stored.receipt.reason
    assert report.outcomes[0].message == stored.receipt.reason
    assert batches.pending_documents(practice.sessions, "RPO")  # its invoices can go into a new batch


def _pdf_members(data: bytes) -> list[str]:
    import io
    import zipfile

    return [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith(".pdf")]


def test_tls_with_a_self_signed_server_certificate(practice: Practice, tmp_path: Path) -> None:
    cert, key = tls_certificate(tmp_path)
    (batch,) = close(practice, "RPO")
    with Receiver(tmp_path / "reseau", [TOKEN], trust_first_use=True, tls_cert=cert, tls_key=key) as secure:
        point_to(practice, secure.url, "RPO")
        clock = Clock()
        untrusted = run(practice, clock)
        assert untrusted.failed == 1 and "certificat" in untrusted.errors[0]
        assert run(practice, clock.advance(30), verify=str(cert)).received == 1
        assert_received_once(practice, secure, batch)


def test_the_networks_stored_server_certificate_is_trusted_for_its_sends_and_status(practice: Practice,
                                                                                   tmp_path: Path) -> None:
    cert, key = tls_certificate(tmp_path)
    (tmp_path / "autre").mkdir()
    other, _ = tls_certificate(tmp_path / "autre")  # another server's certificate
    (batch,) = close(practice, "RPO")
    with Receiver(tmp_path / "reseau", [TOKEN], trust_first_use=True, tls_cert=cert, tls_key=key) as secure:
        point_to(practice, secure.url, "RPO")
        clock = Clock()
        untrusted = run(practice, clock)  # the system's authorities do not know this server: the batch waits
        assert untrusted.failed == 1 and untrusted.waiting == 1 and "certificat" in untrusted.errors[0]
        assert secure.store.batch_ids() == []
        network_endpoints.set_endpoint(practice.sessions, "RPO", secure.url, None, cert.read_text())
        explicit = run(practice, clock.advance(30), verify=str(other))  # an explicit --ca-file still wins
        assert explicit.failed == 1 and "certificat" in explicit.errors[0] and secure.store.batch_ids() == []
        report = run(practice, clock.advance(120))  # verify left at its default: the stored certificate
        assert report.received == 1 and report.waiting == 0 and report.errors == ()
        assert_received_once(practice, secure, batch)
        secure.store.set_status(batch.batch_id, "paye")
        assert run(practice, clock.advance(86400)).paid == 1  # the status check goes through TLS too
        assert state(practice, batch).state == "paye" and secure.statuses("GET") == [200]


def test_no_address_configured_waits_without_counting_attempts(practice: Practice, receiver: Receiver) -> None:
    (batch,) = close(practice, "RPM")
    expected = ("Aucune adresse de réception pour le réseau RPM : le lot attend. Donnez-la dans Paramètres › "
                "Réseaux, ou exportez le lot pour le remettre au réseau.")
    clock = Clock()
    for _ in range(3):
        report = run(practice, clock)
        assert report.failed == 1 and report.waiting == 1 and report.errors == (expected,)
        waiting = state(practice, batch)
        assert waiting.attempts == 0 and waiting.last_error == expected
        assert waiting.next_attempt_at == clock() + timedelta(seconds=30)  # never more: no attempt counted
        clock.advance(30)
    assert receiver.exchanges == []
    point_to(practice, receiver.url, "RPM")
    assert run(practice, clock).received == 1


def test_a_refused_token_waits_and_is_never_stored_in_the_error(practice: Practice, receiver: Receiver,
                                                              rpo: BatchSummary) -> None:
    point_to(practice, receiver.url, "RPO", token="jeton-perime-42")
    report = run(practice, Clock())
    assert report.failed == 1 and "jeton" in report.errors[0]
    assert "jeton-perime-42" not in state(practice, rpo).last_error + " ".join(report.errors)
    assert receiver.store.batch_ids() == []


def test_the_network_reports_a_batch_paid_then_another_rejected(practice: Practice, receiver: Receiver) -> None:
    rpo, rpm = close(practice, "RPO", "RPM")
    point_to(practice, receiver.url, "RPO", "RPM")
    clock = Clock()
    assert run(practice, clock).received == 2
    receiver.store.set_status(rpo.batch_id, "paye")
    receiver.store.set_status(rpm.batch_id, "rejete", "Facture FAC-2026-0004 : enfant sorti du parcours.")
    report = run(practice, clock.advance(86400))
    assert report.paid == 1 and report.rejected == 1 and report.received == 0
    assert state(practice, rpo).state == "paye"
    assert (state(practice, rpm).state, state(practice, rpm).reason) == (
        "rejete", "Facture FAC-2026-0004 : enfant sorti du parcours.")
    assert receiver.statuses("GET") == [200, 200]
    assert run(practice, clock.advance(60)).outcomes == ()  # nothing left to ask about


def test_a_run_can_be_cancelled_between_batches(practice: Practice, receiver: Receiver) -> None:
    close(practice, "RPO", "RPM")
    point_to(practice, receiver.url, "RPO", "RPM")
    seen: list[tuple[int, int]] = []
    report = run(practice, Clock(), progress=lambda d, t: seen.append((d, t)), cancel=lambda: len(seen) >= 1)
    assert report.cancelled and report.received == 1 and report.waiting == 1 and seen == [(1, 2)]
    assert run(practice, Clock()).received == 1
