"""Forms and the keyboard (issue 18, #7 and #8): after a failed save the focus is on the first field in error and
Entrée never reaches « Annuler »; a new form opens with its first field focused; an error goes when its field
is fixed; nothing moves on the passphrase page when its error goes; a small dialog grows for its errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton, QWidget, QWizard

from cocon_desktop.security import keychain
from cocon_desktop.services.invoice_documents import NetworkAddress, set_network_address
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import list_prescriptions
from cocon_desktop.ui.dialogs.child_dialog import ChildDialog
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.dialogs.payment_dialog import PaymentDialog
from cocon_desktop.ui.pages.invoicing_page import InvoicingPage
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF, STRONG_PASSPHRASE
from tests.db.invoice_helpers import TODAY, fill
from tests.ui.child_helpers import children_window, make_child
from tests.ui.refresh_helpers import follow_writes

ENTER = Qt.Key.Key_Return


@pytest.fixture
def confirm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


def payment_dialog(qtbot: QtBot, practice: Practice) -> PaymentDialog:
    """The « Paiement » dialog of an issued invoice of 257,00 €, shown and active."""
    fill(practice)
    set_network_address(practice.sessions, "RPO", NetworkAddress("10 rue du Réseau", "31000", "Toulouse"))
    runner = SyncRunner()
    page = InvoicingPage(runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    follow_writes(runner, page)
    page.set_practice(practice)
    page.show()
    page.issue_tab.issue_button.click()
    docs = page.documents_tab
    docs.select("FAC-2026-0002")
    docs.payment_button.click()
    dialog = docs.payment_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def test_enter_after_a_failed_payment_keeps_the_dialog_the_focus_and_the_text(
        qtbot: QtBot, practice: Practice, confirm: None) -> None:
    dialog = payment_dialog(qtbot, practice)
    assert focused() is dialog.amount
    # refused by the form: Entrée in the amount
    dialog.amount.selectAll()
    qtbot.keyClicks(dialog.amount, "12,3,4")
    qtbot.keyClick(dialog.amount, ENTER)
    assert dialog.isVisible() and "Montant invalide" in dialog.field_error("amount")
    assert focused() is dialog.amount and dialog.amount.text() == "12,3,4"
    qtbot.keyClick(dialog.amount, ENTER)  # again: still refused, still open
    assert dialog.isVisible() and dialog.amount.text() == "12,3,4"

    # refused by the core (more than what is due), the save clicked with the mouse: the button was disabled
    # while it ran, Qt gave the focus to « Annuler »; it comes back to the amount
    dialog.amount.selectAll()
    qtbot.keyClicks(dialog.amount, "300,00")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "dépasse ce qui reste dû" in dialog.field_error("amount")
    assert focused() is dialog.amount, f"the focus is on {focused()!r}, not on the amount in error"
    target = focused()
    assert target is not None
    qtbot.keyClick(target, ENTER)
    assert dialog.isVisible() and dialog.amount.text() == "300,00"

    # Entrée on « Annuler » does not cancel (Échap or a click does): it saves, which is refused again
    cancel = dialog.findChild(QPushButton, "cancel_payment")
    assert cancel is not None
    cancel.setFocus()
    qtbot.keyClick(cancel, ENTER)
    assert dialog.isVisible() and dialog.amount.text() == "300,00"
    assert dialog.save_button.isDefault() and not cancel.autoDefault()


def test_a_small_dialog_grows_for_its_error_rather_than_clipping_it(
        qtbot: QtBot, practice: Practice, confirm: None) -> None:
    dialog = payment_dialog(qtbot, practice)
    dialog.resize(360, dialog.minimumSizeHint().height())
    qtbot.wait(10)
    dialog.amount.selectAll()
    qtbot.keyClicks(dialog.amount, "300,00")
    qtbot.keyClick(dialog.amount, ENTER)
    message = dialog.boxes["amount"].message
    assert message.isVisible() and "dépasse" in message.text()
    qtbot.wait(10)
    assert message.height() >= message.heightForWidth(message.width()), "the error is clipped"
    below = dialog.boxes["reference"]
    assert message.mapTo(dialog, QPoint(0, message.height())).y() <= below.mapTo(dialog, QPoint(0, 0)).y(), \
        "the error overlaps the next field"
    assert dialog.reference.height() >= dialog.reference.sizeHint().height(), "the next field is squashed"


def test_ctrl_n_opens_the_new_child_form_with_the_last_name_focused(qtbot: QtBot, practice: Practice) -> None:
    window = children_window(qtbot, practice, active=True)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.children_page.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.isActiveWindow)
    last_name = dialog.editors["last_name"]
    assert focused() is last_name
    target = focused()
    assert target is not None
    qtbot.keyClicks(target, "Martin")
    assert isinstance(last_name, QLineEdit) and last_name.text() == "Martin"


def test_a_date_error_goes_as_soon_as_the_date_is_fixed(qtbot: QtBot, practice: Practice) -> None:
    dialog = ChildDialog(lambda: practice, SyncRunner(), None, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    birth = dialog.birth_date.line
    qtbot.keyClicks(birth, "31/02/2025")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.field_text("birth_date") == "Date invalide : 31/02/2025."
    assert focused() is dialog.editors["last_name"], "the first field in error (the empty last name) has the focus"
    birth.selectAll()
    qtbot.keyClicks(birth, "15/0")  # not yet a date: the error stays
    assert dialog.field_text("birth_date") == "Date invalide : 31/02/2025."
    qtbot.keyClicks(birth, "6/2026")
    assert dialog.field_text("birth_date") == "", "the date is a date now: its error went"
    qtbot.keyClicks(dialog.editors["first_name"], "Lea")  # typing elsewhere does not bring it back
    assert dialog.field_text("birth_date") == ""
    assert dialog.field_text("last_name") == "Champ obligatoire."  # the others stay until fixed
    qtbot.keyClicks(dialog.editors["last_name"], "M")
    assert dialog.field_text("last_name") == ""


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_nothing_moves_on_the_passphrase_page_when_its_error_goes(qtbot: QtBot, data_dir: Path) -> None:
    wizard = FirstRunWizard(data_dir, SyncRunner(), keychain.status(), FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.resize(800, 600)
    wizard.show()
    wizard.setCurrentId(wizard.pageIds()[-2] if wizard.currentPage() is not wizard.passphrase_page else 0)
    while wizard.currentPage() is not wizard.passphrase_page:
        wizard.next()
    page = wizard.passphrase_page
    qtbot.waitExposed(page)

    def remember_y() -> int:
        qtbot.wait(10)
        return page.remember.mapTo(wizard, QPoint(0, 0)).y()

    start = remember_y()
    _type(qtbot, page.first, "court")
    _type(qtbot, page.second, "court")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert "trop faible" in page.first_box.text
    with_error = remember_y()
    _type(qtbot, page.first, STRONG_PASSPHRASE)
    assert page.first_box.text == "", "the passphrase was changed: its error went"
    fixed = remember_y()
    assert (start, with_error, fixed) == (start, start, start), "the page moved when the error came or went"
    _type(qtbot, page.second, STRONG_PASSPHRASE + "x")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert "différentes" in page.second_box.text
    assert remember_y() == start


def test_the_unlock_button_stays_put_when_the_error_comes_and_goes(qtbot: QtBot, practice: Practice) -> None:
    window = children_window(qtbot, practice, active=True)
    window.resize(1366, 768)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # the lock screen
    assert window.is_locked
    panel = window.unlock_panel

    def button_y() -> int:
        qtbot.wait(10)
        return panel.unlock_button.mapTo(window, QPoint(0, 0)).y()

    start = button_y()
    qtbot.keyClicks(panel.passphrase, "pas la bonne")
    qtbot.keyClick(panel.passphrase, ENTER)
    assert panel.passphrase_box.text == "Phrase de passe incorrecte."
    with_error = button_y()
    qtbot.keyClicks(panel.passphrase, "x")  # typing again: the error goes
    assert panel.passphrase_box.text == ""
    assert (with_error, button_y()) == (start, start), "the button moved under the mouse"


def test_enter_after_a_refused_prescription_keeps_the_dialog(qtbot: QtBot, practice: Practice) -> None:
    child_id = make_child(practice)
    window = children_window(qtbot, practice, active=True)
    page = window.children_page
    page.open_child(child_id)
    page.file.tabs.setCurrentIndex(2)
    page.file.new_prescription_button.click()
    dialog = page.file.prescription_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    ended = (TODAY - timedelta(days=10)).strftime("%d/%m/%Y")
    dialog.valid_until.line.selectAll()
    qtbot.keyClicks(dialog.valid_until.line, ended)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # refused by the core
    assert dialog.field_text("valid_until") == "La fin de validité précède son début."
    assert focused() is dialog.valid_until.line, f"the focus is on {focused()!r}"
    target = focused()
    assert target is not None
    qtbot.keyClick(target, ENTER)
    assert dialog.isVisible() and dialog.valid_until.text() == ended
    assert list_prescriptions(practice.sessions, child_id) == []
