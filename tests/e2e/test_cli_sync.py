"""`cocon sync` from the shell against the real receiver: one French line per batch and a summary, exit 0/2/1,
and a `cocon sync` killed (SIGKILL) in the middle of a send, then started again: received exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches, network_endpoints
from cocon_desktop.services.batches import BatchSummary
from cocon_desktop.services.practice_handle import Practice, create_practice, open_with_passphrase
from cocon_network.receiver import Receiver
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.batch_helpers import NOW, issue_october
from tests.e2e.test_cli import COMMAND, ROOT, cocon
from tests.sync_samples import TOKEN

pytestmark = pytest.mark.slow  # a practice with a closed batch per test, then cocon sync processes: 2–4 s a test


@pytest.fixture
def closed(data_dir: Path, receiver: Receiver) -> BatchSummary:
    """A practice (closed again) with one RPO batch in the outbox, its endpoint the test receiver."""
    practice = create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    try:
        issue_october(practice, networks=("RPO",))
        batch = batches.close_batch(practice, "RPO", NOW)
        network_endpoints.set_endpoint(practice.sessions, "RPO", receiver.url, TOKEN)
    finally:
        practice.close()
    return batch


def sync(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", data_dir, "--passphrase-stdin", "sync", *args, stdin=f"{STRONG_PASSPHRASE}\n")


def reopen(data_dir: Path) -> Practice:
    return open_with_passphrase(data_dir, STRONG_PASSPHRASE)


def batch_state(data_dir: Path, batch: BatchSummary) -> BatchSummary:
    practice = reopen(data_dir)
    try:
        return batches.get_batch(practice.sessions, batch.id)
    finally:
        practice.close()


def test_sync_sends_then_has_nothing_left(data_dir: Path, receiver: Receiver, closed: BatchSummary) -> None:
    result = sync(data_dir)
    assert result.returncode == 0, result.stderr
    stored = receiver.store.get(closed.batch_id)
    assert stored is not None
    lines = result.stdout.splitlines()
    assert lines == [
        f"Lot {closed.batch_id} (RPO) : reçu par le réseau, accusé de réception {stored.receipt.receipt_id}.",
        "Synchronisation : 1 reçu, 0 rejeté, 0 en échec ; 0 lot encore en attente d'envoi.",
    ]
    assert batch_state(data_dir, closed).state == "recu"
    again = sync(data_dir)
    assert again.returncode == 0
    assert again.stdout.strip() == "Rien à envoyer : aucun lot n'attend dans la file d'envoi."


def test_sync_while_the_network_is_down_exits_2_and_keeps_the_batch(data_dir: Path, receiver: Receiver,
                                                                     closed: BatchSummary) -> None:
    receiver.stop()
    result = sync(data_dir)
    assert result.returncode == 2, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"Lot {closed.batch_id} (RPO) : en attente — Envoi impossible pour l'instant")
    assert "connexion refusée" in first and "Prochain essai automatique le " in first
    assert "1 en échec ; 1 lot encore en attente" in result.stdout
    waiting = batch_state(data_dir, closed)
    assert waiting.state == "prepare" and waiting.attempts == 1


def test_a_later_rejection_by_the_network_exits_1_with_its_reason(data_dir: Path, receiver: Receiver,
                                                                 closed: BatchSummary) -> None:
    assert sync(data_dir).returncode == 0
    reason = "Séance du 08/10/2026 hors de la période de prescription."
    receiver.store.set_status(closed.batch_id, "rejete", reason)
    result = sync(data_dir)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == f"Lot {closed.batch_id} (RPO) : rejeté par le réseau — {reason}"
    assert batch_state(data_dir, closed).reason == reason


@pytest.mark.parametrize("before_store", [False, True], ids=["killed-after-the-server-stored",
                                                             "killed-before-the-server-stored"])
def test_sync_killed_in_the_middle_of_a_send_then_started_again(data_dir: Path, receiver: Receiver,
                                                              closed: BatchSummary, before_store: bool) -> None:
    receiver.faults.delay_next(1, 20, before_store=before_store)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    process = subprocess.Popen([*COMMAND, "--data-dir", str(data_dir),
                                "--passphrase-stdin", "sync"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert process.stdin is not None
        process.stdin.write(f"{STRONG_PASSPHRASE}\n")
        process.stdin.close()
        assert receiver.faults.delaying.wait(30), "the request never reached the receiver"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()
    assert process.returncode == -signal.SIGKILL
    assert (receiver.store.get(closed.batch_id) is not None) is not before_store
    killed = batch_state(data_dir, closed)
    assert killed.state == "prepare" and killed.attempts == 1  # the attempt was written before the request

    result = sync(data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    stored = receiver.store.get(closed.batch_id)
    assert stored is not None and receiver.store.created == [closed.batch_id]
    final = batch_state(data_dir, closed)
    assert (final.state, final.receipt_id, final.attempts) == ("recu", stored.receipt.receipt_id, 2)
    answered = len(receiver.statuses())
    receiver.faults.released.set()  # let the killed request's thread end: still one reception
    deadline = time.monotonic() + 30
    while len(receiver.statuses()) == answered:  # it records its answer (to nobody) as it ends
        assert time.monotonic() < deadline, "the killed request's thread never ended"
        time.sleep(0.01)
    assert receiver.store.created == [closed.batch_id]
