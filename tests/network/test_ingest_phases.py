"""The two-phase reception (issue 21, part G) on a real PostgreSQL with real signed batches: the receipt once the
manifest's signature, the members' SHA-256 and actes.csv hold; every PDF's signature verified after it, in the
verification pool; a fault then rejects the batch, which GET says with its code and French reason; a restarted
server verifies again what was left « en_cours »; the console decides nothing and pays nothing of a batch not yet
verified."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

import httpx
from sqlalchemy import func, select, update

from cocon_exchange.batch_format import MANIFEST_NAME, SIGNATURE_NAME
from cocon_exchange.manifest_signature import simple_manifest_signer
from cocon_exchange.protocol import SHA256_HEADER, sha256_hex
from cocon_network.server import payments
from cocon_network.server.app import ServerState
from cocon_network.server.config import Settings
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.ingest import _store_or_reject
from cocon_network.server.models import (
    DOC_ACCEPTED,
    ROLE_COORDINATOR,
    VERIFY_PENDING,
    Act,
    Batch,
    ControlFlag,
    Document,
)
from cocon_network.server.verify_pool import precheck, verify
from tests.network.api_server import RunningServer, convention, running_server, wait_verified
from tests.network.console_support import add_user, app_for, csrf_of, login, schema
from tests.network_samples import sample_certificate, signed_batch
from tests.sync_samples import make_batch

BROKEN = "documents/FAC-2026-0001.pdf"


def broken_pdf_signature(data: bytes, member: str = BROKEN) -> bytes:
    """The batch with one PDF altered under its PAdES signature (its header says 1.6), the manifest given that
    PDF's new SHA-256 and signed again with the practice's own key: every check before the receipt holds, the
    PDF's signature does not."""
    source = zipfile.ZipFile(io.BytesIO(data))
    contents = {info.filename: source.read(info) for info in source.infolist()}
    pdf = contents[member]
    assert pdf.startswith(b"%PDF-1.")
    contents[member] = pdf[:7] + (b"6" if pdf[7:8] != b"6" else b"5") + pdf[8:]
    manifest = json.loads(contents[MANIFEST_NAME])
    for document in manifest["documents"]:
        if document["file"] == member:
            document["sha256"] = sha256_hex(contents[member])
    contents[MANIFEST_NAME] = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    certificate, key = sample_certificate()
    contents[SIGNATURE_NAME] = simple_manifest_signer(certificate, key)(contents[MANIFEST_NAME])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, contents[info.filename])
    return out.getvalue()


def put(server: RunningServer, token: str, batch_id: str, data: bytes) -> httpx.Response:
    return httpx.put(f"{server.url}/batches/{batch_id}", content=data, timeout=120, headers={
        "Authorization": f"Bearer {token}", SHA256_HEADER: sha256_hex(data)})


def get(server: RunningServer, token: str, batch_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{server.url}/batches/{batch_id}", headers={"Authorization": f"Bearer {token}"},
                       timeout=30)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def rows(server_engine: Any, model: type, batch_id: str) -> int:
    with transaction(session_factory(server_engine)) as session:
        column = model.batch_id if model is not Act else Document.batch_id
        statement = select(func.count()).select_from(model)
        if model is Act:
            statement = statement.join(Document, Document.id == Act.document_id)
        return int(session.scalar(statement.where(column == batch_id)) or 0)


def test_the_broken_sample_passes_the_checks_before_the_receipt_only() -> None:
    batch = make_batch()
    broken = broken_pdf_signature(batch.data)
    early = precheck(batch.batch_id, broken)
    assert early.ok and not early.complete and [d.number for d in early.documents] == ["FAC-2026-0001",
                                                                                        "FAC-2026-0002"]
    assert all(d.facturx_xml == "" and d.signature_status == "" for d in early.documents)
    full = verify(batch.batch_id, broken)
    assert full.fault_code == "batch_pdf_signature_invalid" and "FAC-2026-0001" in full.fault_reason
    good = precheck(batch.batch_id, batch.data)
    assert good.ok and len(good.acts) == len(verify(batch.batch_id, batch.data).acts)
    # what must still fail before the receipt: a PDF that no longer matches the signed manifest
    from tests.sync_samples import tamper

    assert precheck(batch.batch_id, tamper(batch.data)).fault_code == "batch_pdf_hash_mismatch"


def test_a_broken_pdf_signature_is_received_then_rejected(postgres_url: str) -> None:
    with running_server(postgres_url, verify_processes=1) as server:
        practice = convention(server.engine)
        batch = make_batch()
        broken = broken_pdf_signature(batch.data)
        pool = server.app.state.verify_pool
        busy = pool._executor.submit(time.sleep, 2)  # the pool's only process is busy: the receipt cannot wait
        answer = put(server, practice.token, batch.batch_id, broken)
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "recu" and answer.json()["highest"] == {"FAC-2026": 2}
        assert not busy.done()  # answered before any verification of its PDFs could run
        with transaction(session_factory(server.engine)) as session:
            assert session.scalar(select(Batch.verification).where(Batch.batch_id == batch.batch_id)) == \
                VERIFY_PENDING
        assert get(server, practice.token, batch.batch_id)["status"] == "recu"

        assert wait_verified(server.engine, batch.batch_id) == "echec"
        status = get(server, practice.token, batch.batch_id)
        assert status["status"] == "rejete" and status["code"] == "batch_pdf_signature_invalid"
        assert "FAC-2026-0001" in status["reason"] and "signature" in status["reason"]
        assert status["highest"] == {}
        assert (rows(server.engine, Document, batch.batch_id), rows(server.engine, Act, batch.batch_id),
                rows(server.engine, ControlFlag, batch.batch_id)) == (0, 0, 0)
        again = put(server, practice.token, batch.batch_id, broken)  # the same bytes: the same verdict
        assert again.status_code == 422 and again.json() == status
        # its numbers were never kept: the corrected batch carrying them again is received and verified
        corrected = make_batch()
        assert put(server, practice.token, corrected.batch_id, corrected.data).status_code == 201
        assert wait_verified(server.engine, corrected.batch_id) == "verifie"
        assert get(server, practice.token, corrected.batch_id)["highest"] == {"FAC-2026": 2}


