"""Phase two of receiving a batch, after its receipt: the full verification (every PDF's PAdES signature and
signer, its Factur-X data against the manifest) in the verification pool, whose processes run at a lower CPU
priority than the receipts; then the batch's verdict, in one transaction.

    schedule(state, pool, batch_id, data)   # from the request that stored the batch (answered 201 already)
    await resume_pending(state, pool)       # at the server's start: every batch still « en_cours », again
    conclude(state, batch_id, verification) -> bool    # the verdict and the controls; True when « verifie »
    await cancel_all(pool)                   # at shutdown: the unfinished stay « en_cours » for the next start

Verified: the documents get their Factur-X XML and signature status, the batch « verifie » and part D's controls,
in the same transaction — the console never shows a verified batch without its flags (a bulk accept of the
unflagged documents in between would accept what the controls were about to flag). The controls run in a
savepoint: a failing control is logged and never loses the verdict.
A fault: the batch becomes « rejete » with the fault's code and French reason, as if rejected on receipt — its
documents, acts and flags are removed (their numbers may come again in a corrected batch), the next GET answers
`rejete`. Only a batch still « en_cours » is concluded (its row locked): a verdict reached twice (two workers at
start) counts once. A verification that fails for the server's own reason (a process lost) leaves the batch
« en_cours »: verified again at the next start, nothing is lost."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import time
import weakref
from collections.abc import Collection
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, or_, select, text, update
from starlette.concurrency import run_in_threadpool

from cocon_exchange.protocol import STATUS_REJECTED, sha256_hex
from cocon_network.server.db import transaction
from cocon_network.server.models import VERIFY_DONE, VERIFY_FAILED, VERIFY_PENDING, Act, Batch, ControlFlag, Document

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cocon_network.server.app import ServerState
    from cocon_network.server.verify_pool import Verification, VerifyPool

log = logging.getLogger(__name__)

RESUME_LOCK = 2126_0003  # PostgreSQL advisory lock: one worker process resumes the unfinished verifications


def _run_controls(session: Session, batch_id: str, children: Collection[str] = ()) -> None:
    """Part D's controls in a savepoint of the verdict's transaction: those of the newly verified batch, or, for a
    batch rejected at its verification, those of every other batch holding acts of its `children` (flags raised
    against the acts it carried — the same child on the same day, the forfait used — hold no more)."""
    if importlib.util.find_spec("cocon_network.server.controls") is None:
        return
    from cocon_network.server import controls  # type: ignore[attr-defined, unused-ignore]

    try:
        with session.begin_nested():
            if children:
                controls.rerun_for_children(session, children)
            else:
                controls.run_controls(session, batch_id)
    except Exception:
        log.exception("batch %s: the controls failed", batch_id)


def conclude(state: ServerState, batch_id: str, verification: Verification) -> bool:
    with transaction(state.sessions) as session:
        batch = session.get(Batch, batch_id, with_for_update=True)
        if batch is None or batch.verification != VERIFY_PENDING:
            return False
        if verification.ok:
            ids = {number: document_id for number, document_id in session.execute(
                select(Document.number, Document.id).where(Document.batch_id == batch_id))}
            rows = [{"id": ids[d.number], "facturx_xml": d.facturx_xml, "signature_status": d.signature_status}
                    for d in verification.documents if d.number in ids]
            if rows:
                session.execute(update(Document), rows)
            batch.verification = VERIFY_DONE
            _run_controls(session, batch_id)
            return True
        documents = select(Document.id).where(Document.batch_id == batch_id)
        acts = select(Act.id).where(Act.document_id.in_(documents))
        children = set(session.scalars(select(Act.inclusion_number).where(Act.document_id.in_(documents))
                                       .distinct()))
        session.execute(delete(ControlFlag).where(or_(ControlFlag.batch_id == batch_id,
                                                      ControlFlag.document_id.in_(documents),
                                                      ControlFlag.act_id.in_(acts))))
        session.execute(delete(Act).where(Act.document_id.in_(documents)))
        session.execute(delete(Document).where(Document.batch_id == batch_id))
        batch.status, batch.verification = STATUS_REJECTED, VERIFY_FAILED
        batch.reject_code, batch.reject_reason = verification.fault_code[:64], verification.fault_reason
        log.warning("batch %s: rejected after its receipt (%s)", batch_id, verification.fault_code)
        if children:  # its acts no longer count against the other batches
            _run_controls(session, batch_id, children)
        return False


def _stored_data(state: ServerState, batch_id: str) -> bytes | None:
    with transaction(state.sessions) as session:
        batch = session.get(Batch, batch_id)
        if batch is None or batch.verification != VERIFY_PENDING:
            return None
        if sha256_hex(batch.data) != batch.sha256:  # the database's copy damaged: a person must look
            log.error("batch %s: its stored bytes differ from their SHA-256, left « en_cours »", batch_id)
            return None
        return bytes(batch.data)


async def _finish(state: ServerState, pool: VerifyPool, batch_id: str, data: bytes | None) -> None:
    if data is not None:
        await _verify(state, pool, batch_id, data)
        return
    async with _held_slots():
        await _verify(state, pool, batch_id, None)


async def _verify(state: ServerState, pool: VerifyPool, batch_id: str, data: bytes | None) -> None:
    try:
        if data is None:
            data = await run_in_threadpool(_stored_data, state, batch_id)
            if data is None:
                return
        await pool.no_receipt_due()  # the receipts in flight first (verify_pool.VerifyPool.no_receipt_due)
        started = time.perf_counter()
        verification = await pool.verify(batch_id, data)
        del data
        verified = await run_in_threadpool(conclude, state, batch_id, verification)
        log.info("batch %s: fully verified in %.2f s (%s)", batch_id, time.perf_counter() - started,
                 "verifie" if verified else verification.fault_code or "already concluded")
    except asyncio.CancelledError:
        raise
    except Exception:  # the batch stays « en_cours »: verified again at the next start
        log.exception("batch %s: the verification after the receipt failed", batch_id)


HELD_BATCHES = 8  # batches' bytes a worker keeps in memory for their verification (≈ 9 MB each for 100 invoices)
_HELD: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _held_slots() -> asyncio.Semaphore:
    """This event loop's limit on the batches read back from the database for their verification at once."""
    loop = asyncio.get_running_loop()
    slots = _HELD.get(loop)
    if slots is None:
        slots = _HELD[loop] = asyncio.Semaphore(max(HELD_BATCHES, 1))
    return slots


