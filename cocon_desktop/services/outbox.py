"""The outbox: batches waiting to be pushed to their network, their attempts (each one written BEFORE the
request, so that a kill in the middle is seen at the next start), the backoff after a failure, and what the
network answered: a receipt, a rejection, or later a status (paid, rejected)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.db.engine import IMMEDIATE
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Batch, OutboxEntry
from cocon_desktop.services import network_endpoints, outbox_errors
from cocon_desktop.services.batches import record_documents_event, utc
from cocon_desktop.services.document_decisions import DecisionCounts, record_decisions
from cocon_desktop.services.outbox_errors import OutboxError, outbox_error
from cocon_exchange.protocol import DocumentDecision

FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)
NETWORK_STATUSES = ("recu", "rejete", "paye")


@dataclass(frozen=True)
class OutboxItem:
    batch_pk: int
    batch_id: str
    network: str
    attempts: int
    state: str = ""  # the batch's (services/batches.STATES)


def backoff(attempts: int) -> timedelta:
    """30 s after the first failed attempt, then 60 s, 120 s… never more than an hour."""
    exponent = max(attempts, 1) - 1
    if exponent >= 7:  # 30 s × 2^7 > 1 h already: no huge powers
        return MAX_DELAY
    delay: timedelta = FIRST_DELAY * (2 ** exponent)
    return min(delay, MAX_DELAY)


def _items(sessions: sessionmaker[Session], now: datetime | None) -> list[OutboxItem]:
    statement = (select(Batch.id, Batch.batch_id, Batch.network, OutboxEntry.attempts, Batch.state)
                 .join(OutboxEntry, OutboxEntry.batch_pk == Batch.id)
                 .where(OutboxEntry.delivered_at.is_(None))
                 .order_by(OutboxEntry.next_attempt_at, Batch.id))
    if now is not None:
        statement = statement.where(OutboxEntry.next_attempt_at <= utc(now))
    with sessions() as session:
        return [OutboxItem(pk, batch_id, network, attempts, state) for pk, batch_id, network, attempts, state
                in session.execute(statement)]


def due(sessions: sessionmaker[Session], now: datetime) -> list[OutboxItem]:
    """Batches not delivered whose next attempt is due, the longest waiting first."""
    return _items(sessions, now)


def waiting(sessions: sessionmaker[Session]) -> list[OutboxItem]:
    """Batches not delivered, whatever the time of their next attempt."""
    return _items(sessions, None)


def due_with_address(sessions: sessionmaker[Session], now: datetime) -> bool:
    """Is a batch due for a network that has an address? (The window's automatic sending runs only then: without
    one, it would only repeat that the address is missing.)"""
    networks = {item.network for item in due(sessions, now)}
    return any(network_endpoints.endpoint(sessions, network) is not None for network in networks)


def _rows(session: Session, batch_pk: int) -> tuple[Batch, OutboxEntry]:
    """The batch and its outbox entry, read for writing: the transaction begins IMMEDIATE, so that two senders
    (the window and `cocon sync`) take turns instead of one failing with "database is locked" on upgrade."""
    session.connection(execution_options={IMMEDIATE: True})
    batch = session.get(Batch, batch_pk)
    entry = session.scalar(select(OutboxEntry).where(OutboxEntry.batch_pk == batch_pk))
    if batch is None or entry is None:
        raise CoconError("batch_not_found", id=batch_pk)
    return batch, entry


def mark_attempt(sessions: sessionmaker[Session], batch_pk: int, now: datetime) -> None:
    """Count an attempt, committed before the request is made."""
    with sessions.begin() as session:
        _, entry = _rows(session, batch_pk)
        entry.attempts += 1
        entry.last_attempt_at = utc(now)


def record_failure(sessions: sessionmaker[Session], batch_pk: int, now: datetime, error: OutboxError) -> datetime:
    """The attempt failed (offline, time-out, server error): keep the error, schedule the next attempt."""
    moment = utc(now)
    with sessions.begin() as session:
        _, entry = _rows(session, batch_pk)
        entry.last_error = outbox_errors.stored(error)
        entry.next_attempt_at = moment + backoff(entry.attempts)
        return utc(entry.next_attempt_at)


def _deliver(entry: OutboxEntry, moment: datetime, error: OutboxError | None = None) -> None:
    if entry.delivered_at is None:
        entry.delivered_at = moment
    entry.last_error = outbox_errors.stored(error)


def _receive(session: Session, batch: Batch, entry: OutboxEntry, receipt_id: str, received_at: datetime | None,
             moment: datetime) -> None:
    if batch.state == "rejete":  # a rejected batch's documents may already be in another batch: stays rejected
        return
    if batch.state in ("prepare", "exporte", "envoye"):  # exporte, envoye: its documents are already "sent"
        kind = "sent" if batch.state == "prepare" else "received"
        record_documents_event(session, batch.id, kind, f"lot {batch.batch_id} reçu par le réseau", moment)
        batch.state = "recu"
    if receipt_id and not batch.receipt_id:
        batch.receipt_id = receipt_id
    if batch.received_at is None:
        batch.received_at = utc(received_at or moment)
    batch.updated_at = moment
    _deliver(entry, moment)


def _reject(session: Session, batch: Batch, entry: OutboxEntry, reason: str, moment: datetime) -> None:
    if batch.state == "rejete":
        return
    batch.state = "rejete"
    batch.reason = reason
    batch.updated_at = moment
    record_documents_event(session, batch.id, "rejected", reason, moment)
    _deliver(entry, moment, outbox_error("network_reason", reason=reason))


def record_receipt(sessions: sessionmaker[Session], batch_pk: int, receipt_id: str, received_at: datetime,
                   now: datetime, decisions: Sequence[DocumentDecision] = ()) -> DecisionCounts:
    """The network acknowledged the batch: `recu`, receipt stored, out of the outbox, its documents "sent", and the
    network's decision on each document it names (services/document_decisions.py). A second receipt for the same
    batch (a duplicate delivery) changes nothing."""
    with sessions.begin() as session:
        batch, entry = _rows(session, batch_pk)
        _receive(session, batch, entry, receipt_id, received_at, utc(now))
        return record_decisions(session, batch, decisions, received_at, utc(now))


def record_rejection(sessions: sessionmaker[Session], batch_pk: int, reason: str, now: datetime) -> None:
    """The network refused the batch: `rejete` with its reason, out of the outbox; its documents are "rejected"
    and become pending again (they can go into a new batch)."""
    with sessions.begin() as session:
        batch, entry = _rows(session, batch_pk)
        _reject(session, batch, entry, reason, utc(now))


def record_network_status(sessions: sessionmaker[Session], batch_pk: int, status: str, reason: str,
                          now: datetime, decisions: Sequence[DocumentDecision] = ()) -> DecisionCounts:
    """What the network reports later about a batch: "recu", "rejete" (with its reason) or "paye", and its
    decision on each document it names (services/document_decisions.py), dated `now`."""
    if status not in NETWORK_STATUSES:
        raise CoconError("batch_status_unknown", status=status)
    moment = utc(now)
    with sessions.begin() as session:
        batch, entry = _rows(session, batch_pk)
        if status == "rejete":
            _reject(session, batch, entry, reason, moment)
            return DecisionCounts()
        _receive(session, batch, entry, "", None, moment)
        counts = record_decisions(session, batch, decisions, moment, moment)
        if status == "paye" and batch.state == "recu":
            batch.state = "paye"
            batch.updated_at = moment
        return counts