def _store_unverified(url: str, data_pairs: list[tuple[str, bytes]]) -> tuple[Any, int]:
    """What a server stopped between the receipts and the verdicts leaves: the batches stored « en_cours »."""
    engine = schema(url)
    practice = convention(engine)
    state = ServerState(Settings(database_url=url), engine, session_factory(engine))
    for batch_id, data in data_pairs:
        checked = precheck(batch_id, data)
        assert checked.ok, checked.fault_reason
        assert _store_or_reject(state, practice.therapist_id, batch_id, data, checked)
    return engine, practice.therapist_id


def test_a_restarted_server_verifies_what_was_left_en_cours(postgres_url: str) -> None:
    good = signed_batch(numbers=("FAC-2026-0001", "FAC-2026-0002"))
    broken = broken_pdf_signature(signed_batch(numbers=("FAC-2026-0003",)).data, "documents/FAC-2026-0003.pdf")
    bad_id = json.loads(zipfile.ZipFile(io.BytesIO(broken)).read(MANIFEST_NAME))["batch_id"]
    engine, _therapist = _store_unverified(postgres_url, [(good.batch_id, good.data), (bad_id, broken)])
    with transaction(session_factory(engine)) as session:
        assert set(session.scalars(select(Batch.verification))) == {VERIFY_PENDING}
        assert session.scalar(select(func.count()).select_from(Document).where(Document.facturx_xml != "")) == 0
    engine.dispose()
    with running_server(postgres_url, verify_processes=1) as server:  # the restart: nothing was asked of it
        assert wait_verified(server.engine, good.batch_id) == "verifie"
        assert wait_verified(server.engine, bad_id) == "echec"
        with transaction(session_factory(server.engine)) as session:
            documents = session.scalars(select(Document).where(Document.batch_id == good.batch_id)).all()
            assert len(documents) == 2 and all("<ram:ID>" in d.facturx_xml for d in documents)
            assert all(d.signature_status.startswith("Signature PAdES valide") for d in documents)
            rejected = session.get(Batch, bad_id)
            assert rejected is not None and rejected.status == "rejete"
            assert rejected.reject_code == "batch_pdf_signature_invalid"


def test_the_console_decides_and_pays_nothing_of_a_batch_not_verified(postgres_url: str) -> None:
    from starlette.testclient import TestClient

    batch = make_batch()
    engine, _therapist = _store_unverified(postgres_url, [(batch.batch_id, batch.data)])
    add_user(engine, "claire", ROLE_COORDINATOR)
    with transaction(session_factory(engine)) as session:
        document_id = session.scalar(select(Document.id).where(Document.batch_id == batch.batch_id)
                                     .order_by(Document.id).limit(1))
    client = TestClient(app_for(engine, postgres_url))  # no lifespan: nothing verifies it meanwhile
    assert login(client, "claire").status_code == 303
    inbox = client.get("/console/lots")
    assert "Vérification en cours" in inbox.text
    page = client.get(f"/console/lots/{batch.batch_id}")
    assert "Vérification en cours" in page.text and "sans signalement" not in page.text
    refused = client.post(f"/console/lots/{batch.batch_id}/accepter", data={"csrf": csrf_of(page.text)},
                          follow_redirects=True)
    assert refused.status_code == 200 and "La vérification de ce lot est en cours" in refused.text
    document_page = client.get(f"/console/documents/{document_id}")
    assert "Vérification des signatures du lot en cours" in document_page.text  # no decision offered meanwhile
    assert "Accepter le document" not in document_page.text and "Motif du rejet" not in document_page.text
    answer = client.post(f"/console/documents/{document_id}/decision",
                         data={"csrf": csrf_of(document_page.text), "decision": "accepter", "motif": ""})
    assert answer.status_code == 400 and "La vérification de ce lot est en cours" in answer.text
    with transaction(session_factory(engine)) as session:
        assert set(session.scalars(select(Document.status).where(Document.batch_id == batch.batch_id))) == \
            {"recu"}
        # even an accepted document (forced here) is not paid while its batch is not verified
        session.execute(update(Document).where(Document.batch_id == batch.batch_id).values(status=DOC_ACCEPTED))
    with transaction(session_factory(engine)) as session:
        assert payments.payable_invoice_ids(session) == [] and payments.payable(session) == []
        session.execute(update(Batch).values(verification="verifie"))
    with transaction(session_factory(engine)) as session:
        assert len(payments.payable_invoice_ids(session)) == 2
    engine.dispose()
