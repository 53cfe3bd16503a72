"""Issue 21, #10, in one test: a practice issues and syncs a month → the coordinator rejects one invoice in the
browser → the practice's next sync shows it rejected → a credit note and a new invoice go in the next batch →
accepted → payment run → SEPA file valid → the practice shows « payée ».

Every part is the real one: a real encrypted practice issuing real signed invoices (the desktop's services, as the
window does), the real `cocon sync` command in a process of its own, the network's server under a real uvicorn on
127.0.0.1 on a real PostgreSQL, the console in Debian's Chromium (Playwright), the SEPA file checked against the
ISO 20022 XSD."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches, invoice_documents, network_endpoints, payments
from cocon_desktop.services.practice_handle import create_practice, open_with_passphrase
from cocon_network.server import conventions, decisions, sepa
from cocon_network.server import models as m
from cocon_network.server import payments as network_payments
from cocon_network.server.db import session_factory, transaction
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.batch_helpers import NOW, issue_october
from tests.db.invoice_helpers import OCTOBER, TODAY
from tests.e2e.test_cli import cocon
from tests.network.api_server import RunningServer, running_server, wait_verified
from tests.network.console_support import PASSWORD, add_user

pytestmark = pytest.mark.slow

NETWORK = "RPO"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REASON = "Séance du 08/10/2026 facturée deux fois : émettez un avoir puis une facture corrigée."
SHOTS = os.environ.get("COCON_SCREENSHOTS", "")  # a folder to keep the browser's screenshots in
DEBTOR_IBAN, DEBTOR_BIC = "FR76 3000 4000 0312 3456 7890 143", "BNPAFRPPXXX"


def sync(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The real `cocon sync`, in its own process, the passphrase on its standard input."""
    done = cocon("--data-dir", data_dir, "--passphrase-stdin", "sync", stdin=f"{STRONG_PASSPHRASE}\n")
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done


def invoice_state(data_dir: Path, number: str) -> payments.InvoiceStatus:
    practice = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:
        status = payments.status_of(practice.sessions, number)
    finally:
        practice.close()
    assert status is not None, number
    return status


def server_documents(server: RunningServer) -> dict[str, m.Document]:
    """The server's documents, once every batch received is fully verified (decisions wait for it)."""
    with transaction(session_factory(server.engine)) as session:
        pending = session.scalars(select(m.Batch.batch_id).where(m.Batch.verification == m.VERIFY_PENDING)).all()
    for batch_id in pending:
        assert wait_verified(server.engine, batch_id) == m.VERIFY_DONE
    with transaction(session_factory(server.engine)) as session:
        return {d.number: d for d in session.scalars(select(m.Document).order_by(m.Document.id))}


def reject_in_the_browser(server: RunningServer, document_id: int, shots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="fr-FR")
            page.goto(f"{server.url}/console/documents/{document_id}")  # the login page first, then back here
            page.get_by_label("Identifiant").fill("claire")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.locator("#motif").fill(REASON)
            page.screenshot(path=str(shots / "e2e-reject.png"), full_page=True)
            page.get_by_role("button", name="Rejeter le document").click()
            expect(page.get_by_role("button", name="Rejeter le document")).to_have_count(0)  # decided: final
            expect(page.get_by_text(REASON).first).to_be_visible()
            page.screenshot(path=str(shots / "e2e-rejected.png"), full_page=True)
        finally:
            browser.close()


