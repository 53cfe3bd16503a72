"""Tableau de bord on a real encrypted practice: the action lines from real data, each opening the right page, the
charts against the service's figures, the refresh after a change elsewhere, the accountant's exports written to
files, and every load going through the background runner."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from cocon_desktop import messages
from cocon_desktop.clock import FixedClock
from cocon_desktop.domain.attestation import Period
from cocon_desktop.services.dashboard import monthly_series
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.dashboard_page import CHARTS_AFTER_MS, DashboardPage
from cocon_desktop.ui.pages.invoice_issue_tab import PREVIEW_COLUMNS
from cocon_desktop.ui.tasks import SyncRunner, TaskRunner
from cocon_desktop.ui.widgets.exports_box import ExportsBox, combo_index, journal_year, report_months
from tests.db.invoice_helpers import TODAY
from tests.ui.dashboard_helpers import LOW_INCLUSION, PAID_ON, charts_of, dashboard_data
from tests.ui.refresh_helpers import follow_writes


@pytest.fixture
def data(practice: Practice) -> dict[str, Any]:
    return dashboard_data(practice)


def dashboard_window(qtbot: QtBot, practice: Practice) -> MainWindow:
    window = MainWindow(practice, SyncRunner(), clock=FixedClock(TODAY))  # the pages' "today", exports included
    qtbot.addWidget(window)
    window.show()  # the dashboard is the first page: shown, it loads
    return window


def row_of(page: DashboardPage, starts: str) -> int:
    return next(n for n, item in enumerate(page.model.rows) if item.text.startswith(starts))


def texts(page: DashboardPage) -> list[str]:
    return [item.text for item in page.model.rows]


class DeferredRunner(TaskRunner):
    """Keeps the tasks: nothing runs until the test says so (as a worker thread would, later)."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]] = []

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None]) -> None:
        self.tasks.append((fn, on_done, on_error))

    def drain(self) -> None:
        while self.tasks:
            self.finish(0)

    def finish(self, index: int) -> None:
        fn, on_done, _ = self.tasks.pop(index)
        on_done(fn())


