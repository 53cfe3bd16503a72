"""One sync run: push every batch waiting in the outbox to its network, then ask the network about batches it
has received (paid? rejected later?). Called by `cocon sync` and by the Synchronisation page (in a worker).

Whatever happens, a batch is never lost nor received twice: the attempt is recorded before the request (a kill
mid-send leaves it waiting), the receiver is idempotent by batch id (the same bytes again give the first
receipt back), and only a receipt or a rejection takes a batch out of the outbox.

Each receipt and status answer says the highest document number the network holds for this practice, per series
(issue 19, #1): the run stores it (services/network_witness.py) and, when a network holds a number the database
does not have (an older copy of the database was put back), says so in the report (`behind`). A network none of
whose batches was sent or asked about in the run is asked about its latest delivered batch, for that witness."""

from __future__ import annotations

import functools
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import messages
from cocon_desktop.errors import CoconError
from cocon_desktop.services import batches, network_endpoints, network_witness, number_witness, outbox
from cocon_desktop.services.changes import HANDLE, Changes, writes
from cocon_desktop.services.document_decisions import DecisionCounts
from cocon_desktop.services.network_endpoints import Endpoint
from cocon_desktop.services.outbox_errors import OutboxError, error_of, outbox_error
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.sync import client
from cocon_exchange.protocol import (
    STATUS_PAID,
    STATUS_RECEIVED,
    STATUS_REJECTED,
    AuthRejectedError,
    BatchRejectedError,
    Receipt,
    TransientSendError,
)

log = logging.getLogger(__name__)

WAITING = "attente"  # outcome of a batch that stays in the outbox


@dataclass(frozen=True)
class BatchOutcome:
    """What this run did for one batch: `state` is recu, rejete, paye or attente; `message` is French."""

    batch_pk: int
    batch_id: str
    network: str
    state: str
    message: str
    receipt_id: str = ""
    next_attempt_at: datetime | None = None


@dataclass(frozen=True)
class SyncReport:
    received: int
    rejected: int
    failed: int
    waiting: int  # batches still in the outbox after the run (failed now, or not due yet)
    errors: tuple[str, ...]
    outcomes: tuple[BatchOutcome, ...] = ()
    paid: int = 0  # batches the network reported paid during this run
    cancelled: bool = False
    behind: tuple[network_witness.Behind, ...] = ()  # series where a network holds a number the database lacks
    behind_networks: tuple[str, ...] = ()  # the networks that said so
    refused_documents: int = 0  # invoices the network rejected one by one during this run (issue 21, #5)
    paid_documents: int = 0  # invoices the network reported paid during this run (issue 21, #6)

    @property
    def warnings(self) -> tuple[str, ...]:
        """The French sentences of `behind` (the database was rolled back: numbers must not be issued again)."""
        return tuple(messages.text("sync_network_ahead", {
            "networks": ", ".join(self.behind_networks), "number": f"{b.series}-{b.network_highest:04d}",
            "last": f"{b.series}-{b.database_highest:04d}" if b.database_highest else "aucun numéro de cette série"})
            for b in self.behind)