def test_a_month_from_its_invoices_to_payee(postgres_url: str, data_dir: Path, tmp_path: Path) -> None:
    # the practice issues October's invoices for the network and closes the month's batch
    practice = create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    issued = issue_october(practice, networks=(NETWORK,))[NETWORK]
    first_batch = batches.close_batch(practice, NETWORK, NOW)
    _name, first_zip = batches.batch_file(practice.sessions, first_batch.id)
    numbers = [d.number for d in issued]
    rejected = numbers[0]

    with running_server(postgres_url, network=NETWORK, network_name="Réseau Périnatalité Occitanie",
                        debtor_iban=DEBTOR_IBAN, debtor_bic=DEBTOR_BIC) as server:
        # the coordinator puts the practice under convention: its certificate (from a batch it handed over by a
        # safe channel), a token the practice types in Paramètres › Réseaux
        with transaction(session_factory(server.engine)) as session:
            therapist = conventions.register_therapist(
                session, name=PROFILE.name, discipline="orthophonie", siret=PROFILE.siret,
                iban="FR7630006000011234567890189", bic="AGRIFRPP", rpps=PROFILE.rpps, departement="31",
                convention_start=date(2026, 1, 1))
            conventions.add_certificate(session, therapist.id, first_zip)
            token = conventions.issue_token(session, therapist.id).token
        coordinator = add_user(server.engine, "claire", m.ROLE_COORDINATOR)
        accountant = add_user(server.engine, "paul", m.ROLE_ACCOUNTANT)
        network_endpoints.set_endpoint(practice.sessions, NETWORK, server.url, token)
        practice.close()

        # 1. the month synced: received, each invoice stored by the network
        first = sync(data_dir)
        assert first.returncode == 0 and "reçu par le réseau" in first.stdout, first.stdout
        stored = server_documents(server)
        assert list(stored) == numbers and {d.status for d in stored.values()} == {m.DOC_RECEIVED}

        # 2. the coordinator rejects one invoice in the browser, accepts the others
        reject_in_the_browser(server, stored[rejected].id, Path(SHOTS) if SHOTS else tmp_path)
        with transaction(session_factory(server.engine)) as session:
            for number in numbers[1:]:
                decisions.accept_document(session, stored[number].id, coordinator)
        assert server_documents(server)[rejected].status == m.DOC_REJECTED

        # 3. the practice's next sync shows it rejected, with the coordinator's reason
        sync(data_dir)
        shown = invoice_state(data_dir, rejected)
        assert (shown.state, shown.reason) == ("rejetee", REASON)

        # 4. a credit note and a corrected invoice, in the next batch
        practice = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
        try:
            credit = invoice_documents.issue_credit_note(practice, rejected, None, TODAY)
            (corrected,) = invoice_documents.issue_period(practice, NETWORK, *OCTOBER, TODAY)
            second_batch = batches.close_batch(practice, NETWORK, NOW + timedelta(days=3))
            assert second_batch.documents == 2
        finally:
            practice.close()
        second = sync(data_dir)
        assert second.returncode == 0 and second_batch.batch_id in second.stdout, second.stdout
        stored = server_documents(server)
        assert stored[credit.number].kind == "credit_note" and stored[credit.number].corrects == rejected
        assert stored[corrected.number].status == m.DOC_RECEIVED

        # 5. accepted, then paid: a payment run, its SEPA file valid against the XSD, executed by the bank
        with transaction(session_factory(server.engine)) as session:
            for number in (credit.number, corrected.number):
                decisions.accept_document(session, stored[number].id, coordinator)
            invoices = network_payments.payable_invoice_ids(session)
            assert sorted(invoices) == sorted(stored[n].id for n in [*numbers[1:], corrected.number])
            run = network_payments.create_run(session, server.settings, invoices,
                                              network_payments.next_working_day(date.today()), accountant).run
            xml = bytes(run.sepa_xml)
        assert sepa.validation_errors(xml) == []
        expected = sum(stored[n].amount_cents for n in [*numbers[1:], corrected.number])
        assert sepa.totals(xml) == (1, expected)  # one transfer, of the accepted invoices' total
        with transaction(session_factory(server.engine)) as session:
            network_payments.execute_run(session, run.id, accountant)

        # 6. the practice's next sync: every invoice the network paid reads « payée »
        sync(data_dir)
        for number in [*numbers[1:], corrected.number]:
            assert invoice_state(data_dir, number).state == "payee", number
        assert invoice_state(data_dir, rejected).state == "annulee"  # cancelled by its credit note
        practice = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
        try:
            states = {b.batch_id: b.state for b in batches.list_batches(practice.sessions, NETWORK)}
        finally:
            practice.close()
        assert states == {first_batch.batch_id: "paye", second_batch.batch_id: "paye"}
