"""A credit note with the signing key on a PKCS#11 token (real SoftHSM): the dialog asks the PIN through
pin_after, a wrong PIN is said in French and the chosen lines stay, the right one issues a valid credit note."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from PySide6.QtWidgets import QInputDialog

from cocon_desktop.documents.signing import validate
from cocon_desktop.models.signing_identity import SigningIdentity
from cocon_desktop.services import invoice_documents, invoicing, payments, signing_identities
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.pages.invoicing_page import InvoicingPage
from cocon_desktop.ui.tasks import SyncRunner
from tests.db.invoice_helpers import OCTOBER, TODAY, fill
from tests.softhsm import Token
from tests.ui.refresh_helpers import follow_writes


def credit_notes(practice: Practice) -> list[str]:
    return [s.number for s in payments.statuses(practice.sessions) if s.kind == "credit_note"]


@pytest.fixture
def on_token(practice: Practice, softhsm_token: Token) -> Practice:
    """Three invoices issued with the token's key (the PIN given to the service, as the issue tab does)."""
    fill(practice)
    invoice_documents.set_network_address(practice.sessions, "RPO",
                                          invoice_documents.NetworkAddress("1 rue du Réseau", "31000", "Toulouse"))
    t = softhsm_token
    signing_identities.use_token(practice.sessions, t.module, t.label, t.key_label, t.pin)
    invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY, pin=t.pin)
    return practice


def test_a_token_credit_note_asks_the_pin_and_keeps_the_lines(qtbot: QtBot, on_token: Practice,
                                                              softhsm_token: Token,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    answers = ["0000", None]  # a wrong PIN, then the prompt cancelled
    asked: list[str] = []

    def answer(parent: object, title: str, label: str, *args: object) -> tuple[str, bool]:
        asked.append(label)
        pin = answers.pop(0)
        return (pin or "", pin is not None)

    monkeypatch.setattr(QInputDialog, "getText", answer)
    runner = SyncRunner()
    page = InvoicingPage(runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    follow_writes(runner, page)  # as in the window: reads when shown, and again after a write
    page.set_practice(on_token)
    page.show()
    page.tabs.setCurrentIndex(1)
    docs = page.documents_tab
    docs.select("FAC-2026-0001")
    docs.credit_button.click()
    dialog = docs.credit_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.check([2, 3])
    dialog.ok_button.click()
    # first the PIN is missing, then the one typed is wrong: each prompt says why, in French
    assert len(asked) == 2
    assert asked[0].startswith("Le code PIN de la carte ou du jeton de signature est nécessaire")
    assert asked[1].startswith("Code PIN incorrect pour la carte ou le jeton de signature.")
    assert dialog.isVisible() and dialog.chosen() == [2, 3]  # nothing lost
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Code PIN incorrect pour la carte ou le jeton de signature."
    assert dialog.ok_button.isEnabled() and "2 lignes choisies" in dialog.summary.text()
    assert credit_notes(on_token) == []  # no number taken

    answers[:] = [softhsm_token.pin]
    dialog.ok_button.click()
    assert len(asked) == 3 and not dialog.isVisible()
    assert "Avoir AV-2026-0001 émis et signé sur la facture FAC-2026-0001" in docs.message.text()
    assert credit_notes(on_token) == ["AV-2026-0001"]
    check = validate(invoicing.document_pdf(on_token.sessions, "AV-2026-0001"), softhsm_token.certificate_pem)
    assert check.ok and check.intact and check.valid and check.covers_whole_file
    assert check.signer == "Camille Jeton EI"
    invoice = docs.status_of("FAC-2026-0001")
    assert invoice is not None and invoice.credited > 0


def test_another_error_after_the_pin_is_said_in_the_dialog(qtbot: QtBot, on_token: Practice, softhsm_token: Token,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def answer(parent: object, title: str, label: str, *args: object) -> tuple[str, bool]:
        asked.append(label)
        return softhsm_token.pin, True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    runner = SyncRunner()
    page = InvoicingPage(runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    follow_writes(runner, page)  # as in the window: reads when shown, and again after a write
    page.set_practice(on_token)
    page.show()
    docs = page.documents_tab
    docs.select("FAC-2026-0002")
    docs.credit_button.click()
    dialog = docs.credit_dialog
    assert dialog is not None
    dialog.check([1])
    with on_token.sessions.begin() as session:  # the card is not in the reader any more
        session.execute(update(SigningIdentity).values(pkcs11_token_label="absent"))
    dialog.ok_button.click()
    assert len(asked) == 1  # the PIN once; a missing card is not a PIN matter: no second prompt
    assert dialog.isVisible() and dialog.chosen() == [1]
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("La carte ou le jeton de signature n'est pas accessible")
    assert credit_notes(on_token) == []
