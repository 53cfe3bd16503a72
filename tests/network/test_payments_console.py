"""The accountant's payment pages through HTTP on a real PostgreSQL: tick invoices → a run → its SEPA file and
remittance advices → « Marquer comme exécuté », confirmed; roles and refusals in French."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from html import unescape

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from cocon_network.server import sepa
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.models import DOC_PAID, Batch, Document, PaymentRun, Therapist
from tests.network.console_support import add_user, app_for, csrf_of, login, schema
from tests.network.payment_samples import EXECUTION, SETTINGS, THERAPISTS, Sample, seed


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sample(engine: Engine) -> Sample:
    with transaction(session_factory(engine)) as session:
        return seed(session)


@pytest.fixture
def client(engine: Engine, postgres_url: str) -> Iterator[TestClient]:
    add_user(engine, "paul", "comptable")
    add_user(engine, "claire", "coordinateur")
    app = app_for(engine, postgres_url, network=SETTINGS.network, network_name=SETTINGS.network_name,
                  debtor_iban=SETTINGS.debtor_iban, debtor_bic=SETTINGS.debtor_bic)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def test_the_accountant_pays_ticked_invoices_and_marks_the_run_executed(
        engine: Engine, sample: Sample, client: TestClient) -> None:
    login(client, "paul")
    page = client.get("/console/paiements")
    text = unescape(page.text)
    assert page.status_code == 200 and "Factures à payer" in text
    for name, siret, *_ in THERAPISTS:
        assert f"{name} — SIRET {siret}" in text
    assert f'name="facture" value="{sample.documents["FAC-2026-0001"]}"' in page.text
    assert f'name="facture" value="{sample.documents["AV-2026-0001"]}"' not in page.text  # deducted, not ticked
    chosen = [sample.documents[n] for n in ("FAC-2026-0001", "FAC-2026-0011", "FAC-2026-0010")]
    created = client.post("/console/paiements", data={"csrf": csrf_of(page.text), "facture": chosen,
                                                       "date_execution": EXECUTION.isoformat()},
                          follow_redirects=False)
    assert created.status_code == 303, unescape(created.text)
    run_url = created.headers["location"]
    run_page = client.get(run_url)
    text = unescape(run_page.text)
    assert "2 virements" in text and "900,00\u00a0€" in text and "120,00\u00a0€" in text
    assert "1\u202f020,00\u00a0€" in text  # 120,00 + 900,00 + 150,05 − 150,05
    xml = client.get(run_url + "/sepa.xml")
    assert xml.headers["content-type"].startswith("application/xml")
    assert sepa.validation_errors(xml.content) == [] and sepa.totals(xml.content) == (2, 102_000)
    archive = client.get(run_url + "/avis.zip")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert [n.rsplit("-", 1)[1] for n in opened.namelist()] == ["91234567500017.pdf", "82345678900025.pdf"]
    advice = client.get(run_url + f"/avis/{THERAPISTS[1][1]}.pdf")
    assert advice.status_code == 200 and advice.content.startswith(b"%PDF")

    unconfirmed = client.post(run_url + "/execution", data={"csrf": csrf_of(run_page.text)})
    assert unconfirmed.status_code == 400 and "Cochez la case pour confirmer" in unescape(unconfirmed.text)
    executed = client.post(run_url + "/execution", data={"csrf": csrf_of(run_page.text), "confirmation": "oui"})
    assert executed.status_code == 200 and "marqué exécuté" in unescape(executed.text)
    with transaction(session_factory(engine)) as session:
        status = {row[0]: row[1] for row in session.execute(select(Document.number, Document.status))}
        batches = {row[0]: row[1] for row in session.execute(select(Batch.siret, Batch.status))}
    assert status["FAC-2026-0001"] == status["FAC-2026-0011"] == status["AV-2026-0001"] == DOC_PAID
    assert status["FAC-2026-0002"] == status["FAC-2026-0021"] == "accepte"
    assert batches == {THERAPISTS[0][1]: "recu", THERAPISTS[1][1]: "paye", THERAPISTS[2][1]: "recu"}
    again = client.post(run_url + "/execution", data={"csrf": csrf_of(run_page.text), "confirmation": "oui"})
    assert again.status_code == 409 and "déjà marqué exécuté" in unescape(again.text)


def test_refusals_are_said_in_french_at_their_place(engine: Engine, sample: Sample, client: TestClient) -> None:
    login(client, "paul")
    page = client.get("/console/paiements")
    token = csrf_of(page.text)
    nothing = client.post("/console/paiements", data={"csrf": token, "date_execution": EXECUTION.isoformat()})
    assert nothing.status_code == 400 and "Cochez au moins une facture à payer." in unescape(nothing.text)
    bad_date = client.post("/console/paiements", data={"csrf": token, "facture": [sample.documents["FAC-2026-0001"]],
                                                       "date_execution": "demain"})
    assert bad_date.status_code == 400 and 'id="date_execution-erreur"' in bad_date.text
    with transaction(session_factory(engine)) as session:
        therapist = session.get(Therapist, sample.therapists[THERAPISTS[0][0]])
        assert therapist is not None
        therapist.iban = "FR7630006000011234567890188"
    page = client.get("/console/paiements")
    assert "L'IBAN de Émilie Durand-Lefèvre" in unescape(page.text)
    refused = client.post("/console/paiements", data={"csrf": token, "tout": "1",
                                                      "date_execution": EXECUTION.isoformat()})
    assert refused.status_code == 400 and "n'est pas valide : corrigez-le dans sa fiche" in unescape(refused.text)
    with transaction(session_factory(engine)) as session:
        assert session.scalar(select(PaymentRun.id)) is None
    login(client, "claire")  # the coordinator does not pay
    assert client.get("/console/paiements").status_code == 403


def test_a_run_not_executed_can_be_cancelled(engine: Engine, sample: Sample, client: TestClient) -> None:
    login(client, "paul")
    page = client.get("/console/paiements")
    created = client.post("/console/paiements", data={"csrf": csrf_of(page.text), "tout": "1",
                                                       "date_execution": EXECUTION.strftime("%d/%m/%Y")},
                          follow_redirects=False)
    assert created.status_code == 303
    run_page = client.get(created.headers["location"])
    assert "3 virements" in unescape(run_page.text)
    cancelled = client.post(created.headers["location"] + "/annulation", data={"csrf": csrf_of(run_page.text)})
    assert cancelled.status_code == 200 and "annulé : ses factures sont de nouveau à payer" in unescape(cancelled.text)
    with transaction(session_factory(engine)) as session:
        assert session.scalar(select(PaymentRun.id)) is None
        assert session.scalar(select(Document.id).where(Document.payment_run_id.is_not(None))) is None
