"""Paramètres › Réseaux (issue 18, #5 and #6): the network's postal address and SIREN/SIRET saved with
« Enregistrer » (a write announcing PROFILE), a bad SIRET refused at its field and nothing written; its address of
reception, token and server certificate through the « Adresse de réception » dialog (ENDPOINTS), after which
« Envoyer maintenant » is enabled. Real widgets in a real MainWindow on a real SQLCipher practice, SyncRunner."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.clock import FixedClock
from cocon_desktop.services import network_endpoints
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.invoice_documents import NetworkAddress, stored_network_address
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.networks_tab import NetworksTab
from cocon_desktop.ui.tasks import SyncRunner
from cocon_network.receiver import Receiver
from tests.db.batch_helpers import issue_october
from tests.db.invoice_helpers import TODAY
from tests.sync_samples import TOKEN


def _networks(qtbot: QtBot, practice: Practice) -> tuple[MainWindow, NetworksTab, list[Changes]]:
    runner = SyncRunner()
    announced: list[Changes] = []
    runner.subscribe(announced.append)
    window = MainWindow(practice, runner, clock=FixedClock(TODAY))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # focus is asserted
    qtbot.waitUntil(window.isActiveWindow)
    window.show_page("settings")
    settings = window.settings_page
    tab = settings.networks_tab
    settings.tabs.setCurrentWidget(tab)
    assert settings.tabs.tabText(settings.tabs.currentIndex()) == "Réseaux"
    return window, tab, announced


def test_the_address_and_siret_are_saved_and_a_bad_siret_is_refused_at_its_field(qtbot: QtBot,
                                                                                  practice: Practice) -> None:
    _window, tab, announced = _networks(qtbot, practice)
    assert tab.selected_network() == "RPO"  # the practice's own network first
    assert tab.edits["street"].text() == "" and "pas encore renseignée" in tab.address_status.text()
    qtbot.keyClicks(tab.edits["street"], "12 rue des Lilas")
    qtbot.keyClicks(tab.edits["postcode"], "31000")
    qtbot.keyClicks(tab.edits["city"], "Toulouse")
    qtbot.keyClicks(tab.edits["siret"], "732 829 321")  # a wrong check digit
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.field_error("siret") == ("Ce SIREN ou SIRET est invalide (chiffre de contrôle) : recopiez-le depuis "
                                        "la convention du réseau.")
    assert tab.field_error("street") == tab.field_error("postcode") == ""
    assert tab.address_status.text() == ""  # said at its field, not twice
    assert tab.edits["siret"].hasFocus() and tab.edits["siret"].text() == "732 829 321"  # kept as typed
    assert announced == [] and practice.read(stored_network_address, "RPO") is None  # nothing written

    tab.edits["siret"].selectAll()
    qtbot.keyClicks(tab.edits["siret"], "123")
    qtbot.keyClick(tab.edits["siret"], Qt.Key.Key_Return)  # Entrée saves
    assert tab.field_error("siret") == "Le SIREN compte 9 chiffres, le SIRET 14."
    tab.edits["siret"].selectAll()
    qtbot.keyClicks(tab.edits["siret"], "732 829 320")
    assert tab.field_error("siret") == ""  # the message goes as the field is fixed
    qtbot.keyClick(tab.edits["siret"], Qt.Key.Key_Return)
    assert announced == [Changes.PROFILE]
    assert tab.address_status.text() == "Adresse du réseau RPO enregistrée."
    assert practice.read(stored_network_address, "RPO") == NetworkAddress("12 rue des Lilas", "31000", "Toulouse",
                                                                           "732829320")
    assert tab.edits["siret"].text() == "732829320"

    tab.choose_network("RPM")  # another network: its own (empty) fields
    assert tab.edits["street"].text() == "" and tab.edits["siret"].text() == ""
    tab.choose_network("RPO")
    assert tab.edits["city"].text() == "Toulouse"


def test_the_address_of_reception_is_saved_and_sending_becomes_possible(qtbot: QtBot, practice: Practice,
                                                                        receiver: Receiver) -> None:
    issue_october(practice, ("RPO",))
    window, tab, announced = _networks(qtbot, practice)
    assert tab.reception_label.text().startswith("Aucune adresse de réception : les lots du réseau RPO")
    assert "cocon" not in tab.reception_label.text()
    qtbot.mouseClick(tab.endpoint_button, Qt.MouseButton.LeftButton)
    dialog = tab.endpoint_dialog
    assert dialog is not None and dialog.isVisible() and dialog.network == "RPO"
    qtbot.keyClicks(dialog.url, receiver.url)
    qtbot.keyClicks(dialog.token, TOKEN)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and announced == [Changes.ENDPOINTS]
    stored = practice.read(network_endpoints.endpoint, "RPO")
    assert stored is not None and stored.url == receiver.url and stored.token == TOKEN
    assert tab.reception_label.text() == (f"Les lots du réseau RPO lui sont envoyés à {receiver.url} (jeton "
                                          "d'accès enregistré ; certificat du serveur : autorités du système).")
    assert tab.reception_status.text() == "Adresse de réception du réseau RPO enregistrée."

    window.show_page("sync")
    page = window.sync_page
    page.close_button.click()
    assert page.send_button.isEnabled()
    page.send_button.click()
    assert page.message.text() == "1 lot reçu."