def decided_text(decided: DecisionCounts) -> str:
    """« 1 facture rejetée par le réseau : émettez un avoir puis une facture corrigée. 2 factures payées par le
    réseau. » ("" when nothing was decided)."""
    return " ".join(messages.text(code, {"count": count}) for code, count in (
        ("sync_documents_refused", decided.refused), ("sync_documents_paid", decided.paid)) if count)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Run:
    def __init__(self, practice: Practice, now: Callable[[], datetime], verify: bool | str, timeout: float,
                 transport: httpx.BaseTransport | None) -> None:
        self.sessions = practice.sessions
        self.now = now
        self.verify = verify
        self.timeout = timeout
        self.transport = transport
        self.outcomes: list[BatchOutcome] = []
        self.errors: list[str] = []
        self.answered: set[str] = set()  # the networks whose answer carried their numbering witness
        self.decided = DecisionCounts()  # what the networks decided on single documents
        self._endpoints: dict[str, Endpoint | None] = {}

    def endpoint(self, network: str) -> Endpoint | None:
        if network not in self._endpoints:
            try:
                self._endpoints[network] = network_endpoints.endpoint(self.sessions, network)
            except CoconError as exc:  # a network code unknown to this version
                log.warning("endpoint of %s: %s", network, exc.code)
                self._endpoints[network] = None
        return self._endpoints[network]

    def verify_for(self, point: Endpoint) -> bool | str | ssl.SSLContext:
        """An explicit `verify` (`--ca-file`, or False) wins; else the network's own server certificate, if any."""
        if self.verify is not True or not point.server_ca:
            return self.verify
        try:
            return ssl.create_default_context(cadata=point.server_ca)
        except (ssl.SSLError, ValueError) as exc:  # stored by another version, or damaged: the send waits
            raise CoconError("send_server_ca_unreadable", detail=str(exc)) from None

    def wait(self, item: outbox.OutboxItem, error: OutboxError) -> None:
        """The batch stays in the outbox: the error is stored (a code), the next attempt delayed (by the attempts
        made); the report says it in French."""
        next_at = outbox.record_failure(self.sessions, item.batch_pk, self.now(), error)
        sentence = messages.text(error.code, error.params)
        self.errors.append(sentence)
        self.outcomes.append(BatchOutcome(item.batch_pk, item.batch_id, item.network, WAITING, sentence,
                                          next_attempt_at=next_at))

    def push(self, item: outbox.OutboxItem) -> None:
        point = self.endpoint(item.network)
        if point is None and item.state == batches.EXPORTED:
            return  # exported, handed over by hand: nothing to wait for, no « Aucune adresse… » on its row again
        if point is None:  # waits for the settings: the error is kept, no attempt counted (so no growing backoff)
            self.wait(item, outbox_error("sync_no_endpoint", network=item.network))
            return
        outbox.mark_attempt(self.sessions, item.batch_pk, self.now())  # before the request: survives a kill
        _name, data = batches.batch_file(self.sessions, item.batch_pk)
        try:
            receipt = client.push_batch(point.url, point.token, item.batch_id, data, timeout=self.timeout,
                                        verify=self.verify_for(point), transport=self.transport)
        except BatchRejectedError as exc:
            outbox.record_rejection(self.sessions, item.batch_pk, exc.reason, self.now())
            self.outcomes.append(BatchOutcome(item.batch_pk, item.batch_id, item.network, STATUS_REJECTED,
                                              exc.reason))
            return
        except (TransientSendError, AuthRejectedError) as exc:
            self.wait(item, error_of(exc))
            return
        except CoconError as exc:  # the stored URL became invalid for this version
            self.wait(item, error_of(exc))
            return
        self.receipt(item.batch_pk, item.batch_id, item.network, receipt)

    def witness(self, network: str, receipt: Receipt) -> None:
        """Keep what the network says it holds for this practice (issue 19, #1)."""
        self.answered.add(network)
        if receipt.highest:
            network_witness.record_network_highest(self.sessions, network, receipt.highest)

    def receipt(self, batch_pk: int, batch_id: str, network: str, receipt: Receipt) -> None:
        decided = outbox.record_receipt(self.sessions, batch_pk, receipt.receipt_id, receipt.received_at,
                                        self.now(), receipt.documents)
        self.decided += decided
        self.witness(network, receipt)
        state = receipt.status
        if state in (STATUS_PAID, STATUS_REJECTED):
            outbox.record_network_status(self.sessions, batch_pk, state, receipt.reason, self.now())
        message = receipt.reason if state == STATUS_REJECTED else decided_text(decided)
        self.outcomes.append(BatchOutcome(batch_pk, batch_id, network, state, message,
                                          receipt_id=receipt.receipt_id))

    def check_status(self, summary: batches.BatchSummary) -> None:
        point = self.endpoint(summary.network)
        if point is None:
            return
        try:
            receipt = client.fetch_status(point.url, point.token, summary.batch_id, timeout=self.timeout,
                                          verify=self.verify_for(point), transport=self.transport)
        except CoconError as exc:  # not fatal: the state is asked again at the next run
            log.info("status of batch %s: %s", summary.batch_id, exc.code)
            return
        self.witness(summary.network, receipt)
        if summary.state != STATUS_RECEIVED:
            return
        if receipt.status in (STATUS_PAID, STATUS_REJECTED) or receipt.documents:
            decided = outbox.record_network_status(self.sessions, summary.id, receipt.status, receipt.reason,
                                                   self.now(), receipt.documents)
            self.decided += decided
            if receipt.status in (STATUS_PAID, STATUS_REJECTED) or decided.refused or decided.paid:
                message = receipt.reason if receipt.status == STATUS_REJECTED else decided_text(decided)
                self.outcomes.append(BatchOutcome(summary.id, summary.batch_id, summary.network, receipt.status,
                                                  message, receipt_id=receipt.receipt_id))


