"""The outbox on a real encrypted file: due and waiting items, attempts written before the request, the backoff
(30 s, 60 s… capped at one hour), and a restart that finds what was waiting."""

from __future__ import annotations

from datetime import timedelta

from cocon_desktop.services import batches, outbox
from cocon_desktop.services.outbox_errors import outbox_error
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from tests.conftest import STRONG_PASSPHRASE
from tests.db.batch_helpers import NOW, issue_october


def test_backoff_doubles_from_30_seconds_up_to_an_hour() -> None:
    delays = [outbox.backoff(n).total_seconds() for n in range(1, 12)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]
    assert outbox.backoff(0) == timedelta(seconds=30) and outbox.backoff(10_000) == timedelta(hours=1)


def test_failures_are_retried_later_and_survive_a_restart(practice: Practice) -> None:
    issue_october(practice)
    rpo = batches.close_batch(practice, "RPO", NOW)
    rpm = batches.close_batch(practice, "RPM", NOW + timedelta(seconds=1))
    assert outbox.due(practice.sessions, NOW) == [outbox.OutboxItem(rpo.id, rpo.batch_id, "RPO", 0, "prepare")]
    assert [i.batch_pk for i in outbox.due(practice.sessions, NOW + timedelta(seconds=1))] == [rpo.id, rpm.id]

    now = NOW
    expected_delays = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    for attempt, delay in enumerate(expected_delays, start=1):
        outbox.mark_attempt(practice.sessions, rpo.id, now)
        failed = outbox_error("send_transient", detail=f"HTTP 503 ({attempt})")
        next_at = outbox.record_failure(practice.sessions, rpo.id, now, failed)
        assert next_at == now + timedelta(seconds=delay)
        assert rpo.id not in [i.batch_pk for i in outbox.due(practice.sessions, next_at - timedelta(seconds=1))]
        assert rpo.id in [i.batch_pk for i in outbox.due(practice.sessions, next_at)]
        now = next_at
    got = batches.get_batch(practice.sessions, rpo.id)
    assert (got.attempts, got.error, got.last_attempt_at, got.state) == (
        9, outbox_error("send_transient", detail="HTTP 503 (9)"), now - timedelta(hours=1), "prepare")

    outbox.mark_attempt(practice.sessions, rpm.id, now)  # then the program is killed mid-request
    practice.close()
    again = open_with_passphrase(practice.data_dir, STRONG_PASSPHRASE)
    try:
        waiting = outbox.waiting(again.sessions)
        assert {(i.batch_pk, i.attempts) for i in waiting} == {(rpo.id, 9), (rpm.id, 1)}
        assert rpm.id in [i.batch_pk for i in outbox.due(again.sessions, now)]  # resumed at once
        outbox.record_receipt(again.sessions, rpm.id, "R-2", now, now)
        assert [i.batch_pk for i in outbox.waiting(again.sessions)] == [rpo.id]
        assert batches.get_batch(again.sessions, rpm.id).error is None
    finally:
        again.close()
