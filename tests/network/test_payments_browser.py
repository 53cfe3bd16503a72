"""The accountant's payment run in a real headless Chromium (Debian's, driven by Playwright) against the real server
under uvicorn on a real PostgreSQL: untick an invoice, prepare the run, download the SEPA file, mark it executed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_network.server import sepa
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.models import DOC_ACCEPTED, DOC_PAID, Document
from tests.network.api_server import RunningServer, running_server
from tests.network.console_support import PASSWORD, add_user
from tests.network.payment_samples import EXECUTION, SETTINGS, seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = os.environ.get("COCON_SCREENSHOTS", "")  # a folder to keep the screenshots in (docs/screenshots)


@pytest.fixture
def server(postgres_url: str) -> Iterator[RunningServer]:
    with running_server(postgres_url, network=SETTINGS.network, network_name=SETTINGS.network_name,
                        debtor_iban=SETTINGS.debtor_iban, debtor_bic=SETTINGS.debtor_bic) as running:
        yield running


def test_the_accountant_pays_in_the_browser(server: RunningServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with transaction(session_factory(server.engine)) as session:
        sample = seed(session)
    add_user(server.engine, "paul", "comptable")
    shots = Path(SHOTS) if SHOTS else tmp_path
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="fr-FR")
            page.goto(server.url + "/console/paiements")
            page.get_by_label("Identifiant").fill("paul")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            expect(page.get_by_role("heading", name="Paiements", exact=True)).to_be_visible()
            page.get_by_label("FAC-2026-0002").uncheck()  # this one waits for the next run
            page.get_by_label("Date d'exécution demandée à la banque").fill(EXECUTION.isoformat())
            page.screenshot(path=str(shots / "network-payments.png"), full_page=True)
            page.get_by_role("button", name="Préparer le virement des factures cochées").click()
            expect(page.get_by_role("status")).to_contain_text("3 virements")
            expect(page.get_by_role("heading", level=1)).to_contain_text("Virement RPM-")
            with page.expect_download() as download:
                page.get_by_role("link", name="Télécharger le fichier SEPA (XML)").click()
            xml = Path(download.value.path()).read_bytes()
            assert sepa.validation_errors(xml) == [] and sepa.totals(xml) == (3, 102_001)
            page.screenshot(path=str(shots / "network-payment-run.png"), full_page=True)
            page.get_by_role("button", name="Marquer comme exécuté").click()  # refused by the browser: unticked
            expect(page.get_by_role("status")).to_contain_text("3 virements")  # still the same page
            page.get_by_label("Je confirme que la banque a exécuté").check()
            page.get_by_role("button", name="Marquer comme exécuté").click()
            expect(page.get_by_role("status")).to_contain_text("marqué exécuté")
            expect(page.get_by_text("Ce virement est exécuté")).to_be_visible()
        finally:
            browser.close()
    with transaction(session_factory(server.engine)) as session:
        status = {row[0]: row[1] for row in session.execute(select(Document.number, Document.status))}
    assert status.pop("FAC-2026-0002") == DOC_ACCEPTED
    assert set(status.values()) == {DOC_PAID}
    assert sample.documents
