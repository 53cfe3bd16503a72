"""First run with the pathway choice (issue 22, S6): PCO-TND checked on the welcome page → the page « Votre
plateforme (PCO) » after the network's address, refused at its SIRET with what was typed kept, then the practice
created with the setting « cocon,pco-tnd » and PCO1; COCON alone (the default) leaves the setting and the payers as
before and never shows that page."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QWizard

from cocon_desktop import settings
from cocon_desktop.app import AppController
from cocon_desktop.services import payers, settings_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE

LEFT = Qt.MouseButton.LeftButton


def _type(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _next(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), LEFT)


def _click(qtbot: QtBot, box: QCheckBox) -> None:
    qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))


def _start(qtbot: QtBot, data_dir: Path) -> tuple[AppController, FirstRunWizard]:
    controller = AppController(data_dir, SyncRunner(), kdf=FAST_KDF)
    wizard = controller.start()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    wizard.show()
    return controller, wizard


def _profile(qtbot: QtBot, wizard: FirstRunWizard) -> None:
    for page in (wizard.identity_page, wizard.contact_page):
        assert wizard.currentPage() is page
        for name, editor in page.form.editors.items():
            if isinstance(editor, QLineEdit):
                _type(qtbot, editor, getattr(PROFILE, name).replace("é", "e"))
            else:
                editor.setCurrentIndex(editor.findData(getattr(PROFILE, name)))
        _next(qtbot, wizard)


def _finish(qtbot: QtBot, controller: AppController, wizard: FirstRunWizard) -> Practice:
    assert wizard.currentPage() is wizard.passphrase_page
    _type(qtbot, wizard.passphrase_page.first, STRONG_PASSPHRASE)
    _type(qtbot, wizard.passphrase_page.second, STRONG_PASSPHRASE)
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.recovery_page
    _click(qtbot, wizard.recovery_page.confirm)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), LEFT)
    window = controller.main_window
    assert isinstance(window, MainWindow), wizard.recovery_page.status.text()
    qtbot.addWidget(window)
    assert window.practice is not None
    return window.practice


def test_wizard_with_pco_tnd_creates_the_practice_with_its_platform(qtbot: QtBot, data_dir: Path) -> None:
    controller, wizard = _start(qtbot, data_dir)
    choice = wizard.pathways
    assert choice.boxes["cocon"].isChecked() and not choice.boxes["pco-tnd"].isChecked()
    _click(qtbot, choice.boxes["pco-tnd"])
    assert choice.chosen() == ("cocon", "pco-tnd")
    _next(qtbot, wizard)
    _profile(qtbot, wizard)
    assert wizard.currentPage() is wizard.network_page  # COCON followed: its network's address (left empty)
    _next(qtbot, wizard)
    page = wizard.platform_page
    assert wizard.currentPage() is page
    for name, text in (("name", "PCO-TND de la Gironde"), ("street", "10 rue des Platanes"), ("postcode", "33000"),
                       ("city", "Bordeaux"), ("siret", "732 829 321 00075")):
        _type(qtbot, page.edits[name], text)
    _next(qtbot, wizard)
    assert wizard.currentPage() is page  # refused at its field
    assert page.boxes["siret"].text.startswith("Ce SIRET est invalide (chiffre de contrôle)")
    assert page.boxes["name"].text == "" and page.edits["siret"].text() == "732 829 321 00075"
    _type(qtbot, page.edits["siret"], "732 829 320 00074")
    _next(qtbot, wizard)
    practice = _finish(qtbot, controller, wizard)
    assert settings_store.get(practice.sessions, settings.PATHWAYS) == "cocon,pco-tnd"
    [record] = payers.list_payers(practice.sessions)
    assert (record.code, record.pathway, record.name, record.siret, record.city) == (
        "PCO1", "pco-tnd", "PCO-TND de la Gironde", "73282932000074", "Bordeaux")
    controller.main_window.close()  # type: ignore[union-attr]


def test_wizard_left_as_it_is_keeps_cocon_alone_and_never_asks_for_a_pco(qtbot: QtBot, data_dir: Path) -> None:
    controller, wizard = _start(qtbot, data_dir)
    _next(qtbot, wizard)
    _profile(qtbot, wizard)
    assert wizard.currentPage() is wizard.network_page
    _next(qtbot, wizard)
    practice = _finish(qtbot, controller, wizard)  # straight to the passphrase: no PCO page
    assert settings_store.get(practice.sessions, settings.PATHWAYS) == settings.PATHWAYS.default
    assert payers.list_payers(practice.sessions) == []
    controller.main_window.close()  # type: ignore[union-attr]


def test_pco_tnd_alone_skips_the_networks_address_and_hides_the_network(qtbot: QtBot, data_dir: Path) -> None:
    controller, wizard = _start(qtbot, data_dir)
    choice = wizard.pathways
    _click(qtbot, choice.boxes["cocon"])  # the last box checked cannot be unchecked
    assert choice.boxes["cocon"].isChecked()
    _click(qtbot, choice.boxes["pco-tnd"])
    _click(qtbot, choice.boxes["cocon"])
    assert choice.chosen() == ("pco-tnd",)
    _next(qtbot, wizard)
    for page in (wizard.identity_page, wizard.contact_page):
        for name, editor in page.form.editors.items():
            if isinstance(editor, QLineEdit):
                _type(qtbot, editor, getattr(PROFILE, name).replace("é", "e"))
    assert not wizard.contact_page.form.editors["network"].isVisibleTo(wizard.contact_page)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentPage() is wizard.platform_page  # no network's address: left empty, the PCO's page
    _next(qtbot, wizard)
    practice = _finish(qtbot, controller, wizard)
    assert settings_store.get(practice.sessions, settings.PATHWAYS) == "pco-tnd"
    assert payers.list_payers(practice.sessions) == []  # left empty: added later in Paramètres
    controller.main_window.close()  # type: ignore[union-attr]