def schedule(state: ServerState, pool: VerifyPool, batch_id: str, data: bytes | None = None) -> asyncio.Task[None]:
    """The full verification of a stored batch, in the background of the running event loop. Beyond HELD_BATCHES
    waiting, a batch's bytes are not kept: it is read again from the database when its turn comes (a flood of
    uploads faster than the verifications then costs no memory per batch)."""
    if len(pool.tasks) >= HELD_BATCHES:
        data = None
    return _keep(pool, asyncio.get_running_loop().create_task(_finish(state, pool, batch_id, data)))


def _keep(pool: VerifyPool, task: asyncio.Task[None]) -> asyncio.Task[None]:
    """The pool holds its background tasks (an event loop keeps only weak references to them)."""
    pool.tasks.add(task)
    task.add_done_callback(pool.tasks.discard)
    return task


def _pending(state: ServerState) -> list[str]:
    with transaction(state.sessions) as session:
        return list(session.scalars(select(Batch.batch_id).where(Batch.verification == VERIFY_PENDING)
                                    .order_by(Batch.received_at, Batch.batch_id)))


async def resume_pending(state: ServerState, pool: VerifyPool) -> int:
    """Verify again every batch left « en_cours » (a server stopped before its verdict), a few at a time (each
    one's file is read from the database when its turn comes). On PostgreSQL one worker process does it (an
    advisory lock); the others find it taken and leave it. The number of batches resumed."""
    connection: Connection | None = None
    if state.engine.dialect.name == "postgresql":
        connection = await run_in_threadpool(state.engine.connect)
        if not await run_in_threadpool(_advisory, connection, "pg_try_advisory_lock"):
            await run_in_threadpool(connection.close)
            return 0
    try:
        batch_ids = await run_in_threadpool(_pending, state)
        if batch_ids:
            log.info("%d batch(es) received but not verified yet: verified now", len(batch_ids))
        slots = asyncio.Semaphore(max(pool.processes, 1) * 2)

        async def one(batch_id: str) -> None:
            async with slots:
                await _finish(state, pool, batch_id, None)

        await asyncio.gather(*(one(batch_id) for batch_id in batch_ids))
        return len(batch_ids)
    finally:
        if connection is not None:
            await run_in_threadpool(_advisory, connection, "pg_advisory_unlock")
            await run_in_threadpool(connection.close)


def _advisory(connection: Connection, function: str) -> bool:
    taken = bool(connection.execute(text(f"SELECT {function}(:key)"), {"key": RESUME_LOCK}).scalar())
    connection.commit()
    return taken


def start_resuming(state: ServerState, pool: VerifyPool) -> asyncio.Task[None]:
    async def resume() -> None:
        try:
            await resume_pending(state, pool)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the verification of the batches left « en_cours » failed")

    return _keep(pool, asyncio.get_running_loop().create_task(resume()))


async def cancel_all(pool: VerifyPool) -> None:
    tasks = list(pool.tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