# batches received or rejected, their documents' states; the networks' numbering witness (a setting); the invoices a
# network reports paid (issue 21: a payment each, which the unpaid list and the dashboard's amounts show)
@writes(Changes.BATCHES | Changes.INVOICES | Changes.PAYMENTS | Changes.SETTINGS, takes=HANDLE)
def sync_now(practice: Practice, now: Callable[[], datetime] = _utc_now, verify: bool | str = True,
             timeout: float = 30, cancel: Callable[[], bool] | None = None,
             progress: Callable[[int, int], bool | None] | None = None, *, force: bool = False,
             check_status: bool = True, transport: httpx.BaseTransport | None = None) -> SyncReport:
    """Send what is due (with `force`: everything waiting, ignoring the backoff), then ask the network about
    the batches it has received. `cancel` is checked between batches; `progress(done, total)` after each (a
    services/progress.Progress: answering False stops the run there, as `cancel` does)."""
    run = _Run(practice, now, verify, timeout, transport)
    sessions = practice.sessions
    items = outbox.waiting(sessions) if force else outbox.due(sessions, now())
    pushed = {item.batch_pk for item in items}
    received = [b for b in batches.list_batches(sessions) if b.state == STATUS_RECEIVED and b.id not in pushed] \
        if check_status else []
    tasks: list[Callable[[], None]] = [functools.partial(run.push, item) for item in items]
    tasks += [functools.partial(run.check_status, summary) for summary in received]
    if check_status:  # a network with nothing to send nor to ask about: its latest delivered batch, as a witness
        asked = {item.network for item in items} | {summary.network for summary in received}
        tasks += [functools.partial(run.check_status, summary) for summary in _latest_delivered(sessions, asked)]
    cancelled = stop = False
    for done, task in enumerate(tasks, start=1):
        if stop or (cancel is not None and cancel()):
            cancelled = True
            break
        task()
        if progress is not None:
            stop = progress(done, len(tasks)) is False
    outcomes = tuple(run.outcomes)
    states = [o.state for o in outcomes if o.batch_pk in pushed]
    behind = network_witness.ahead_of_database(sessions) if run.answered else []
    if behind:  # a series the therapist confirmed resuming after the network's number is no longer behind
        resumed = number_witness.confirmed_resumes(sessions)
        behind = [b for b in behind if b.network_highest > resumed.get(b.series, 0)]
    said = network_witness.network_highest_by_network(sessions) if behind else {}
    behind_networks = sorted(network for network, highest in said.items()
                             if any(highest.get(b.series, 0) > b.database_highest for b in behind))
    return SyncReport(
        received=sum(s in (STATUS_RECEIVED, STATUS_PAID) for s in states),
        rejected=sum(o.state == STATUS_REJECTED for o in outcomes),
        failed=states.count(WAITING),
        waiting=sum(not (i.state == batches.EXPORTED and run.endpoint(i.network) is None)  # handed over by hand
                    for i in outbox.waiting(sessions)),
        errors=tuple(run.errors),
        outcomes=outcomes,
        paid=sum(o.state == STATUS_PAID for o in outcomes),
        cancelled=cancelled,
        behind=tuple(behind),
        behind_networks=tuple(behind_networks),
        refused_documents=run.decided.refused,
        paid_documents=run.decided.paid,
    )


def _latest_delivered(sessions: sessionmaker[Session], skip: set[str]) -> list[batches.BatchSummary]:
    """Per network not in `skip`, its most recent batch the network received (recu or paye)."""
    latest: dict[str, batches.BatchSummary] = {}
    for summary in batches.list_batches(sessions):  # the most recent first
        if summary.network not in skip and summary.state in (STATUS_RECEIVED, STATUS_PAID):
            latest.setdefault(summary.network, summary)
    return list(latest.values())
