"""The console's pages of part D on a real PostgreSQL through Starlette's TestClient: the flags (filtered, paged,
coordinator only), the inclusion list's upload (all or nothing, errors by line), the funder's report (period form,
CSV and PDF downloads, accountant only)."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from datetime import date

import pytest
from httpx import Response
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from cocon_network.server.controls import run_controls
from cocon_network.server.models import (
    DOC_ACCEPTED,
    ROLE_ACCOUNTANT,
    ROLE_COORDINATOR,
    AuditEntry,
    ControlFlag,
    Inclusion,
)
from cocon_network.server.report_aggregate import rebuild
from tests.network.console_support import add_user, app_for, csrf_of, login, schema
from tests.network.controls_helpers import A, batch, document, inclusion, therapist

HEADER = "numero_inclusion;initiales;date_naissance;terme_sa;date_inclusion;date_sortie;departement\r\n"


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


def client_for(engine: Engine, url: str, user: str, role: str) -> TestClient:
    add_user(engine, user, role)
    client = TestClient(app_for(engine, url, network="RPM", network_name="Réseau Périnatal Méditerranée"))
    assert login(client, user).status_code == 303
    return client


def text(response: Response) -> str:
    return html.unescape(response.text)


def unknown_children(engine: Engine, count: int) -> int:
    with Session(engine) as session, session.begin():
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        invoice = document(session, lot, martin, [A(date(2025, 5, 1), f"RPM-2025-{n:05d}") for n in range(count)])
        inclusion(session, "RPM-2024-00001", date(2024, 1, 5), date(2024, 6, 1))
        document(session, lot, martin, [A(date(2024, 5, 2), "RPM-2024-00001")], number="FAC-2026-9999")
        run_controls(session, lot.batch_id)
        return invoice.id


def test_flags_page_filters_and_pages(engine: Engine, postgres_url: str) -> None:
    invoice_id = unknown_children(engine, 55)
    client = client_for(engine, postgres_url, "claire", ROLE_COORDINATOR)
    first = client.get("/console/controles")
    assert first.status_code == 200
    assert "Contrôles entre thérapeutes" in text(first) and 'aria-current="page"' in text(first)
    assert text(first).count("n'est pas dans la liste d'inclusion") == 50 and "Page suivante" in text(first)
    second = client.get("/console/controles?page=2")
    assert text(second).count("n'est pas dans la liste d'inclusion") == 5 + 0 and "Page précédente" in text(second)
    assert text(second).count("antérieur à son inclusion") == 1
    before = client.get("/console/controles?type=before_inclusion")
    assert text(before).count("antérieur à son inclusion") == 1 and "n'est pas dans la liste" not in text(before)
    assert "FAC-2026-9999" in text(before)
    child = client.get("/console/controles?enfant=RPM-2025-00007")
    assert text(child).count("n'est pas dans la liste d'inclusion") == 1
    assert f'href="/console/documents/{invoice_id}"' in text(child)
    assert "Documents en attente" in text(child)
    bad = client.get("/console/controles?type=nimportequoi&enfant=%3Cscript%3E")
    assert bad.status_code == 400 and "Type de signalement inconnu" in text(bad) and "<script>" not in text(bad)
    accountant = client_for(engine, postgres_url, "paul", ROLE_ACCOUNTANT)
    assert accountant.get("/console/controles").status_code == 403


def test_inclusions_upload_all_or_nothing(engine: Engine, postgres_url: str) -> None:
    unknown_children(engine, 2)
    client = client_for(engine, postgres_url, "claire", ROLE_COORDINATOR)
    page = client.get("/console/inclusions")
    assert page.status_code == 200 and "Aucun import" not in page.text  # one inclusion already there
    bad = (HEADER + "RPM-2025-00000;;01/01/2025;;02/01/2025;;13\r\nRPM-2025-00001;;01/13/2025;;02/01/2025;;13\r\n")
    refused = client.post("/console/inclusions", data={"csrf": csrf_of(page.text)},
                          files={"fichier": ("export.csv", bad.encode(), "text/csv")})
    assert refused.status_code == 400
    assert "Ligne 3, colonne date_naissance : date illisible « 01/13/2025 »" in refused.text
    assert "rien n'a été importé" in text(refused)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Inclusion)) == 1
    good = bad.replace("01/13/2025", "01/12/2024")
    done = client.post("/console/inclusions", data={"csrf": csrf_of(page.text)},
                       files={"fichier": ("export.csv", good.encode(), "text/csv")}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get("/console/inclusions")
    assert "Liste d'inclusion importée : 2 enfants (2 nouveaux, 0 mis à jour, 0 inchangé)." in text(shown)
    assert "Contrôles refaits sur 1 lot." in text(shown)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Inclusion)) == 3
        assert [f.kind for f in session.scalars(select(ControlFlag))] == ["before_inclusion"]
        assert session.scalars(select(AuditEntry.action)).all()[-1] == "inclusions_imported"
    empty = client.post("/console/inclusions", data={"csrf": csrf_of(page.text)})
    assert empty.status_code == 400 and "Choisissez le fichier CSV" in empty.text
    forged = client.post("/console/inclusions", data={"csrf": "faux"},
                         files={"fichier": ("export.csv", good.encode(), "text/csv")})
    assert forged.status_code == 403


def test_report_page_and_downloads(engine: Engine, postgres_url: str) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, "RPM-2025-00001", date(2025, 1, 5), date(2025, 2, 1), departement="06")
        martin = therapist(session, "Camille Martin EI")
        document(session, batch(session, martin), martin,
                 [A(date(2026, 1, 5), "RPM-2025-00001"), A(date(2026, 2, 5), "RPM-2025-00001")], status=DOC_ACCEPTED)
        rebuild(session)  # the funder's report by month (the document was written accepted, not decided)
    client = client_for(engine, postgres_url, "paul", ROLE_ACCOUNTANT)
    form = client.get("/console/rapports")
    assert form.status_code == 200 and 'name="du"' in form.text and "Télécharger" not in form.text
    page = client.get("/console/rapports?du=2026-01-01&au=2026-02-28")
    assert page.status_code == 200
    assert "janvier 2026" in page.text and "février 2026" in page.text and "78,00" in page.text
    pdf = client.get("/console/rapports/rapport.pdf?du=2026-01-01&au=2026-02-28")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert 'filename="COCON-RPM-rapport-2026-01-01-2026-02-28.pdf"' in pdf.headers["content-disposition"]
    table = client.get("/console/rapports/rapport.csv?du=2026-01-01&au=2026-02-28")
    lines = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [(line["mois"], line["departement"], line["montant"]) for line in lines] == [
        ("2026-01", "06", "39,00"), ("2026-02", "06", "39,00")]
    children = client.get("/console/rapports/enfants.csv?du=2026-01-01&au=2026-02-28")
    assert "RPM-2025-00001;06;psychomotricite;2026-01-05;2026-02-05;2;0;2;78,00" in children.content.decode("utf-8-sig")
    with Session(engine) as session:
        assert session.scalars(select(AuditEntry.action)).all()[-1] == "report_children_downloaded"
    wrong = client.get("/console/rapports?du=2026-03-01&au=2026-01-01")
    assert wrong.status_code == 400 and "La fin de la période précède son début." in wrong.text
    unreadable = client.get("/console/rapports/rapport.csv?du=hier")
    assert unreadable.status_code == 400 and "Date illisible" in unreadable.text
    coordinator = client_for(engine, postgres_url, "claire", ROLE_COORDINATOR)
    assert coordinator.get("/console/rapports").status_code == 403
