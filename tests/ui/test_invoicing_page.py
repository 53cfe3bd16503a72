"""Facturation: the preview, the signed run (progress, cancel, missing address), documents, credit notes,
payments, the PDF viewer and the integrity check — on a real encrypted practice, SyncRunner."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from cocon_desktop.clock import FixedClock
from cocon_desktop.services import payments
from cocon_desktop.services.invoice_documents import NetworkAddress, set_network_address
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.invoice_documents_tab import COLUMNS
from cocon_desktop.ui.pages.invoicing_page import InvoicingPage
from cocon_desktop.ui.tasks import SyncRunner
from tests.db.invoice_helpers import TODAY, fill
from tests.ui.refresh_helpers import follow_writes

ADDRESS = NetworkAddress("10 rue du Réseau", "31000", "Toulouse")


@pytest.fixture
def confirm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


@pytest.fixture
def filled(practice: Practice) -> Practice:
    fill(practice)
    return practice


def make_page(qtbot: QtBot, practice: Practice) -> InvoicingPage:
    runner = SyncRunner()
    page = InvoicingPage(runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    follow_writes(runner, page)  # as in the window: the page reads again after a write
    page.set_practice(practice)
    page.show()
    return page


def issued_page(qtbot: QtBot, practice: Practice) -> InvoicingPage:
    set_network_address(practice.sessions, "RPO", ADDRESS)
    page = make_page(qtbot, practice)
    page.issue_tab.issue_button.click()
    return page


def test_preview_shows_one_row_per_invoice_and_the_total(qtbot: QtBot, filled: Practice) -> None:
    page = make_page(qtbot, filled)
    tab = page.issue_tab
    assert tab.selected_network() == "RPO"  # the practice's network
    assert tab.month.currentText() == "Octobre 2026"  # the previous month
    assert tab.table.rowCount() == 3
    assert tab.table.item(0, 1).text() == "RPO-2025-0000" and tab.table.item(0, 3).text() == "4"
    assert "771,00" in tab.total.text()
    assert tab.issue_button.text() == "Émettre et signer les 3 factures" and tab.issue_button.isEnabled()


def test_issuing_numbers_the_invoices_and_empties_the_preview(qtbot: QtBot, filled: Practice,
                                                               confirm: None) -> None:
    page = issued_page(qtbot, filled)
    tab = page.issue_tab
    assert tab.table.rowCount() == 0 and not tab.issue_button.isEnabled()
    assert tab.issue_button.text() == "Aucune facture à émettre"  # never « les 0 factures » (issue 18, #14)
    assert tab.message.text() == "3 factures émises et signées : FAC-2026-0001 à FAC-2026-0003."
    assert not tab.progress.isVisible()
    numbers = [r.number for r in page.documents_tab.rows]
    assert sorted(numbers) == ["FAC-2026-0001", "FAC-2026-0002", "FAC-2026-0003"]
    assert page.documents_tab.table.rowCount() == 3
    assert page.unpaid_tab.table.rowCount() == 3 and "771,00" in page.unpaid_tab.total.text()


def test_cancel_at_the_first_step_issues_nothing(qtbot: QtBot, filled: Practice, confirm: None) -> None:
    set_network_address(filled.sessions, "RPO", ADDRESS)
    page = make_page(qtbot, filled)
    tab = page.issue_tab
    seen: list[tuple[int, int]] = []

    def cancel_first(done: int, total: int) -> None:
        seen.append((done, total))
        assert tab.progress.cancel_button.isVisible() and tab.progress.bar.isVisible()
        assert not tab.issue_button.isEnabled() and not tab.month.isEnabled()  # greyed while it runs
        tab.progress.cancel_button.click()

    tab.progress.relay.progressed.connect(cancel_first)
    tab.issue_button.click()
    assert seen == [(0, 3)]
    assert payments.statuses(filled.sessions) == []
    assert "aucune facture n'a été émise" in tab.message.text()
    assert tab.table.rowCount() == 3 and tab.issue_button.isEnabled() and not tab.progress.isVisible()


def test_missing_address_asks_for_it_then_issues(qtbot: QtBot, filled: Practice,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []  # the confirmation comes once the address is known (issue 18, #6), not before it

    def question(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    page = make_page(qtbot, filled)
    tab = page.issue_tab
    tab.issue_button.click()
    assert asked == []
    assert "L'adresse du réseau RPO n'est pas renseignée" in tab.message.text()
    assert "Paramètres › Réseaux" in tab.message.text() and "cocon" not in tab.message.text()
    assert tab.address_form.isVisible() and payments.statuses(filled.sessions) == []
    form = tab.address_form
    form.street.setText("10 rue du Réseau")
    form.postcode.setText("310")
    form.save_button.click()
    assert form.boxes["postcode"].text == "Le code postal compte 5 chiffres."
    assert form.boxes["city"].text == "Champ obligatoire."
    assert form.street.text() == "10 rue du Réseau"  # kept
    form.postcode.setText("31000")
    form.city.setText("Toulouse")
    form.save_button.click()
    assert not form.isVisible()
    assert len(asked) == 1 and asked[0].startswith("Émettre et signer 3 factures")
    assert len(payments.statuses(filled.sessions)) == 3 and tab.table.rowCount() == 0


def test_credit_note_on_two_lines(qtbot: QtBot, filled: Practice, confirm: None) -> None:
    page = issued_page(qtbot, filled)
    docs = page.documents_tab
    docs.select("FAC-2026-0001")
    assert docs.credit_button.isEnabled()
    docs.credit_button.click()
    dialog = docs.credit_dialog
    assert dialog is not None and dialog.table.rowCount() == 4
    assert not dialog.ok_button.isEnabled()
    dialog.check([2, 3])
    assert "2 lignes choisies" in dialog.summary.text() and "78,00" in dialog.summary.text()
    dialog.ok_button.click()
    assert "Avoir AV-2026-0001" in docs.message.text()
    assert [r.number for r in docs.rows if r.kind == "credit_note"] == ["AV-2026-0001"]
    invoice = docs.status_of("FAC-2026-0001")
    assert invoice is not None and invoice.credited == Decimal("78.00") and invoice.remaining == Decimal("179.00")
    assert page.issue_tab.table.rowCount() == 1  # the two séances are billable again
    docs.select("FAC-2026-0001")
    docs.credit_button.click()
    again = docs.credit_dialog
    assert again is not None and "déjà annulée" in again.table.item(1, 0).text()
    assert not again.table.item(1, 0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    again.reject()


def test_payment_over_the_remaining_is_refused_at_the_amount(qtbot: QtBot, filled: Practice,
                                                              confirm: None) -> None:
    page = issued_page(qtbot, filled)
    docs = page.documents_tab
    docs.select("FAC-2026-0002")
    docs.payment_button.click()
    dialog = docs.payment_dialog
    assert dialog is not None
    dialog.amount.setText("300,00")
    dialog.reference.setText("VIR-42")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "dépasse ce qui reste dû sur la facture (257,00 €)" in dialog.field_error("amount")
    assert dialog.amount.text() == "300,00" and dialog.reference.text() == "VIR-42"
    assert docs.status_of("FAC-2026-0002").paid == Decimal("0.00")  # type: ignore[union-attr]
    dialog.amount.setText("abc")
    dialog.save_button.click()
    assert "Montant invalide" in dialog.field_error("amount")
    dialog.amount.setText("100,50")
    dialog.save_button.click()
    assert not dialog.isVisible()
    status = docs.status_of("FAC-2026-0002")
    assert status is not None and status.paid == Decimal("100.50") and status.state == "partiellement_payee"
    docs.select("FAC-2026-0002")
    row = docs.table.currentRow()
    assert docs.table.item(row, COLUMNS.index("État")).text() == "Partiellement payée"
    assert "Partiellement payée" in docs.message.text()
    docs.state_filter.setCurrentIndex(docs.state_filter.findData("partiellement_payee"))
    assert docs.table.rowCount() == 1 and docs.table.item(0, 0).text() == "FAC-2026-0002"


def test_pdf_viewer_opens_the_signed_invoice_from_memory(qtbot: QtBot, filled: Practice, confirm: None,
                                                         tmp_path: Path) -> None:
    page = issued_page(qtbot, filled)
    docs = page.documents_tab
    docs.select("FAC-2026-0001")
    docs.view_button.click()
    viewer = docs.viewer
    assert viewer is not None
    qtbot.waitUntil(viewer.is_ready)
    assert viewer.page_count() >= 1
    viewer.close()
    target = tmp_path / "sortie" / "FAC-2026-0001.pdf"
    target.parent.mkdir()
    docs.save_pdf("FAC-2026-0001", target)
    assert target.read_bytes().startswith(b"%PDF")


def test_verify_reports_success(qtbot: QtBot, filled: Practice, confirm: None) -> None:
    page = issued_page(qtbot, filled)
    page.documents_tab.verify_button.click()
    text = page.documents_tab.message.text()
    assert text.startswith("Vérification réussie : 3 documents, 0 attestation et ")  # issue 19: every chain
    assert "entrées de l'historique" in text and "Factur-X" in text and "déclencheurs conformes" in text


def test_main_window_holds_the_page_and_locks_it(qtbot: QtBot, filled: Practice, confirm: None) -> None:
    window = MainWindow(filled, SyncRunner(), clock=FixedClock(TODAY))
    qtbot.addWidget(window)
    page = window.invoicing_page  # built on first use, in its navigation slot
    assert window.pages.widget(window.page_keys.index("invoicing")) is page and page.practice is filled
    window.lock()
    assert window.invoicing_page.practice is None
