"""The console driven in a real Chromium against the real server (uvicorn on 127.0.0.1, PostgreSQL): a practice's
batch arrives through the API; the coordinator signs in, opens the inbox, the batch, the document, reaches the
reject button with the keyboard alone, is told the reason is missing, rejects with a reason; the practice's status
answer carries it; the administrator finds it in the audit log. Screenshots at 1366×768 on the way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cocon_exchange.protocol import sha256_hex
from cocon_network.server.region_data import SMALL, generate_region
from tests.network.api_server import RunningServer, convention, running_server, wait_verified
from tests.network.browser import chromium_page, headful, shots_folder, sign_in
from tests.network.console_support import add_user
from tests.network_samples import signed_batch

REASON = "La séance du 14/11 est facturée deux fois : émettez un avoir puis une facture corrigée."


@pytest.fixture
def server(postgres_url: str) -> Iterator[RunningServer]:
    with running_server(postgres_url) as running:
        yield running


def tab_until(page: Any, text: str, limit: int = 60) -> list[str]:
    """Press Tab until the focused element's text is `text`; the texts focused on the way (the last is `text`)."""
    path: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        path.append(page.evaluate("document.activeElement ? document.activeElement.textContent.trim() : ''"))
        if path[-1] == text:
            return path
    raise AssertionError(f"Tab never reached « {text} »: {path}")


def _upload(server: RunningServer) -> tuple[str, str]:
    practice = convention(server.engine, name="Camille Martin — Cabinet du Vieux-Port")
    batch = signed_batch()
    answer = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, timeout=60,
                       headers={"Authorization": f"Bearer {practice.token}", "Content-Type": "application/zip",
                                "X-Content-SHA256": sha256_hex(batch.data)})
    assert answer.status_code == 201, answer.text
    assert wait_verified(server.engine, batch.batch_id) == "verifie"  # decisions wait for the PDFs' verification
    return batch.batch_id, practice.token


