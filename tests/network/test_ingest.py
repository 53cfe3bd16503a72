"""Ingest in detail: what the verification process reads out of a batch, the race of two deliveries of one batch
id across processes (the primary key decides), part D's controls run after a new batch, a 100-document batch
timed through uvicorn on PostgreSQL, and the trial mode on SQLite."""

from __future__ import annotations

import io
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from cocon_exchange.protocol import SHA256_HEADER, sha256_hex
from cocon_network.server.app import ServerState
from cocon_network.server.config import Settings
from cocon_network.server.db import init_schema, make_engine, session_factory, transaction
from cocon_network.server.ingest import _store_or_reject
from cocon_network.server.models import Act, Batch, Document
from cocon_network.server.verify_pool import _plain, cents, series_of, verify
from tests.network.api_server import convention, running_server, wait_verified
from tests.network_samples import signed_batch
from tests.sync_samples import make_batch, tamper


def test_the_verification_reads_documents_and_acts_out_of_a_real_batch() -> None:
    batch = make_batch()
    verification = verify(batch.batch_id, batch.data)
    assert verification.ok and verification.siret == "91234567500017" and verification.network == "RPM"
    assert [d.number for d in verification.documents] == ["FAC-2026-0001", "FAC-2026-0002"]
    assert verification.total_cents == sum(d.amount_cents for d in verification.documents)
    assert sum(a.amount_cents for a in verification.acts) == verification.total_cents
    assert {a.document for a in verification.acts} == {"FAC-2026-0001", "FAC-2026-0002"}
    assert all(d.facturx_xml.startswith("<?xml") for d in verification.documents)
    assert verification.signer_fingerprint and len(verification.signer_pem) > 100
    wrong_id = verify("autre-numero", batch.data)
    assert wrong_id.fault_code == "batch_id_mismatch" and "autre-numero" in wrong_id.fault_reason
    damaged = verify(batch.batch_id, tamper(batch.data))
    assert not damaged.ok and damaged.fault_code == "batch_pdf_hash_mismatch" and damaged.documents == ()
    assert verify(batch.batch_id, b"pas un zip").fault_code == "batch_not_zip"


def test_small_readers() -> None:
    assert (cents("-40.00"), cents("1365.5"), cents("0.01")) == (-4000, 136550, 1)
    assert series_of("FAC-2026-0023") == ("FAC-2026", 23) and series_of("F2026-7") == ("", 0)
    assert (_plain("'=1+1"), _plain("'-A"), _plain("'Apostrophe"), _plain("AB")) == ("=1+1", "-A", "'Apostrophe",
                                                                                     "AB")


def test_a_delivery_that_lost_the_race_answers_as_the_duplicate(postgres_url: str) -> None:
    """Two workers (two processes: no shared lock) store the same batch id: the second hits the primary key."""
    engine = make_engine(postgres_url)
    init_schema(engine)
    practice = convention(engine)
    state = ServerState(Settings(database_url=postgres_url), engine, session_factory(engine))
    batch = make_batch()
    verification = verify(batch.batch_id, batch.data)
    assert _store_or_reject(state, practice.therapist_id, batch.batch_id, batch.data, verification) is True
    assert _store_or_reject(state, practice.therapist_id, batch.batch_id, batch.data, verification) is False
    with transaction(state.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Batch)) == 1
        assert session.scalar(select(func.count()).select_from(Document)) == 2
    engine.dispose()


def test_the_controls_run_once_after_a_new_batch(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from cocon_network.server import controls

    calls: list[str] = []
    monkeypatch.setattr(controls, "run_controls", lambda session, batch_id: calls.append(batch_id))
    with running_server(postgres_url) as server:
        practice = convention(server.engine)
        batch, bad = make_batch(), make_batch()
        headers = {"Authorization": f"Bearer {practice.token}", SHA256_HEADER: sha256_hex(batch.data)}
        for _ in range(2):
            httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, headers=headers, timeout=60)
        damaged = tamper(bad.data)
        httpx.put(f"{server.url}/batches/{bad.batch_id}", content=damaged, timeout=60,
                  headers={**headers, SHA256_HEADER: sha256_hex(damaged)})
        assert wait_verified(server.engine, batch.batch_id) == "verifie"  # the controls follow the verification
    assert calls == [batch.batch_id]


