"""What keeps 20 uploads at once fast (issue 21, part G2): the batch's file stored without a compression attempt,
the verifications after the receipts and below them in CPU priority, the checks one upload at a time."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from sqlalchemy import text

from cocon_network.server.db import init_schema, make_engine
from cocon_network.server.verify_pool import VerifyPool


def test_the_batch_file_is_stored_without_compression(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        init_schema(engine)
        with engine.connect() as connection:
            storage = connection.execute(text(
                "SELECT attstorage FROM pg_attribute WHERE attrelid = 'batch'::regclass AND attname = 'data'"))
            assert storage.scalar_one() == "e"  # EXTERNAL: out of line, never pglz-compressed
    finally:
        engine.dispose()


def test_a_verification_waits_while_a_receipt_is_due() -> None:
    async def scenario() -> None:
        pool = VerifyPool(0)
        try:
            await asyncio.wait_for(pool.no_receipt_due(), 1)  # none due: at once
            pool.receipt_due(True)
            pool.receipt_due(True)
            waiting = asyncio.create_task(pool.no_receipt_due())
            await asyncio.sleep(0.2)
            pool.receipt_due(False)
            await asyncio.sleep(0.2)
            assert not waiting.done()  # one receipt still due
            pool.receipt_due(False)
            await asyncio.wait_for(waiting, 1)
            pool.receipt_due(True)  # a receipt that never ends holds a verification back `longest` at most
            began = time.monotonic()
            await pool.no_receipt_due(longest=0.3)
            assert 0.25 < time.monotonic() - began < 2
        finally:
            pool.close()

    asyncio.run(scenario())


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux only")
def test_the_verification_processes_take_only_idle_cpu() -> None:
    pool = VerifyPool(1)
    try:
        policy = pool._executor.submit(os.sched_getscheduler, 0).result(timeout=60)
        niceness = pool._executor.submit(os.nice, 0).result(timeout=60)
    finally:
        pool.close()
    assert policy == os.SCHED_IDLE
    assert niceness >= os.nice(0) + 10


def test_beyond_the_held_batches_a_batch_is_read_again_for_its_verification(postgres_url: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A flood of uploads faster than their verifications keeps no batch's bytes in memory past HELD_BATCHES: the
    verification reads the batch again from the database when its turn comes, and still concludes."""
    import httpx

    from cocon_exchange.protocol import SHA256_HEADER, sha256_hex
    from cocon_network.server import ingest_verify
    from tests.network.api_server import convention, running_server, wait_verified
    from tests.sync_samples import make_batch

    reads: list[str] = []
    stored_data = ingest_verify._stored_data

    def counted(state: object, batch_id: str) -> bytes | None:
        reads.append(batch_id)
        return stored_data(state, batch_id)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest_verify, "HELD_BATCHES", 0)  # every batch beyond « none held »
    monkeypatch.setattr(ingest_verify, "_stored_data", counted)
    with running_server(postgres_url) as server:
        practice = convention(server.engine)
        batch = make_batch()
        answer = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, timeout=60, headers={
            "Authorization": f"Bearer {practice.token}", SHA256_HEADER: sha256_hex(batch.data)})
        assert answer.status_code == 201, answer.text
        assert wait_verified(server.engine, batch.batch_id) == "verifie"
    assert reads == [batch.batch_id]  # not handed over from the request: read again