def test_lists_what_needs_doing_from_real_data(qtbot: QtBot, practice: Practice, data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    assert window.pages.currentWidget() is page
    lines = texts(page)
    assert "Facture FAC-2026-0002 (RPM, 218,00\xa0€) : 218,00\xa0€ impayés, échue depuis le 15/11/2026 (8 jours)." \
        in lines
    assert not any("FAC-2026-0001" in line for line in lines)  # paid on 20/11
    assert any(line.startswith(f"Jules PETIT ({LOW_INCLUSION}) : plus que 2 séances") for line in lines)
    assert "RPO : 16 séances d'octobre 2026 restent à facturer." in lines
    assert any(line.startswith("Lot RPM du 20/10/2026 (3 documents") for line in lines)
    assert "7 enfants ont eu des soins en octobre 2026 sans attestation de séances." in lines
    severities = [item.severity for item in page.model.rows]
    assert severities == sorted(severities, key=("error", "warning", "info").index)
    assert page.summary.text() == f"{len(lines)} points à traiter · {severities.count('warning')} à surveiller"
    overdue = row_of(page, "Facture FAC-2026-0002")
    assert page.model.index(overdue, 1).data() == "8 jours"
    assert page.model.index(overdue, 0).data(Qt.ItemDataRole.DecorationRole) is not None


def test_enter_on_a_forfait_line_opens_the_childs_file(qtbot: QtBot, practice: Practice,
                                                       data: dict[str, Any]) -> None:
    """… on « Prescriptions et forfaits », where the forfait is, whatever tab was shown before (issue 18, #15)."""
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    window.children_page.file.tabs.setCurrentIndex(0)  # Identité
    page.table.setFocus()
    page.table.selectRow(row_of(page, "Jules PETIT"))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    children = window.children_page
    assert window.pages.currentWidget() is children
    assert children.stack.currentWidget() is children.file
    assert children.file.content is not None
    assert children.file.content.record.id == data["low"]
    assert children.file.content.record.data.inclusion_number == LOW_INCLUSION
    tabs = children.file.tabs
    assert tabs.tabText(tabs.currentIndex()) == "Prescriptions et forfaits"
    assert children.file.new_prescription_button.isVisible()


def test_double_click_on_an_overdue_invoice_opens_the_unpaid_tab_on_it(qtbot: QtBot, practice: Practice,
                                                                        data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    row = row_of(page, "Facture FAC-2026-0003")
    rect = page.table.visualRect(page.model.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    invoicing = window.invoicing_page
    assert window.pages.currentWidget() is invoicing
    assert invoicing.tabs.currentWidget() is invoicing.unpaid_tab
    tab = invoicing.unpaid_tab
    selected = tab.table.selectionModel().selectedRows()
    assert [tab.rows[index.row()].number for index in selected] == ["FAC-2026-0003"]


def test_seances_to_invoice_open_the_issue_tab_on_the_network_and_month(qtbot: QtBot, practice: Practice,
                                                                       data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    tab = window.invoicing_page.issue_tab
    tab.month.setCurrentIndex(0)  # another month before: the line puts October back
    page.open_row(row_of(page, "RPO : 16 séances"))
    assert window.pages.currentWidget() is window.invoicing_page
    assert window.invoicing_page.tabs.currentWidget() is tab
    assert tab.selected_network() == "RPO"
    assert tab.period() == (date(2026, 10, 1), date(2026, 10, 31))
    acts = PREVIEW_COLUMNS.index("Actes")
    assert sum(int(tab.table.item(r, acts).text()) for r in range(tab.table.rowCount())) == 16  # the 16 séances
    window.show_page("dashboard")
    page.open_row(row_of(page, "RPM : 3 séances"))
    assert tab.selected_network() == "RPM" and tab.table.rowCount() == 3


def test_a_batch_line_opens_synchronisation_on_the_batch(qtbot: QtBot, practice: Practice,
                                                         data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    page.open_row(row_of(page, "Lot RPM du 20/10/2026"))
    assert window.pages.currentWidget() is window.sync_page
    current = window.sync_page.current()
    assert current is not None and current.id == data["batch"].id


def test_each_line_is_written_from_its_code_and_opens_by_its_network(qtbot: QtBot, practice: Practice,
                                                                       data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    model = page.model
    assert [model.data(model.index(row, 0)) for row in range(model.rowCount())] == texts(page)  # as the CLI says
    assert all(item.code in messages.MESSAGES for item in model.rows)
    rows = [n for n, item in enumerate(model.rows) if item.target in ("sync", "invoicing") and item.network]
    assert rows
    for row in rows:  # the network comes from the line's data, never from its text
        item = model.rows[row]
        window.show_page("dashboard")
        page.open_row(row)
        if item.target == "sync":
            assert window.pages.currentWidget() is window.sync_page
            assert window.sync_page.selected_network() == item.network
        else:
            assert window.invoicing_page.issue_tab.selected_network() == item.network


def test_with_a_background_runner_the_batch_is_selected_once_loaded(qtbot: QtBot, practice: Practice,
                                                                      data: dict[str, Any]) -> None:
    runner = DeferredRunner()
    window = MainWindow(practice, runner, clock=FixedClock(TODAY))
    qtbot.addWidget(window)
    window.show()
    runner.drain()
    page = window.dashboard_page
    page.open_row(row_of(page, "Lot RPM du 20/10/2026"))
    assert window.pages.currentWidget() is window.sync_page and window.sync_page.current() is None  # not loaded
    runner.drain()
    qtbot.waitUntil(lambda: window.sync_page.current() is not None)
    current = window.sync_page.current()
    assert current is not None and current.id == data["batch"].id


def test_an_attestation_line_opens_attestations_on_the_month(qtbot: QtBot, practice: Practice,
                                                             data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    window.attestations_page.picker.set_kind("annuelle")  # elsewhere before: the line puts the month back
    page.open_row(row_of(page, "7 enfants ont eu des soins"))
    attestations = window.attestations_page
    assert window.pages.currentWidget() is attestations
    assert attestations.picker.selected_kind() == "seances"
    assert attestations.picker.period() == Period(date(2026, 10, 1), date(2026, 10, 31))


def test_the_charts_draw_the_services_figures(qtbot: QtBot, practice: Practice, data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    qtbot.waitUntil(lambda: bool(page.seances_chart.labels))  # the charts load once the lines show
    series = monthly_series(practice.sessions, TODAY)
    assert len(series) == 12 and series[-1].month == date(2026, 11, 1)
    assert page.seances_chart.labels[:3] == ["déc.\n2025", "janv.\n2026", "févr."]
    assert page.seances_chart.labels[-2:] == ["oct.", "nov."]
    assert page.seances_chart.values() == [float(p.seances) for p in series]
    assert page.amounts_chart.values(0) == [float(p.invoiced) for p in series]
    assert page.amounts_chart.values(1) == [float(p.paid) for p in series]
    assert page.seances_chart.values()[-2] == 28  # 6 children × 4 + Jules's 4, held in October
    assert page.amounts_chart.values(0)[-2] == 654.0 and page.amounts_chart.values(1)[-1] == 218.0
    assert page.network_chart.labels == ["RPM\n12 séances", "RPO\n16 séances"]
    assert page.network_chart.values(0) == [654.0, 0.0] and page.network_chart.values(1) == [218.0, 0.0]
    assert page.amounts_chart.describe(10) == \
        "oct. — Facturé (mois de la facture) : 654 €, Encaissé (mois du paiement) : 0 €"
    assert page.seances_chart.title == "Séances par mois de soin"  # séances by care month, amounts by invoice month
    assert page.amounts_chart.title == "Montants par mois de facture et de paiement"
    assert page.seances_chart.isVisible() and not page.start_panel.isVisible()
    page.network.setCurrentIndex(page.network.findData("RPO"))
    rpo = monthly_series(practice.sessions, TODAY, network="RPO")
    assert page.seances_chart.values() == [float(p.seances) for p in rpo]
    assert page.seances_chart.values()[-2] == 16 and page.amounts_chart.values(0) == [0.0] * 12


def test_a_payment_elsewhere_refreshes_the_dashboard(qtbot: QtBot, practice: Practice,
                                                      data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    assert any("FAC-2026-0002" in line for line in texts(page))
    window.show_page("invoicing")  # the payment recorded in its dialog, as the user does
    docs = window.invoicing_page.documents_tab
    window.invoicing_page.tabs.setCurrentWidget(docs)
    docs.select("FAC-2026-0002")
    docs.payment_button.click()
    dialog = docs.payment_dialog
    assert dialog is not None
    dialog.amount.setText("218,00")
    dialog.save_button.click()
    assert not dialog.isVisible()
    window.show_page("dashboard")  # stale while hidden: it reads again when shown
    assert not any("FAC-2026-0002" in line for line in texts(page))
    qtbot.waitUntil(lambda: page.amounts_chart.values(1)[-1:] == [436.0])  # the charts, once the lines show


def test_loading_goes_through_the_runner_and_a_late_answer_is_dropped(qtbot: QtBot, practice: Practice,
                                                                      data: dict[str, Any]) -> None:
    runner = DeferredRunner()
    page = DashboardPage(runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    follow_writes(runner, page)  # as in the window: it reads when shown
    page.set_practice(practice)
    page.show()
    assert len(runner.tasks) == 1 and page.model.rowCount() == 0  # the lines first: asked, not run here
    page.today = lambda: date(2026, 10, 2)  # a second reload, answered first: the older answer must not win
    page.reload()
    runner.finish(1)  # the newer lines; the charts are asked once they show
    newer = texts(page)
    assert not any("FAC-2026-0002" in line for line in newer)  # not yet due on 02/10
    assert len(runner.tasks) == 1 and page.seances_chart.labels == []
    qtbot.waitUntil(lambda: len(runner.tasks) == 2)
    runner.finish(1)  # the charts
    labels = page.seances_chart.labels
    assert labels[-1] == "oct."
    runner.finish(0)  # the older lines, late: dropped, and no second charts load
    qtbot.wait(2 * CHARTS_AFTER_MS)
    assert texts(page) == newer and page.seances_chart.labels == labels and runner.tasks == []
    page.set_practice(None)  # locked: nothing is asked
    page.reload()
    assert runner.tasks == []


def test_exports_write_the_journal_and_the_activity_report(qtbot: QtBot, practice: Practice,
                                                           data: dict[str, Any], tmp_path: Path) -> None:
    window = dashboard_window(qtbot, practice)
    box = window.dashboard_page.exports
    box.year.setCurrentIndex(combo_index(box.year, 2026))
    chosen: list[str] = []

    def choose(name: str) -> Callable[[str, str, str], Path]:
        def chooser(title: str, suggested: str, file_filter: str) -> Path:
            chosen.append(suggested)
            return tmp_path / name
        return chooser

    box.file_chooser = choose("journal.csv")
    box.journal_csv.click()
    raw = (tmp_path / "journal.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Date;Payeur;Référence;Pièces;Montant;Mode de règlement"
    assert lines[1:] == ["20/11/2026;Réseau de Périnatalité Méditerranée;VIR-1;FAC-2026-0001;218,00;Virement"]
    total = sum(Decimal(line.split(";")[4].replace(",", ".")) for line in lines[1:])
    assert total == data["total_paid"] and PAID_ON.year == 2026
    written = tmp_path / "journal.csv"
    assert box.message.text() == f"Livre-journal des recettes 2026 (1 recette) enregistré dans {written}."
    assert str(tmp_path / "journal.csv") in window.statusBar().currentMessage()

    box.file_chooser = choose("journal.pdf")
    box.journal_pdf.click()
    text = pdf_text(tmp_path / "journal.pdf")
    assert "Livre-journal des recettes" in text and "FAC-2026-0001" in text and "218,00" in text

    box.network.setCurrentIndex(combo_index(box.network, "RPM"))
    box.first.setCurrentIndex(combo_index(box.first, date(2026, 10, 1)))
    box.last.setCurrentIndex(combo_index(box.last, date(2026, 10, 31)))
    assert box.period() == (date(2026, 10, 1), date(2026, 10, 31))
    box.file_chooser = choose("rapport.pdf")
    box.report_pdf.click()
    text = pdf_text(tmp_path / "rapport.pdf")
    assert "RPM" in text and "654,00" in text
    assert chosen == ["livre-journal-2026.csv", "livre-journal-2026.pdf", "rapport-activite-RPM-2026-10.pdf"]
    assert box.message.text().startswith("Rapport d'activité RPM enregistré dans")


def test_an_export_that_fails_says_so_and_writes_nothing(qtbot: QtBot, practice: Practice,
                                                        data: dict[str, Any], tmp_path: Path) -> None:
    window = dashboard_window(qtbot, practice)
    box = window.dashboard_page.exports
    target = tmp_path / "absent" / "journal.csv"
    box.write_journal(2026, "csv", target)
    assert not target.exists()
    assert box.message.text().startswith("Le fichier n'a pas été écrit")
    assert box.journal_csv.isEnabled()


def pdf_text(path: Path) -> str:
    assert path.read_bytes().startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_exports_default_to_the_year_to_declare_and_the_months_so_far(qtbot: QtBot) -> None:
    assert journal_year(date(2027, 5, 31)) == 2026 and journal_year(date(2027, 6, 1)) == 2027  # 2035 filed in May
    assert report_months(TODAY) == (date(2026, 1, 1), date(2026, 10, 31))
    assert report_months(date(2027, 1, 10)) == (date(2026, 1, 1), date(2026, 12, 31))
    box = ExportsBox(lambda: None, SyncRunner(), lambda: date(2027, 1, 10))
    qtbot.addWidget(box)
    assert box.selected_year() == 2026 and box.period() == (date(2026, 1, 1), date(2026, 12, 31))
    box.first.setCurrentIndex(combo_index(box.first, date(2026, 12, 1)))
    box.last.setCurrentIndex(combo_index(box.last, date(2026, 9, 30)))
    assert box.period() == (date(2026, 9, 1), date(2026, 12, 31))  # picked the wrong way round: put in order
    box.journal_csv.click()  # no practice (locked): nothing asked, nothing said
    assert not box.message.isVisible() and not box.busy


def test_day_one_shows_how_to_begin_instead_of_empty_charts(qtbot: QtBot, practice: Practice) -> None:
    """A new practice: no séance, invoice or payment — « Pour commencer » (first child, tariffs, network) instead
    of three empty charts with made-up axes (issue 18, #15); each step opens its place."""
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    qtbot.waitUntil(lambda: page.charts_data is not None)
    assert page.start_panel.isVisible()
    assert not page.seances_chart.isVisible() and not page.amounts_chart.isVisible()
    assert not page.network_chart.isVisible()
    steps = [label.text() for label in page.start_panel.findChildren(QLabel) if label.objectName()]
    assert [text.split(">")[1].split("<")[0] for text in steps] == [
        "Ajouter le premier enfant", "Confirmer les tarifs de votre réseau", "Renseigner votre réseau"]
    page.start_panel.findChild(QLabel, "start_tariffs").linkActivated.emit("tariffs")
    settings = window.settings_page
    assert window.pages.currentWidget() is settings and settings.tabs.currentWidget() is settings.tariffs_tab
    page.start_panel.findChild(QLabel, "start_new_child").linkActivated.emit("new_child")
    assert window.pages.currentWidget() is window.children_page
    dialog = window.children_page.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_the_activity_report_is_for_the_practice_s_network_until_another_is_picked(
        qtbot: QtBot, practice: Practice, data: dict[str, Any]) -> None:
    window = dashboard_window(qtbot, practice)
    page = window.dashboard_page
    box = page.exports
    charts_of(page)
    assert box.network.itemData(0) == "RPM" and box.network.currentData() == "RPO"  # the profile's, not the first
    box.network.setCurrentIndex(0)
    box.network.activated.emit(0)  # as a user's pick
    page.reload()
    charts_of(page)
    assert box.network.currentData() == "RPM"  # a reload does not undo the user's choice