def test_the_coordinator_rejects_a_document_in_the_browser(server: RunningServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    batch_id, token = _upload(server)
    add_user(server.engine, "claire", "coordinateur")
    add_user(server.engine, "alice", "administrateur")
    shots = shots_folder(tmp_path)
    with chromium_page() as page:
        page.goto(server.url + "/console/lots")
        expect(page.get_by_role("heading", name="Connexion à la console du réseau")).to_be_visible()
        page.get_by_label("Identifiant").fill("claire")
        page.screenshot(path=str(shots / "network-login.png"))
        sign_in(page, "claire")
        expect(page.get_by_role("heading", name="Lots reçus", level=1)).to_be_visible()  # back where she was going
        row = page.get_by_role("row").filter(has_text="Camille Martin")
        expect(row).to_contain_text("2 en attente")
        expect(row).to_contain_text("novembre 2026")
        page.screenshot(path=str(shots / "network-inbox.png"))
        row.get_by_role("link").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Lot de novembre 2026")
        page.screenshot(path=str(shots / "network-batch.png"))
        page.get_by_role("link", name="FAC-2026-0001").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Facture FAC-2026-0001")
        expect(page.get_by_role("rowheader", name="Total TTC (BT-112)")).to_be_visible()
        pdf = page.request.get(server.url + page.locator("object.pdf").get_attribute("data"))
        assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")
        if headful():
            page.wait_for_timeout(2500)  # the PDF viewer draws the first page
        page.screenshot(path=str(shots / "network-document.png"))

        # The keyboard alone: from the top of the page, Tab reaches « Aller à la décision » before the PDF (whose
        # viewer, once loaded, takes a dozen Tabs or more), then the reject button.
        page.locator("body").focus()
        path = tab_until(page, "Aller à la décision")
        assert len(path) <= 15, path  # 12 today: skip link, menu, account, back link, this one
        page.keyboard.press("Enter")
        path = tab_until(page, "Rejeter le document")
        assert path == ["4 signalements des contrôles", "Accepter le document", "", "Rejeter le document"], path
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus shows
        page.keyboard.press("Enter")  # the reason is missing
        expect(page.locator("#motif-erreur")).to_have_text(
            "Saisissez le motif du rejet : le thérapeute le lira dans son logiciel.")
        expect(page.get_by_label("Motif du rejet")).to_have_attribute("aria-invalid", "true")
        if headful():
            page.wait_for_timeout(2500)
        page.screenshot(path=str(shots / "network-reject-error.png"))
        page.get_by_label("Motif du rejet").fill(REASON)
        page.get_by_role("button", name="Rejeter le document").click()
        expect(page.get_by_role("status")).to_contain_text("Document FAC-2026-0001 rejeté")
        expect(page.locator("dl.facts")).to_contain_text(REASON)
        page.get_by_role("button", name="Se déconnecter").click()
        expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté.")

        page.goto(server.url + "/console/journal")
        sign_in(page, "alice")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Journal")
        expect(page.get_by_role("status")).to_contain_text("Chaîne vérifiée")
        entry = page.get_by_role("row").filter(has_text="Document rejeté")
        expect(entry).to_contain_text("FAC-2026-0001 (91234567500017)")
        expect(entry).to_contain_text("claire")
        expect(entry).to_contain_text("motif : " + REASON)
        page.screenshot(path=str(shots / "network-audit.png"))

        # Claire forgot her password: the administrator gives her a new one, by voice.
        page.get_by_role("link", name="Utilisateurs").click()
        page.get_by_label("Utilisateur", exact=True).select_option(label="claire (Claire)")
        page.get_by_label("Nouveau mot de passe").fill("un nouveau mot de passe")
        page.get_by_role("button", name="Réinitialiser le mot de passe").click()
        expect(page.get_by_role("status")).to_contain_text("Mot de passe de claire réinitialisé")
        page.screenshot(path=str(shots / "network-users.png"), full_page=True)

    # The practice learns it at its next sync: the status answer carries the decision.
    status = httpx.get(f"{server.url}/batches/{batch_id}", headers={"Authorization": f"Bearer {token}"},
                       timeout=30).json()
    decisions = {d["number"]: d for d in status["documents"]}
    assert decisions["FAC-2026-0001"]["status"] == "rejete" and decisions["FAC-2026-0001"]["reason"] == REASON


def test_screenshots_of_a_region(server: RunningServer, tmp_path: Path) -> None:
    """The dashboard, a therapist and a child on a small region: what a coordinator sees on a working day."""
    from playwright.sync_api import expect
    from sqlalchemy import select

    from cocon_network.server.db import session_factory, transaction
    from cocon_network.server.models import ControlFlag, Therapist

    generate_region(server.engine, SMALL)
    add_user(server.engine, "claire", "coordinateur")
    with transaction(session_factory(server.engine)) as db:
        therapist = db.scalars(select(Therapist.id).order_by(Therapist.id)).first()
        child = db.scalars(select(ControlFlag.inclusion_number).where(ControlFlag.kind == "forfait_exceeded")
                           .limit(1)).first() or db.scalars(select(ControlFlag.inclusion_number).limit(1)).first()
    shots = shots_folder(tmp_path)
    with chromium_page() as page:
        page.goto(server.url + "/console/")
        sign_in(page, "claire")
        expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
        expect(page.get_by_role("img", name="Séances par mois")).to_be_visible()
        page.screenshot(path=str(shots / "network-dashboard.png"))
        page.goto(f"{server.url}/console/therapeutes/{therapist}")
        expect(page.get_by_role("heading", name="Montants par mois")).to_be_visible()
        page.screenshot(path=str(shots / "network-therapist.png"))
        page.goto(f"{server.url}/console/enfants/{child}")
        expect(page.get_by_role("heading", name="Forfaits, tous thérapeutes confondus")).to_be_visible()
        page.screenshot(path=str(shots / "network-child.png"))
        page.goto(f"{server.url}/console/lots")
        page.screenshot(path=str(shots / "network-inbox-region.png"))
