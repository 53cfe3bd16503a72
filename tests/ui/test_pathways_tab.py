"""Paramètres › Parcours et payeurs (issue 22, S6), driven with the mouse and the keyboard on a real encrypted
practice: PCO-TND checked → the setting saved and the plateformes shown; a plateforme refused at its SIRET (nothing
saved, what was typed kept), then added as PCO1, disabled; PCO-TND unchecked → the child's « Relais vers une PCO »
gone; the Tarifs tab shows PCO-TND's national tariff only while it is followed."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QCheckBox

from cocon_desktop import settings
from cocon_desktop.services import payers, settings_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.payer_dialog import PayerDialog
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.pathways_tab import PathwaysTab
from tests.pco_samples import rpm_child
from tests.ui.child_helpers import children_window

LEFT = Qt.MouseButton.LeftButton


def _tab(qtbot: QtBot, window: MainWindow) -> PathwaysTab:
    window.show_page("settings")
    page = window.settings_page
    page.tabs.setCurrentWidget(page.pathways_tab)
    tab = page.pathways_tab
    qtbot.waitUntil(lambda: tab.boxes["cocon"].isChecked())
    return tab


def _click(qtbot: QtBot, box: QCheckBox) -> None:
    """On its square (the box is as wide as the tab; its middle is outside what it takes a click on)."""
    qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))


def _dialog(qtbot: QtBot, tab: PathwaysTab) -> PayerDialog:
    qtbot.waitUntil(lambda: tab.payer_dialog is not None and tab.payer_dialog.isVisible())
    assert tab.payer_dialog is not None
    return tab.payer_dialog


def _type(qtbot: QtBot, dialog: PayerDialog, name: str, text: str) -> None:
    edit = dialog.edits[name]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_choose_pco_tnd_add_a_platform_refused_then_saved_disable_it(qtbot: QtBot, practice: Practice) -> None:
    child_id = rpm_child(practice)
    window = children_window(qtbot, practice, active=True)
    window.children_page.open_child(child_id)
    assert not window.children_page.file.relay_button.isVisible()
    tab = _tab(qtbot, window)
    assert not tab.boxes["pco-tnd"].isChecked()
    assert not tab.platforms.isVisible()  # no PCO list while PCO-TND is not followed

    _click(qtbot, tab.boxes["pco-tnd"])
    qtbot.waitUntil(tab.platforms.isVisible)
    assert settings_store.get(practice.sessions, settings.PATHWAYS) == "cocon,pco-tnd"
    assert tab.pathways_status.text() == "Parcours suivis : COCON, PCO-TND."

    qtbot.mouseClick(tab.add_button, LEFT)
    dialog = _dialog(qtbot, tab)
    for name, text in (("name", "PCO-TND de la Gironde"), ("street", "10 rue des Platanes"), ("postcode", "33000"),
                       ("city", "Bordeaux"), ("siret", "732 829 321 00075"), ("reference", "CONV-2026-12")):
        _type(qtbot, dialog, name, text)
    qtbot.keyClick(dialog.edits["reference"], Qt.Key.Key_Return)  # Entrée: « Enregistrer »
    assert dialog.isVisible()
    assert dialog.field_error("siret").startswith("Ce SIRET est invalide (chiffre de contrôle)")
    assert dialog.field_error("name") == ""
    assert dialog.edits["siret"].text() == "732 829 321 00075" and dialog.edits["city"].text() == "Bordeaux"
    assert payers.list_payers(practice.sessions) == []  # nothing saved
    _type(qtbot, dialog, "siret", "732 829 320 00074")
    assert dialog.field_error("siret") == ""  # the message goes as the field is changed
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    [record] = payers.list_payers(practice.sessions)
    assert (record.code, record.siret, record.reference, record.active) == ("PCO1", "73282932000074",
                                                                            "CONV-2026-12", True)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    cells = [tab.model.index(0, column).data() for column in range(tab.model.columnCount())]
    assert cells == ["PCO1", "PCO-TND de la Gironde", "33000 Bordeaux", "732 829 320 00074", "active"]
    assert tab.selected() is not None and tab.selected().code == "PCO1"  # type: ignore[union-attr]

    qtbot.mouseClick(tab.active_button, LEFT)  # « Désactiver »
    qtbot.waitUntil(lambda: tab.model.index(0, 4).data() == "désactivée")
    assert not payers.get_payer(practice.sessions, "PCO1").active
    assert tab.active_button.text() == "Réactiver"

    # the child's file, left open behind, reads again from the write's Changes when shown: the relay offered
    # while PCO-TND is followed, not once it is unchecked
    window.show_page("children")
    file = window.children_page.file
    assert window.children_page.stack.currentWidget() is file
    qtbot.waitUntil(file.relay_button.isVisible)
    tab = _tab(qtbot, window)
    _click(qtbot, tab.boxes["pco-tnd"])
    qtbot.waitUntil(lambda: not tab.platforms.isVisible())
    assert settings_store.get(practice.sessions, settings.PATHWAYS) == "cocon"
    window.show_page("children")
    qtbot.waitUntil(lambda: file.content is not None and file.content.pathways == ("cocon",))
    assert not file.relay_button.isVisible()


def test_the_last_pathway_cannot_be_unchecked(qtbot: QtBot, practice: Practice) -> None:
    window = children_window(qtbot, practice)
    tab = _tab(qtbot, window)
    _click(qtbot, tab.boxes["cocon"])
    qtbot.waitUntil(lambda: tab.pathways_status.text() != "")
    assert "Choisissez au moins un parcours" in tab.pathways_status.text()
    assert tab.boxes["cocon"].isChecked()  # as saved
    assert settings_store.get(practice.sessions, settings.PATHWAYS) == "cocon"


def test_tariffs_tab_shows_the_pco_tariff_only_while_followed(qtbot: QtBot, practice: Practice) -> None:
    window = children_window(qtbot, practice)
    tab = _tab(qtbot, window)
    tariffs = window.settings_page.tariffs_tab
    qtbot.waitUntil(lambda: bool(tariffs.tariffs))
    assert tariffs.network.findData("PCO-TND") < 0
    _click(qtbot, tab.boxes["pco-tnd"])
    qtbot.waitUntil(lambda: tariffs.network.findData("PCO-TND") >= 0)
    window.settings_page.tabs.setCurrentWidget(tariffs)
    tariffs.network.setCurrentIndex(tariffs.network.findData("PCO-TND"))
    QApplication.processEvents()
    assert tariffs.example.isVisible()
    assert "À confirmer avec votre PCO" in tariffs.example.text()
    assert "le découpage en versements" in tariffs.example.text()
    assert not tariffs.save_button.isEnabled()  # read-only
    header = [tariffs.table.horizontalHeaderItem(c).text() for c in range(tariffs.table.columnCount())]
    assert header[-1] == "Versements (€)"
    rows = {tariffs.table.item(r, 0).text(): tariffs.table.item(r, 4).text() for r in range(tariffs.table.rowCount())}
    assert rows["Forfait précoce 0–6 ans — bilan et interventions"] == "1 500"
    assert rows["Forfait précoce 7–12 ans — bilan"] == "⚠ 140"
    # back to the settings tab: unchecked, the tariff goes and an RPM one is shown, editable
    window.settings_page.tabs.setCurrentWidget(tab)
    _click(qtbot, tab.boxes["pco-tnd"])
    qtbot.waitUntil(lambda: tariffs.network.findData("PCO-TND") < 0)
    assert tariffs.save_button.isEnabled()
    assert tariffs.table.horizontalHeaderItem(4).text() == "Prix d'une séance (€)"


def test_change_a_platform_keeps_its_code_and_enable_it_again(qtbot: QtBot, practice: Practice) -> None:
    settings_store.put(practice.sessions, settings.PATHWAYS, "cocon,pco-tnd")
    payers.add_payer(practice.sessions, "pco-tnd", payers.PayerData(
        name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux"))
    payers.disable_payer(practice.sessions, "PCO1")
    window = children_window(qtbot, practice, active=True)
    tab = _tab(qtbot, window)
    qtbot.waitUntil(lambda: tab.platforms.isVisible() and tab.model.rowCount() == 1)
    assert not tab.edit_button.isEnabled()  # nothing chosen yet
    rect = tab.table.visualRect(tab.model.index(0, 1))
    qtbot.mouseClick(tab.table.viewport(), LEFT, pos=rect.center())
    assert tab.edit_button.isEnabled() and tab.active_button.text() == "Réactiver"
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Entrée on the row: « Modifier… »
    dialog = _dialog(qtbot, tab)
    assert dialog.windowTitle() == "Modifier la plateforme PCO1"
    assert dialog.edits["city"].text() == "Bordeaux"
    _type(qtbot, dialog, "street", "2 rue des Pins")
    _type(qtbot, dialog, "postcode", "3300")
    qtbot.keyClick(dialog.edits["postcode"], Qt.Key.Key_Return)
    assert dialog.field_error("postcode") == "Le code postal compte 5 chiffres."
    _type(qtbot, dialog, "postcode", "33700")
    qtbot.keyClick(dialog.edits["postcode"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    record = payers.get_payer(practice.sessions, "PCO1")
    assert (record.street, record.postcode, record.active) == ("2 rue des Pins", "33700", False)
    qtbot.waitUntil(lambda: tab.active_button.text() == "Réactiver")
    qtbot.mouseClick(tab.active_button, LEFT)
    qtbot.waitUntil(lambda: tab.model.index(0, 4).data() == "active")
    assert payers.get_payer(practice.sessions, "PCO1").active
    assert [r.code for r in payers.list_payers(practice.sessions)] == ["PCO1"]
