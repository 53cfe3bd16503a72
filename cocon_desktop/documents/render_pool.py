"""Rendering, embedding and signing many invoices on every core (issue 20, #7).

One invoice costs ~50 ms of pure Python (reportlab ~19, Factur-X ~9, pyHanko ~22), all of it under the GIL: an
invoice run of 200 takes ten seconds on one core. `render_signed_many` spreads the invoices over worker processes
(one per core, at most 4) and yields the signed PDFs **in the order given**, so that the caller numbers and stores
them one after the other in its single transaction exactly as before (the numbering never depends on which worker
finished first). Below `POOL_MINIMUM` invoices, or on a one-core machine, it renders in this process: starting a
worker costs ~1 s of imports, more than it saves.

Workers are started with "spawn" (never "fork": the window's threads and Qt state must not be copied into a
child), turn core dumps off like the program (core_dumps.py) and receive the signing key through the pool's pipe —
never a file. Closing the generator (a cancelled run, an error while storing) cancels what is queued and stops
the workers. PKCS#11 tokens are not pooled: a card signs one document at a time in the process that opened it."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from cocon_desktop.documents.invoice_data import InvoiceData

POOL_MINIMUM = 12  # invoices; fewer are rendered in this process
MAX_WORKERS = 4
IN_FLIGHT_PER_WORKER = 3  # queued ahead of the one the caller waits for: keeps every core busy, memory bounded


def worker_count(invoices: int) -> int:
    """How many worker processes a run of `invoices` gets: 0 means render here."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if invoices < POOL_MINIMUM or cores < 2:
        return 0
    return min(cores, MAX_WORKERS)


def _start_worker() -> None:
    from cocon_desktop import core_dumps, third_party_warnings

    core_dumps.disable()
    third_party_warnings.silence()


def _render_one(data: InvoiceData, certificate_pem: bytes, private_key_der: bytes) -> bytes:
    from cocon_desktop.documents.signing import render_signed_invoice

    return render_signed_invoice(data, certificate_pem, private_key_der)


def render_signed_many(invoices: Sequence[InvoiceData], certificate_pem: bytes,
                       private_key_der: bytes) -> Generator[bytes, None, None]:
    """The signed PDF of each invoice, in order; on worker processes when the run is large enough."""
    workers = worker_count(len(invoices))
    if workers == 0:
        for data in invoices:
            yield _render_one(data, certificate_pem, private_key_der)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker)
    pending: list[Future[bytes]] = []
    try:
        ahead = workers * IN_FLIGHT_PER_WORKER
        following = iter(invoices)
        for data in following:
            pending.append(pool.submit(_render_one, data, certificate_pem, private_key_der))
            if len(pending) >= ahead:
                break
        while pending:
            pdf = pending.pop(0).result()
            for data in following:  # one more queued for each one taken
                pending.append(pool.submit(_render_one, data, certificate_pem, private_key_der))
                break
            yield pdf
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
