"""The console's inbox, batch and document pages and the decisions, through HTTP on a real PostgreSQL with a real
signed batch stored by the server's ingest code."""

from __future__ import annotations

import json
from html import unescape

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from cocon_network.server.audit import verify_chain
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.models import AuditEntry, ControlFlag, Document
from tests.network.console_samples import StoredBatch, register_sample_practice, store_sample_batch
from tests.network.console_support import add_user, app_for, csrf_of, login, schema


@pytest.fixture
def engine(postgres_url: str):  # type: ignore[no-untyped-def]
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def stored(engine) -> StoredBatch:  # type: ignore[no-untyped-def]
    return store_sample_batch(engine, register_sample_practice(engine))


@pytest.fixture
def client(engine, postgres_url: str):  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    add_user(engine, "paul", "comptable")
    with TestClient(app_for(engine, postgres_url), base_url="http://127.0.0.1") as client:
        yield client


def test_inbox_lists_the_batch_with_its_figures(stored, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")
    page = client.get("/console/lots")
    text = unescape(page.text)
    assert page.status_code == 200
    assert "Camille Martin" in text and "novembre 2026" in text and "(2 en attente)" in text
    assert "Aucun signalement" in text
    assert f'href="/console/lots/{stored.batch_id}"' in page.text
    assert "Camille" not in unescape(client.get("/console/lots?statut=paye").text.split("<tbody>")[1])
    assert "Camille" in client.get("/console/lots?statut=a_traiter&therapeute=martin&mois=2026-11").text
    assert "Camille" not in client.get("/console/lots?mois=2026-10").text.split("<tbody>")[1]
    bad = client.get("/console/lots?mois=novembre")
    assert bad.status_code == 400 and 'id="mois-erreur"' in bad.text and "Mois non reconnu" in bad.text


def test_document_page_shows_pdf_facturx_acts_and_signature(engine, stored, client) -> None:  # type: ignore[no-untyped-def]
    from cocon_exchange.protocol import sha256_hex
    from cocon_network.server.document_pdf import pdf_of

    login(client, "claire")
    first = stored.document_ids[0]
    page = client.get(f"/console/documents/{first}")
    text = unescape(page.text)
    assert page.status_code == 200
    assert f'data="/console/documents/{first}/pdf#' in page.text and 'type="application/pdf"' in page.text
    assert "FAC-2026-0001" in text and "Facture (380)" in text and "RPM-2024-00123" in text
    assert "Total TTC (BT-112)" in text
    with transaction(session_factory(engine)) as db:
        document = db.get(Document, first)
        assert document is not None and document.signature_status
        assert document.signature_status in text
        found = pdf_of(db, first)  # stored once, in the batch's ZIP
        assert found is not None and sha256_hex(found[0]) == document.sha256
        pdf_bytes = found[0]
    pdf = client.get(f"/console/documents/{first}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline") and pdf.content == pdf_bytes
    assert client.get(f"/console/documents/{first}/pdf?telecharger=1").headers["content-disposition"] \
        .startswith("attachment")
    assert client.get("/console/documents/999999").status_code == 404


def test_reject_needs_a_reason_said_next_to_the_field(engine, stored, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")
    first = stored.document_ids[0]
    page = client.get(f"/console/documents/{first}")
    refused = client.post(f"/console/documents/{first}/decision",
                          data={"csrf": csrf_of(page.text), "decision": "rejeter", "motif": "   "})
    assert refused.status_code == 400
    error = refused.text.split('id="motif-erreur">')[1].split("</p>")[0]
    assert "Saisissez le motif du rejet" in unescape(error)
    assert 'aria-describedby="motif-erreur"' in refused.text
    with transaction(session_factory(engine)) as db:
        assert db.get(Document, first).status == "recu"  # type: ignore[union-attr]
        assert not db.scalars(select(AuditEntry).where(AuditEntry.action == "document_rejected")).all()


def test_reject_with_a_reason_then_accept_the_other(engine, stored, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")
    first, second = stored.document_ids
    page = client.get(f"/console/documents/{first}")
    reason = "Séance du 14/11 facturée deux fois : émettez un avoir."
    done = client.post(f"/console/documents/{first}/decision",
                       data={"csrf": csrf_of(page.text), "decision": "rejeter", "motif": reason},
                       follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(done.headers["location"])
    assert "Document FAC-2026-0001 rejeté" in unescape(shown.text) and reason in unescape(shown.text)
    assert "Rejeter le document" not in shown.text  # final
    again = client.post(f"/console/documents/{first}/decision",
                        data={"csrf": csrf_of(shown.text), "decision": "accepter"})
    assert again.status_code == 400 and "déjà rejeté" in unescape(again.text)
    client.post(f"/console/documents/{second}/decision", data={"csrf": csrf_of(shown.text), "decision": "accepter"})
    with transaction(session_factory(engine)) as db:
        rejected, accepted = db.get(Document, first), db.get(Document, second)
        assert rejected is not None and accepted is not None
        assert (rejected.status, rejected.decision_reason) == ("rejete", reason)
        assert rejected.decided_at is not None and rejected.decided_by is not None
        assert accepted.status == "accepte"
        entries = db.scalars(select(AuditEntry).where(AuditEntry.action.like("document_%"))
                             .order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["document_rejected", "document_accepted"]
        assert json.loads(entries[0].detail)["reason"] == reason
        assert "FAC-2026-0001 (91234567500017)" in entries[0].target
        assert verify_chain(db).intact


def test_bulk_accept_leaves_flagged_documents(engine, stored, client) -> None:  # type: ignore[no-untyped-def]
    first, second = stored.document_ids
    with transaction(session_factory(engine)) as db:
        db.add(ControlFlag(kind="same_day", inclusion_number="RPM-2024-00123", document_id=second,
                           batch_id=stored.batch_id, message="L'enfant RPM-2024-00123 a une séance le même jour."))
    login(client, "claire")
    page = client.get(f"/console/lots/{stored.batch_id}")
    assert "Accepter le document sans signalement" in page.text and "1 signalement" in page.text
    done = client.post(f"/console/lots/{stored.batch_id}/accepter", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "1 document(s) sans signalement accepté(s)." in unescape(done.text)
    with transaction(session_factory(engine)) as db:
        assert db.get(Document, first).status == "accepte"  # type: ignore[union-attr]
        assert db.get(Document, second).status == "recu"  # type: ignore[union-attr]
    assert "1 signalement" in client.get("/console/lots").text


def test_roles(stored, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "paul")  # the accountant sees documents but neither the inbox nor the decisions
    assert client.get("/console/lots").status_code == 403
    page = client.get(f"/console/documents/{stored.document_ids[0]}")
    assert page.status_code == 200 and "Rejeter le document" not in page.text
    refused = client.post(f"/console/documents/{stored.document_ids[0]}/decision",
                          data={"csrf": csrf_of(page.text), "decision": "accepter"})
    assert refused.status_code == 403 and "Votre rôle ne donne pas accès" in unescape(refused.text)


def test_decision_refused_without_csrf(engine, stored, client) -> None:  # type: ignore[no-untyped-def]
    login(client, "claire")
    answer = client.post(f"/console/documents/{stored.document_ids[0]}/decision",
                         data={"decision": "accepter"})
    assert answer.status_code == 403
    with transaction(session_factory(engine)) as db:
        assert db.get(Document, stored.document_ids[0]).status == "recu"  # type: ignore[union-attr]
