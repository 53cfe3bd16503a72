"""Receiving one batch, in two phases: checked and stored before the receipt, fully verified after it.

    outcome = await ingest(state, pool, therapist_id, batch_id, data)   # -> Outcome(status, body)

    201  a new batch accepted (its receipt, status recu)     200  the same bytes again (the current receipt)
    422  rejected on receipt (its receipt, with code and reason; the same again gives 422 again)
    409  other bytes under a batch id already received

Phase one (verify_pool.precheck, in Starlette's thread pool, one upload at a time per worker in order of
arrival: ≈ 60 ms for 100 invoices): the ZIP, the manifest (schema, its signature and signer), every member's
SHA-256 against the signed manifest, actes.csv against it, then the network's admission (the token's practice,
its registered signer, the network, numbers not received before); the batch, its documents (COPY) and acts
stored in one transaction, « en_cours ». Phase two (ingest_verify.py, in the VerifyPool's processes at a lower
CPU priority, once no receipt of the worker is due): every PDF's signature and Factur-X data; a fault then
rejects the batch, which the practice reads at its next GET. The event loop only waits.
Within one process, deliveries of the same batch id wait for each other (one check, not twenty); across
processes the batch's primary key decides, and the loser answers as the duplicate."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from cocon_exchange.protocol import STATUS_REJECTED, sha256_hex
from cocon_network.server.db import transaction
from cocon_network.server.ingest_store import (
    admission_fault,
    find_batch,
    receipt_of,
    store_accepted,
    store_rejected,
)
from cocon_network.server.ingest_verify import schedule
from cocon_network.server.models import VERIFY_DONE, VERIFY_PENDING, Batch, Therapist
from cocon_network.server.verify_pool import precheck

if TYPE_CHECKING:
    from cocon_network.server.app import ServerState
    from cocon_network.server.verify_pool import Verification, VerifyPool

log = logging.getLogger(__name__)

T = TypeVar("T")

PRECHECK_SLOTS = 1  # uploads of one worker checked at once (the checks hold the GIL: more only share it)
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _precheck_slots() -> asyncio.Semaphore:
    """This event loop's semaphore (a first come, first served queue) before the checks: with 20 uploads at once,
    each checked in turn rather than all sharing the interpreter until the last — less switching between threads,
    receipts in order of arrival."""
    loop = asyncio.get_running_loop()
    slots = _SLOTS.get(loop)
    if slots is None:
        slots = _SLOTS[loop] = asyncio.Semaphore(PRECHECK_SLOTS)
    return slots


_LOCKS: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def _timed(stages: list[str], name: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` in a worker thread, its wall and CPU time (this thread's) noted in `stages`."""
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        return function(*args, **kwargs)
    finally:
        stages.append(f"{name} {time.perf_counter() - wall:.3f}/{time.thread_time() - cpu:.3f}")


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]


def _conflict(batch_id: str) -> Outcome:
    return Outcome(409, {"code": "conflict",
                         "reason": f"un autre fichier a déjà été reçu sous le numéro de lot {batch_id}"})


def _answer(state: ServerState, batch_id: str, therapist_id: int, digest: str, *, created: bool) -> Outcome | None:
    """The stored batch's answer (None when not stored): its receipt, or 409 for other bytes or another practice."""
    with transaction(state.sessions) as session:
        batch = find_batch(session, batch_id)
        if batch is None:
            return None
        if batch.sha256 != digest or batch.therapist_id != therapist_id:
            return _conflict(batch_id)
        body = receipt_of(session, batch).to_json()
        if batch.status == STATUS_REJECTED:
            return Outcome(422, body)
        return Outcome(201 if created else 200, body)


