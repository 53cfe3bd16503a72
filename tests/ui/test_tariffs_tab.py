"""Paramètres › Tarifs: the shipped examples are shown as such; an edit is saved as a new dated version."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pytestqt.qtbot import QtBot

from cocon_desktop.services import tariff_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner


def _tab(qtbot: QtBot, practice: Practice):  # type: ignore[no-untyped-def]
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.page_keys.index("settings"))
    tab = window.settings_page.tariffs_tab
    window.settings_page.tabs.setCurrentWidget(tab)
    return tab


def test_shipped_tariff_is_shown_as_an_example(qtbot: QtBot, practice: Practice) -> None:
    tab = _tab(qtbot, practice)
    assert tab.network.currentData() == "RPO"  # the practice's network first
    assert tab.table.rowCount() == 2
    assert tab.table.item(1, 0).text() == "Forfait de soins 2–7 ans"
    assert tab.example.isVisibleTo(tab) and "confirmez-les" in tab.example.text()


def test_edit_saved_as_new_version_and_bad_values_refused(qtbot: QtBot, practice: Practice) -> None:
    tab = _tab(qtbot, practice)
    tab.table.item(0, 4).setText("quarante")
    tab.effective.setText("01/01/2027")
    tab.save()
    assert "Montant invalide" in tab.status.text() and tab.status.text().startswith("Ligne 1")
    assert len(tariff_store.load_tariffs(practice.sessions)["RPO"].versions) == 1
    tab.table.item(0, 4).setText("41,50")
    tab.effective.setText("31/02/2027")
    tab.save()
    assert "Date invalide" in tab.effective_box.text
    tab.effective.setText("01/01/2027")
    tab.save()
    assert "Version enregistrée" in tab.status.text()
    rpo = tariff_store.load_tariffs(practice.sessions)["RPO"]
    assert [v.source for v in rpo.versions] == ["shipped", "local"]
    assert rpo.version_on(date(2027, 1, 1)).forfaits[0].session_price == Decimal("41.50")  # type: ignore[union-attr]
    assert rpo.version_on(date(2026, 12, 31)).forfaits[0].session_price == Decimal("39.00")  # type: ignore[union-attr]
    assert tab.version.count() == 2 and "modifiée ici" in tab.version.currentText()
    assert not tab.example.isVisibleTo(tab)
