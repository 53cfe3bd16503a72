"""The sync API through a real uvicorn on 127.0.0.1, on a real PostgreSQL, with real signed batches: the answers of
the reference receiver (201, 200, 409, 401, 413, 400, 422), the signer pinning, the rows stored, the receipts."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select, update

from cocon_exchange.certificates import certificate_fingerprint
from cocon_exchange.protocol import SHA256_HEADER, Receipt, sha256_hex
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.document_pdf import pdf_of
from cocon_network.server.models import Act, ApiToken, Batch, Document
from tests.network.api_server import Practice, RunningServer, convention, running_server, wait_verified
from tests.network_samples import impostor_certificate, sample_certificate, signed_batch
from tests.sync_samples import make_batch, tamper

LIMIT = 2 * 1024 * 1024


@pytest.fixture
def server(postgres_url: str) -> Iterator[RunningServer]:
    with running_server(postgres_url, max_batch_bytes=LIMIT) as running:
        yield running


@pytest.fixture
def practice(server: RunningServer) -> Practice:
    return convention(server.engine)


def put(server: RunningServer, token: str, batch_id: str, data: bytes, *, digest: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/zip",
               SHA256_HEADER: sha256_hex(data) if digest is None else digest}
    return httpx.put(f"{server.url}/batches/{batch_id}", content=data, headers=headers, timeout=60)


def get(server: RunningServer, token: str, batch_id: str) -> httpx.Response:
    return httpx.get(f"{server.url}/batches/{batch_id}", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def count(server: RunningServer, model: type) -> int:
    with transaction(session_factory(server.engine)) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_batch_is_accepted_stored_as_rows_and_idempotent(server: RunningServer, practice: Practice) -> None:
    batch = make_batch()
    first = put(server, practice.token, batch.batch_id, batch.data)
    assert first.status_code == 201, first.text
    receipt = Receipt.from_json(first.json())
    assert (receipt.status, receipt.batch_id, receipt.sha256) == ("recu", batch.batch_id, sha256_hex(batch.data))
    assert receipt.highest == {"FAC-2026": 2}
    again = put(server, practice.token, batch.batch_id, batch.data)
    assert again.status_code == 200 and again.json() == first.json()
    assert wait_verified(server.engine, batch.batch_id) == "verifie"  # the PDFs verified after the receipt
    with transaction(session_factory(server.engine)) as session:
        stored = session.get(Batch, batch.batch_id)
        assert stored is not None and stored.data == batch.data and stored.siret == "91234567500017"
        documents = session.scalars(select(Document).order_by(Document.number)).all()
        assert [d.number for d in documents] == ["FAC-2026-0001", "FAC-2026-0002"]
        assert all(d.pdf == b"" for d in documents)  # each PDF stored once: in the batch's ZIP
        pdfs = [pdf_of(session, d.id) for d in documents]
        assert all(p is not None and sha256_hex(p[0]) == d.sha256 and p[0].startswith(b"%PDF")
                   for p, d in zip(pdfs, documents, strict=True))
        assert all(f"<ram:ID>{d.number}</ram:ID>" in d.facturx_xml for d in documents)
        assert all("Signature PAdES valide" in d.signature_status and "Camille Martin EI" in d.signature_status
                   for d in documents)
        assert [(d.series, d.sequence, d.kind, d.status) for d in documents] == [
            ("FAC-2026", 1, "invoice", "recu"), ("FAC-2026", 2, "invoice", "recu")]
        acts = session.scalars(select(Act).order_by(Act.document_id, Act.line)).all()
        assert len(acts) == 6 and {a.discipline for a in acts} == {"psychomotricite"}
        assert all(a.inclusion_number and a.initials for a in acts)
        assert stored.total_cents == sum(d.amount_cents for d in documents) == sum(a.amount_cents for a in acts) > 0
    assert count(server, Batch) == 1


def test_other_bytes_under_the_same_id_conflict(server: RunningServer, practice: Practice) -> None:
    batch = make_batch()
    assert put(server, practice.token, batch.batch_id, batch.data).status_code == 201
    other = make_batch(batch.batch_id)  # the same content signed again: other bytes (ECDSA)
    assert other.data != batch.data
    answer = put(server, practice.token, batch.batch_id, other.data)
    assert answer.status_code == 409 and answer.json()["code"] == "conflict"
    assert count(server, Batch) == 1


def test_tokens_unknown_missing_or_revoked_get_401(server: RunningServer, practice: Practice) -> None:
    batch = make_batch()
    assert put(server, "pas-un-jeton", batch.batch_id, batch.data).status_code == 401
    bare = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, timeout=30)
    assert bare.status_code == 401 and bare.json()["reason"] == "jeton d'accès absent ou refusé"
    with transaction(session_factory(server.engine)) as session:
        session.execute(update(ApiToken).values(revoked_at=func.now()))
    assert put(server, practice.token, batch.batch_id, batch.data).status_code == 401
    assert get(server, practice.token, batch.batch_id).status_code == 401
    assert count(server, Batch) == 0


def test_too_large_and_damaged_uploads_store_nothing(server: RunningServer, practice: Practice) -> None:
    batch = make_batch()
    big = put(server, practice.token, batch.batch_id, batch.data + b"\0" * LIMIT)
    assert big.status_code == 413 and big.json()["code"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds on what is read
        for _ in range(LIMIT // 65536 + 2):
            yield b"\0" * 65536

    streamed = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=chunks(), timeout=30,
                         headers={"Authorization": f"Bearer {practice.token}", SHA256_HEADER: "0" * 64})
    assert streamed.status_code == 413
    mismatch = put(server, practice.token, batch.batch_id, batch.data, digest="0" * 64)
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "sha256_mismatch"
    missing = put(server, practice.token, batch.batch_id, batch.data, digest="")
    assert missing.status_code == 400 and missing.json()["code"] == "sha256_missing"
    assert put(server, practice.token, "../etc", batch.data).status_code == 404
    assert count(server, Batch) == 0
    assert put(server, practice.token, batch.batch_id, batch.data).status_code == 201


def test_a_tampered_batch_is_rejected_stored_and_rejected_again(server: RunningServer, practice: Practice) -> None:
    batch = make_batch()
    damaged = tamper(batch.data)
    answer = put(server, practice.token, batch.batch_id, damaged)
    assert answer.status_code == 422
    body = answer.json()
    assert body["status"] == "rejete" and body["code"] == "batch_pdf_hash_mismatch" and body["reason"]
    assert body["highest"] == {}
    assert put(server, practice.token, batch.batch_id, damaged).json() == body  # the same answer again
    assert put(server, practice.token, batch.batch_id, damaged).status_code == 422
    assert get(server, practice.token, batch.batch_id).json()["status"] == "rejete"
    assert (count(server, Batch), count(server, Document)) == (1, 0)


def test_the_signer_must_be_registered_for_the_tokens_practice(server: RunningServer, practice: Practice) -> None:
    impostor = signed_batch(impostor_certificate())
    answer = put(server, practice.token, impostor.batch_id, impostor.data)
    assert answer.status_code == 422 and answer.json()["code"] == "signer_not_registered"
    fingerprint = certificate_fingerprint(impostor_certificate()[0])
    assert fingerprint[:2].upper() in answer.json()["reason"]
    # a therapist with no certificate registered, and a batch in another practice's name
    bare = convention(server.engine, siret="73282932000074", name="Sans certificat", with_certificate=False)
    batch = make_batch()
    refused = put(server, bare.token, batch.batch_id, batch.data)
    assert refused.status_code == 422 and refused.json()["code"] == "practice_unregistered"
    assert "91234567500017" in refused.json()["reason"] and "73282932000074" in refused.json()["reason"]
    other = convention(server.engine, siret="35600000000048", name="Autre", certificate=sample_certificate()[0])
    batch = make_batch()
    refused = put(server, other.token, batch.batch_id, batch.data)
    assert refused.status_code == 422 and refused.json()["code"] == "practice_unregistered"
    assert count(server, Document) == 0


def test_a_batch_outside_the_convention_is_refused(server: RunningServer, practice: Practice) -> None:
    from datetime import date

    from cocon_network.server.models import Therapist

    def convention_dates(start: date, end: date | None) -> None:
        with transaction(session_factory(server.engine)) as session:
            session.execute(update(Therapist).where(Therapist.id == practice.therapist_id)
                            .values(convention_start=start, convention_end=end))

    convention_dates(date(2026, 1, 1), date(2026, 10, 31))  # ended before November's care
    late = signed_batch(numbers=("FAC-2026-0001",))
    answer = put(server, practice.token, late.batch_id, late.data)
    assert answer.status_code == 422 and answer.json()["code"] == "convention_ended"
    assert "a pris fin le 31/10/2026" in answer.json()["reason"] and "du 01/11/2026 au 30/11/2026" in \
        answer.json()["reason"]
    convention_dates(date(2026, 12, 1), None)  # not yet begun
    early = signed_batch(numbers=("FAC-2026-0001",))
    answer = put(server, practice.token, early.batch_id, early.data)
    assert answer.status_code == 422 and answer.json()["code"] == "convention_not_started"
    convention_dates(date(2026, 1, 1), date(2026, 11, 15))  # ended during the month: its care is still billed
    inside = signed_batch(numbers=("FAC-2026-0001",))
    assert put(server, practice.token, inside.batch_id, inside.data).status_code == 201
    assert count(server, Document) == 1


def test_a_document_number_is_received_once(server: RunningServer, practice: Practice) -> None:
    first = signed_batch(numbers=("FAC-2026-0001", "FAC-2026-0002"))
    assert put(server, practice.token, first.batch_id, first.data).status_code == 201
    reused = signed_batch(numbers=("FAC-2026-0002", "FAC-2026-0003"))
    answer = put(server, practice.token, reused.batch_id, reused.data)
    assert answer.status_code == 422 and answer.json()["code"] == "document_already_received"
    assert "FAC-2026-0002" in answer.json()["reason"]
    later = signed_batch(numbers=("FAC-2026-0003",))
    receipt = put(server, practice.token, later.batch_id, later.data).json()
    assert receipt["highest"] == {"FAC-2026": 3}
    assert get(server, practice.token, first.batch_id).json()["highest"] == {"FAC-2026": 3}


def test_the_status_answer_carries_decisions_and_paid(server: RunningServer, practice: Practice) -> None:
    batch = make_batch()
    assert get(server, practice.token, batch.batch_id).status_code == 404
    assert put(server, practice.token, batch.batch_id, batch.data).status_code == 201
    other = convention(server.engine, siret="73282932000074", name="Autre")
    assert get(server, other.token, batch.batch_id).status_code == 404  # another practice's batch
    status = get(server, practice.token, batch.batch_id).json()
    assert status["status"] == "recu" and "documents" not in status
    sessions = session_factory(server.engine)
    with transaction(sessions) as session:
        session.execute(update(Document).where(Document.number == "FAC-2026-0001")
                        .values(status="rejete", decision_reason="Acte hors des dates d'inclusion."))
        session.execute(update(Document).where(Document.number == "FAC-2026-0002").values(status="paye"))
    receipt = Receipt.from_json(get(server, practice.token, batch.batch_id).json())
    assert receipt.status == "recu"
    assert [(d.number, d.status, d.reason) for d in receipt.documents] == [
        ("FAC-2026-0001", "rejete", "Acte hors des dates d'inclusion."), ("FAC-2026-0002", "paye", "")]
    with transaction(sessions) as session:
        session.execute(update(Document).values(status="paye", decision_reason=""))
    paid = Receipt.from_json(get(server, practice.token, batch.batch_id).json())
    assert paid.status == "paye" and {d.status for d in paid.documents} == {"paye"}


def test_twenty_concurrent_uploads_of_one_batch_make_one_row(server: RunningServer, practice: Practice) -> None:
    batch = make_batch()
    statuses: list[int] = []
    bodies: list[dict[str, object]] = []
    start = threading.Barrier(20)

    def send() -> None:
        start.wait()
        answer = put(server, practice.token, batch.batch_id, batch.data)
        statuses.append(answer.status_code)
        bodies.append(answer.json())

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [200] * 19 + [201]
    assert all(body == bodies[0] for body in bodies)
    assert (count(server, Batch), count(server, Document)) == (1, 2)


def test_the_desktops_own_client_sends_and_reads_the_state(server: RunningServer, practice: Practice) -> None:
    from cocon_desktop.sync.client import fetch_status, push_batch
    from cocon_exchange.protocol import AuthRejectedError, BatchRejectedError

    batch = make_batch()
    receipt = push_batch(server.url, practice.token, batch.batch_id, batch.data)
    assert receipt.status == "recu" and receipt.highest == {"FAC-2026": 2}
    assert push_batch(server.url, practice.token, batch.batch_id, batch.data) == receipt
    assert fetch_status(server.url, practice.token, batch.batch_id).receipt_id == receipt.receipt_id
    with pytest.raises(AuthRejectedError):
        push_batch(server.url, "faux", batch.batch_id, batch.data)
    with pytest.raises(BatchRejectedError) as rejected:
        push_batch(server.url, practice.token, batch.batch_id, make_batch(batch.batch_id).data)
    assert rejected.value.reject_code == "conflict"