def test_a_hundred_document_batch_is_ingested_in_one_upload(postgres_url: str) -> None:
    numbers = tuple(f"FAC-2026-{n:04d}" for n in range(1, 101))
    batch = signed_batch(numbers=numbers)
    with running_server(postgres_url, verify_processes=2) as server:
        practice = convention(server.engine)
        warm = signed_batch(numbers=("FAC-2026-0101",))  # the pool's processes have imported pyHanko
        httpx.put(f"{server.url}/batches/{warm.batch_id}", content=warm.data, timeout=120,
                  headers={"Authorization": f"Bearer {practice.token}", SHA256_HEADER: sha256_hex(warm.data)})
        headers = {"Authorization": f"Bearer {practice.token}", SHA256_HEADER: sha256_hex(batch.data)}
        started = time.perf_counter()
        answer = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, headers=headers, timeout=120)
        elapsed = time.perf_counter() - started
        assert answer.status_code == 201, answer.text
        assert answer.json()["highest"] == {"FAC-2026": 101}
        with transaction(session_factory(server.engine)) as session:
            stored = select(func.count()).select_from(Document).where(Document.batch_id == batch.batch_id)
            assert session.scalar(stored) == 100
            assert session.scalar(select(func.count()).select_from(Act)) == 202
    print(f"\n100-document batch ({len(batch.data) / 1e6:.1f} MB) ingested in {elapsed:.2f} s")


def test_the_trial_mode_on_sqlite(tmp_path: Path) -> None:
    with running_server(f"sqlite:///{tmp_path / 'essai.sqlite3'}", verify_processes=0) as server:
        practice = convention(server.engine)
        batch = make_batch()
        headers = {"Authorization": f"Bearer {practice.token}", SHA256_HEADER: sha256_hex(batch.data)}
        first = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, headers=headers, timeout=60)
        assert first.status_code == 201, first.text
        again = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, headers=headers, timeout=60)
        assert again.status_code == 200 and again.json() == first.json()
        status = httpx.get(f"{server.url}/batches/{batch.batch_id}", headers=headers, timeout=30).json()
        assert status["received_at"] == first.json()["received_at"] and status["highest"] == {"FAC-2026": 2}


@pytest.mark.parametrize("text", [b"<48656c6c6f>", b"<48 65\n6c6C 6f>", b"<486>", b"<>", b"<48%c\n65>",
                                  b"<48zz>", b"<4865", b"<" + b"ab" * 40000 + b">"])
def test_the_fast_hex_reader_reads_as_pyhanko_does(text: bytes) -> None:
    from pyhanko.pdf_utils import generic

    from cocon_network.server.verify_speedups import _fast_reader

    original = generic.read_hex_string_from_stream
    fast = _fast_reader(original, generic.pdf_string)

    def outcome(reader: object) -> tuple[object, int]:
        stream = io.BytesIO(b"x" + text + b" tail")
        stream.seek(1)
        try:
            value: object = reader(stream)  # type: ignore[operator]
        except Exception as error:
            value = type(error)
        return value, stream.tell()

    assert outcome(fast) == outcome(original)


def test_an_application_that_never_verifies_starts_no_process(postgres_url: str) -> None:
    """The console's tests (and a console-only instance) pay nothing for the verification pool."""
    from starlette.testclient import TestClient

    from cocon_network.server.app import create_app

    engine = make_engine(postgres_url)
    init_schema(engine)
    app = create_app(Settings(database_url=postgres_url, verify_processes=2), engine=engine)
    with TestClient(app) as client:
        assert client.get("/batches/inconnu").status_code == 401
        assert app.state.verify_pool._executor._processes == {}
    assert app.state.verify_pool is None
    engine.dispose()
