"""First run: the wizard checks each field where it is typed, then creates the encrypted practice."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWizard

from cocon_desktop.app import AppController
from cocon_desktop.security import keychain, vault
from cocon_desktop.services import practice_profile
from cocon_desktop.services.invoice_documents import NetworkAddress, stored_network_address
from cocon_desktop.services.practice_handle import open_with_recovery_key
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def _fill_profile(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    for page in (wizard.identity_page, wizard.contact_page):
        for name, editor in page.form.editors.items():
            if isinstance(editor, QLineEdit):
                _type(qtbot, editor, getattr(PROFILE, name).replace("é", "e"))
            else:
                editor.setCurrentIndex(editor.findData(getattr(PROFILE, name)))


def _next(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def test_wizard_creates_the_practice_and_opens_the_main_window(qtbot: QtBot, data_dir: Path) -> None:
    controller = AppController(data_dir, SyncRunner(), kdf=FAST_KDF)
    wizard = controller.start()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.contact_page
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.network_page  # left empty: given later in Paramètres › Réseaux
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.passphrase_page
    _type(qtbot, wizard.passphrase_page.first, STRONG_PASSPHRASE)
    _type(qtbot, wizard.passphrase_page.second, STRONG_PASSPHRASE)
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.recovery_page
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled(), "the recovery key must be confirmed as written down first"
    shown_key = wizard.recovery_page.view.text()
    wizard.recovery_page.confirm.setChecked(True)
    assert finish.isEnabled()
    assert not vault.vault_exists(data_dir)
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)

    window = controller.main_window
    assert isinstance(window, MainWindow), wizard.recovery_page.status.text()
    qtbot.addWidget(window)
    assert window.isVisible() and not window.is_locked
    assert vault.vault_exists(data_dir)
    saved = practice_profile.load_profile(window.practice.sessions)  # type: ignore[union-attr]
    assert saved.siret == PROFILE.siret and saved.network == PROFILE.network
    window.close()
    reopened = open_with_recovery_key(data_dir, shown_key)  # the key shown is the key that opens
    assert practice_profile.load_profile(reopened.sessions).name == saved.name
    reopened.close()


def test_wizard_shows_errors_at_the_field_and_keeps_what_was_typed(qtbot: QtBot, data_dir: Path) -> None:
    wizard = FirstRunWizard(data_dir, SyncRunner(), keychain.status(), FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    siret = wizard.identity_page.form.editors["siret"]
    assert isinstance(siret, QLineEdit)
    _type(qtbot, siret, "91234567500018")  # wrong check digit
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.identity_page
    box = wizard.identity_page.form.boxes["siret"]
    assert "SIRET est invalide" in box.text
    assert siret.text() == "91234567500018"
    assert wizard.identity_page.form.boxes["name"].text == ""
    _type(qtbot, siret, PROFILE.siret)
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.contact_page
    _next(qtbot, wizard)
    _next(qtbot, wizard)  # the network's address, left empty
    _type(qtbot, wizard.passphrase_page.first, "court")
    _type(qtbot, wizard.passphrase_page.second, "court")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.passphrase_page
    assert "trop faible" in wizard.passphrase_page.first_box.text.lower()
    _type(qtbot, wizard.passphrase_page.first, STRONG_PASSPHRASE)
    _type(qtbot, wizard.passphrase_page.second, STRONG_PASSPHRASE + "x")
    _next(qtbot, wizard)
    assert "différentes" in wizard.passphrase_page.second_box.text
    assert not vault.vault_exists(data_dir)


def test_remember_option_greyed_without_keychain(qtbot: QtBot, data_dir: Path) -> None:
    wizard = FirstRunWizard(data_dir, SyncRunner(), keychain.status(), FAST_KDF)
    qtbot.addWidget(wizard)
    assert not wizard.passphrase_page.remember.isEnabled()


def test_remember_in_keychain_then_start_opens_directly(qtbot: QtBot, data_dir: Path,
                                                        memory_keychain: object) -> None:
    controller = AppController(data_dir, SyncRunner(), kdf=FAST_KDF)
    wizard = controller.start()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    assert wizard.passphrase_page.remember.isEnabled()
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)  # the network's address, left empty
    _type(qtbot, wizard.passphrase_page.first, STRONG_PASSPHRASE)
    _type(qtbot, wizard.passphrase_page.second, STRONG_PASSPHRASE)
    wizard.passphrase_page.remember.setChecked(True)
    _next(qtbot, wizard)
    wizard.recovery_page.confirm.setChecked(True)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert controller.main_window is not None
    controller.main_window.close()

    again = AppController(data_dir, SyncRunner())
    first = again.start()
    qtbot.addWidget(first)
    assert isinstance(first, MainWindow), "the key in the keychain opens the practice without a passphrase"
    first.close()


def test_creation_in_the_background_then_main_window(qtbot: QtBot, data_dir: Path) -> None:
    from cocon_desktop.ui.tasks import ThreadPoolRunner

    controller = AppController(data_dir, ThreadPoolRunner(), kdf=FAST_KDF)
    wizard = controller.start()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)  # the network's address, left empty
    _type(qtbot, wizard.passphrase_page.first, STRONG_PASSPHRASE)
    _type(qtbot, wizard.passphrase_page.second, STRONG_PASSPHRASE)
    _next(qtbot, wizard)
    wizard.recovery_page.confirm.setChecked(True)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.isVisible(), "the wizard waits for the worker"
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=10000)
    assert not wizard.isVisible()
    controller.main_window.close()  # type: ignore[union-attr]


def test_wizard_asks_the_networks_address_and_writes_it_with_the_practice(qtbot: QtBot, data_dir: Path) -> None:
    """Issue 18, #6: the network's postal address and SIREN/SIRET are asked at first run (checked at their
    fields), not first after confirming « Émettre »."""
    controller = AppController(data_dir, SyncRunner(), kdf=FAST_KDF)
    wizard = controller.start()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    _next(qtbot, wizard)
    _fill_profile(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    page = wizard.network_page
    assert wizard.currentPage() is page
    assert page.network_label.text() == "Réseau : Réseau Périnatalité Occitanie (RPO)"  # chosen on the page before
    _type(qtbot, page.edits["street"], "12 rue des Lilas")
    _type(qtbot, page.edits["postcode"], "3100")
    _type(qtbot, page.edits["siret"], "732 829 321")
    _next(qtbot, wizard)
    assert wizard.currentPage() is page  # refused, each error at its field, what was typed kept
    assert page.boxes["postcode"].text == "Le code postal compte 5 chiffres."
    assert page.boxes["city"].text == "Champ obligatoire."
    assert "SIREN ou SIRET est invalide" in page.boxes["siret"].text
    assert page.edits["siret"].text() == "732 829 321" and page.boxes["street"].text == ""
    _type(qtbot, page.edits["postcode"], "31000")
    _type(qtbot, page.edits["city"], "Toulouse")
    _type(qtbot, page.edits["siret"], "732 829 320")
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.passphrase_page
    _type(qtbot, wizard.passphrase_page.first, STRONG_PASSPHRASE)
    _type(qtbot, wizard.passphrase_page.second, STRONG_PASSPHRASE)
    _next(qtbot, wizard)
    wizard.recovery_page.confirm.setChecked(True)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    window = controller.main_window
    assert isinstance(window, MainWindow), wizard.recovery_page.status.text()
    qtbot.addWidget(window)
    practice = window.practice
    assert practice is not None
    assert practice.read(stored_network_address, "RPO") == NetworkAddress("12 rue des Lilas", "31000", "Toulouse",
                                                                           "732829320")
    window.close()