def _store(state: ServerState, therapist_id: int, batch_id: str, data: bytes,
           verification: Verification, digest: str | None = None) -> Batch:
    """One transaction: the batch rejected (the file's fault, or the network's checks), or accepted with its
    documents and acts. IntegrityError when a concurrent delivery stored the same batch id first."""
    with transaction(state.sessions) as session:
        therapist = session.get(Therapist, therapist_id)
        assert therapist is not None
        fault: tuple[str, str] | None = None
        if not verification.ok:
            fault = (verification.fault_code, verification.fault_reason)
        else:
            fault = admission_fault(session, therapist, verification, state.settings.network,
                                    state.settings.pathway)
        if fault is not None:
            return store_rejected(session, therapist_id, batch_id, data, *fault, digest=digest)
        return store_accepted(session, therapist, batch_id, data, verification,
                              state=VERIFY_DONE if verification.complete else VERIFY_PENDING, digest=digest)


def _store_or_reject(state: ServerState, therapist_id: int, batch_id: str, data: bytes,
                     verification: Verification, digest: str | None = None) -> bool:
    """True when this delivery stored the batch; False when another delivery of the same id did first."""
    try:
        _store(state, therapist_id, batch_id, data, verification, digest)
        return True
    except IntegrityError:
        with transaction(state.sessions) as session:
            if find_batch(session, batch_id) is not None:
                return False
    # a document number stored meanwhile by another batch of the practice: rejected, like any reused number
    with transaction(state.sessions) as session:
        store_rejected(session, therapist_id, batch_id, data, "document_already_received",
                       "un document de ce lot a été reçu entre-temps dans un autre lot : un numéro de facture "
                       "ne sert qu'une fois", digest=digest)
    return True


async def ingest(state: ServerState, pool: VerifyPool, therapist_id: int, batch_id: str,
                 data: bytes, *, digest: str | None = None) -> Outcome:
    """`digest`: the SHA-256 of `data` (hexadecimal) when the caller has it already (9 MB: 6 ms)."""
    pool.receipt_due(True)
    try:
        return await _ingest(state, pool, therapist_id, batch_id, data, digest or sha256_hex(data))
    finally:
        pool.receipt_due(False)


async def _ingest(state: ServerState, pool: VerifyPool, therapist_id: int, batch_id: str, data: bytes,
                  digest: str) -> Outcome:
    began = time.perf_counter()
    stages: list[str] = []  # each stage's wall/CPU seconds, logged at DEBUG (where an upload's time goes)
    lock = _LOCKS.get(batch_id)
    if lock is None:
        lock = _LOCKS.setdefault(batch_id, asyncio.Lock())
    async with lock:
        known = await run_in_threadpool(_timed, stages, "known", _answer, state, batch_id, therapist_id, digest,
                                        created=False)
        if known is not None:
            return known
        started = time.perf_counter()
        async with _precheck_slots():
            verification = await run_in_threadpool(_timed, stages, "precheck", precheck, batch_id, data)
        checked = time.perf_counter()
        created = await run_in_threadpool(_timed, stages, "store", _store_or_reject, state, therapist_id, batch_id,
                                          data, verification, digest)
        log.info("batch %s: %d documents, checked in %.2f s, stored in %.2f s", batch_id,
                 len(verification.documents), checked - started, time.perf_counter() - checked)
        answer = await run_in_threadpool(_timed, stages, "answer", _answer, state, batch_id, therapist_id, digest,
                                         created=created)
        assert answer is not None
        if answer.status == 201:
            schedule(state, pool, batch_id, data)
    log.debug("batch %s: ingest %.3f s (wall/CPU: %s)", batch_id, time.perf_counter() - began, ", ".join(stages))
    return answer


__all__ = ["Outcome", "current_receipt", "ingest"]


def current_receipt(state: ServerState, therapist_id: int, batch_id: str) -> dict[str, Any] | None:
    """GET's answer: the batch's current receipt, None when this practice sent no such batch."""
    with transaction(state.sessions) as session:
        batch = find_batch(session, batch_id)
        if batch is None or batch.therapist_id != therapist_id:
            return None
        return receipt_of(session, batch).to_json()
