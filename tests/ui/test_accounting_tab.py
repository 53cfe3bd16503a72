"""Paramètres › Comptabilité: the FEC's chart of accounts shown with its defaults, edited with the keyboard and
saved (the next FEC uses it, accrual entries included); an account that is not 3 to 20 letters or digits refused at
its field, nothing written (issue 20, #1)."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.services.fec_export import fec_file, load_chart
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.accounting_tab import AccountingTab
from cocon_desktop.ui.tasks import SyncRunner
from tests.db.fec_reader import GENERAL, read_fec
from tests.ui.dashboard_helpers import dashboard_data


def _tab(qtbot: QtBot, practice: Practice) -> AccountingTab:
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.show_page("settings")
    page = window.settings_page
    page.tabs.setCurrentWidget(page.accounting_tab)
    assert page.tabs.tabText(page.tabs.currentIndex()) == "Comptabilité"
    return page.accounting_tab


def _retype(qtbot: QtBot, tab: AccountingTab, name: str, text: str) -> None:
    edit = tab.edits[name]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_the_chart_is_edited_and_the_next_fec_uses_it(qtbot: QtBot, practice: Practice) -> None:
    dashboard_data(practice)
    tab = _tab(qtbot, practice)
    assert [tab.edits[n].text() for n in ("receipts", "bank", "customers", "auxiliary_RPM")] == \
        ["706", "512", "411", "RPM"]
    assert not tab.accrual.isChecked()
    _retype(qtbot, tab, "receipts", "7061")
    _retype(qtbot, tab, "auxiliary_RPM", "411MED")
    tab.accrual.setFocus()
    qtbot.keyClick(tab.accrual, Qt.Key.Key_Space)
    qtbot.keyClick(tab.edits["auxiliary_RPM"], Qt.Key.Key_Return)
    assert tab.status.text() == "Comptes enregistrés : le prochain FEC les utilise."
    chart = practice.read(load_chart)
    assert (chart.receipts, chart.auxiliary("RPM"), chart.accrual) == ("7061", "411MED", True)
    built = practice.read(fec_file, 2026)
    read = read_fec(built.name, built.data, date(2026, 1, 1))
    assert read.fields == GENERAL and "7061" in {r["CompteNum"] for r in read.records}
    assert {r["CompAuxNum"] for r in read.records if r["CompteNum"] == "411"} == {"411MED"}


def test_an_account_refused_is_said_at_its_field_and_nothing_is_written(qtbot: QtBot, practice: Practice) -> None:
    tab = _tab(qtbot, practice)
    _retype(qtbot, tab, "bank", "51 2")
    _retype(qtbot, tab, "receipts", "7062")
    qtbot.keyClick(tab.edits["receipts"], Qt.Key.Key_Return)
    assert tab.errors["bank"].isVisible() and tab.errors["bank"].text().startswith("Numéro de compte invalide : 51 2")
    assert not tab.errors["receipts"].isVisible() and tab.status.text() == ""
    assert practice.read(load_chart).receipts == "706"  # nothing written
    assert tab.save_button.isEnabled()
