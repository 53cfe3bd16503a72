"""A real signed batch sent over HTTP, accepted, paid by a run and executed: the practice's next status answer
(GET /batches/{id}, what its sync reads) says « paye » for the batch and each invoice."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from cocon_exchange.protocol import SHA256_HEADER, Receipt, sha256_hex
from cocon_network.server import payments, sepa
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.decisions import accept_document
from cocon_network.server.models import Document
from tests.network.api_server import Practice, RunningServer, convention, running_server, wait_verified
from tests.network.payment_samples import EXECUTION, SETTINGS
from tests.sync_samples import make_batch


@pytest.fixture
def server(postgres_url: str) -> Iterator[RunningServer]:
    with running_server(postgres_url) as running:
        yield running


@pytest.fixture
def practice(server: RunningServer) -> Practice:
    return convention(server.engine)


def status(server: RunningServer, token: str, batch_id: str) -> Receipt:
    answer = httpx.get(f"{server.url}/batches/{batch_id}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return Receipt.from_json(answer.json())


def test_an_executed_run_reaches_the_practice_as_paid(server: RunningServer, practice: Practice) -> None:
    batch = make_batch()
    sent = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, timeout=60, headers={
        "Authorization": f"Bearer {practice.token}", "Content-Type": "application/zip",
        SHA256_HEADER: sha256_hex(batch.data)})
    assert sent.status_code == 201, sent.text
    assert wait_verified(server.engine, batch.batch_id) == "verifie"  # decisions wait for the PDFs' verification
    factory = session_factory(server.engine)
    with transaction(factory) as session:
        ids = list(session.scalars(select(Document.id).where(Document.batch_id == batch.batch_id)
                                   .order_by(Document.id)))
        for document_id in ids:
            accept_document(session, document_id, None)
    assert {d.status for d in status(server, practice.token, batch.batch_id).documents} == {"accepte"}
    with transaction(factory) as session:
        created = payments.create_run(session, SETTINGS, ids, EXECUTION)
        assert sepa.validation_errors(created.run.sepa_xml) == []
        run_id = created.run.id
    before = status(server, practice.token, batch.batch_id)
    assert before.status == "recu" and {d.status for d in before.documents} == {"accepte"}  # not executed yet
    with transaction(factory) as session:
        payments.execute_run(session, run_id)
    after = status(server, practice.token, batch.batch_id)
    assert after.status == "paye"
    assert [(d.number, d.status) for d in after.documents] == [("FAC-2026-0001", "paye"), ("FAC-2026-0002", "paye")]
