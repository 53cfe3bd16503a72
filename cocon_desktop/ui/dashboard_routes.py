"""Where a line of the dashboard opens: a child's file on its prescriptions, Facturation (the month to invoice, or
the unpaid invoice), Synchronisation (the batch), Attestations (the month, or the year for the annual ones); the
steps of « Pour commencer »: a new child, Paramètres (tariffs, networks). The target pages load in the background:
a row to select is selected as soon as its page has it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QTimer
from PySide6.QtWidgets import QWidget

from cocon_desktop.services.dashboard import ActionItem
from cocon_desktop.ui.widgets.exports_box import combo_index

if TYPE_CHECKING:
    from cocon_desktop.ui.main_window import MainWindow


def when_loaded(model: QAbstractItemModel, select: Callable[[], bool]) -> None:
    """Run `select` now; if it finds nothing yet, once more after the model's next change (a background reload)."""
    if select():
        return
    signals = (model.modelReset, model.rowsInserted, model.dataChanged)
    done: list[bool] = []

    def changed(*_: object) -> None:
        if done:
            return
        done.append(True)
        for signal in signals:
            signal.disconnect(changed)
        QTimer.singleShot(0, select)  # after the whole page has been filled

    for signal in signals:
        signal.connect(changed)


def open_action(window: MainWindow, item: ActionItem, today: date) -> None:
    if item.target == "child" and item.child_id is not None:
        window.show_page("children")
        window.children_page.open_child(item.child_id)
        _show_prescriptions(window)  # every child line is about a forfait: its card, not the identity
    elif item.target == "invoicing":
        _open_invoicing(window, item)
    elif item.target == "unpaid":
        _open_unpaid(window, item.number)
    elif item.target == "documents":
        _open_documents(window, item.number)
    elif item.target == "sync":
        _open_sync(window, item)
    elif item.target == "attestations":
        _open_attestations(window, item, today)
    elif item.target == "new_child":
        window.show_page("children")
        window.children_page.new_child()
    elif item.target in ("tariffs", "networks"):
        _open_settings(window, item.target)


def _show_prescriptions(window: MainWindow) -> None:
    """The child's file on « Prescriptions et forfaits » (the tab holding « Nouvelle prescription »)."""
    file = window.children_page.file
    widget: QWidget | None = file.new_prescription_button
    while widget is not None and file.tabs.indexOf(widget) < 0:
        widget = widget.parentWidget()
    if widget is not None:
        file.tabs.setCurrentWidget(widget)


def _open_settings(window: MainWindow, target: str) -> None:
    """Paramètres on « Tarifs », or on the networks' tab (« Réseaux », where the network's addresses are)."""
    page = window.settings_page
    window.show_page("settings")
    tabs = page.tabs
    if target == "tariffs":
        tabs.setCurrentWidget(page.tariffs_tab)
        return
    index = next((i for i in range(tabs.count()) if "seau" in tabs.tabText(i)), -1)
    tabs.setCurrentIndex(index if index >= 0 else 0)


def _open_invoicing(window: MainWindow, item: ActionItem) -> None:
    page = window.invoicing_page
    tab = page.issue_tab
    page.tabs.setCurrentWidget(tab)
    window.show_page("invoicing")
    if item.network and item.network != tab.selected_network():
        tab.choose(item.network)  # a PCO is offered once the payers are read
    if item.month is not None:
        month = next((i for i in range(tab.month.count()) if tab.month.itemData(i)[0] == item.month), -1)
        if month >= 0:
            tab.month.setCurrentIndex(month)


def _open_unpaid(window: MainWindow, number: str) -> None:
    page = window.invoicing_page
    tab = page.unpaid_tab
    page.tabs.setCurrentWidget(tab)
    window.show_page("invoicing")
    if not number:
        return
    table = tab.table

    def select() -> bool:
        row = next((n for n, status in enumerate(tab.rows) if status.number == number), -1)
        if row < 0:
            return False
        table.selectRow(row)
        table.scrollTo(table.model().index(row, 0))
        return True

    when_loaded(table.model(), select)


def _open_documents(window: MainWindow, number: str) -> None:
    """« Documents émis », every state, the invoice selected: its « Émettre un avoir… » at hand (issue 21)."""
    page = window.invoicing_page
    tab = page.documents_tab
    page.tabs.setCurrentWidget(tab)
    window.show_page("invoicing")
    if tab.state_filter.currentIndex() != 0:
        tab.state_filter.setCurrentIndex(0)  # reloads: the invoice is among every document

    def select() -> bool:
        row = next((n for n, status in enumerate(tab.rows) if status.number == number), -1)
        if row < 0:
            return False
        tab.table.selectRow(row)
        tab.table.scrollTo(tab.table.model().index(row, 0))
        return True

    when_loaded(tab.table.model(), select)


def _open_sync(window: MainWindow, item: ActionItem) -> None:
    page = window.sync_page
    page.choose_network(item.network)
    window.show_page("sync")
    batch_pk = item.batch_pk
    if batch_pk is None:
        return

    def select() -> bool:
        if page.model.row_of(batch_pk) < 0:
            return False
        page.select(batch_pk)
        return True

    when_loaded(page.model, select)


def _open_attestations(window: MainWindow, item: ActionItem, today: date) -> None:
    page = window.attestations_page
    picker = page.picker
    month = item.month
    if month is not None and month.month == 1 and today.month == 1 and month.year < today.year:
        picker.set_kind("annuelle")  # in January, the year before
        index = combo_index(picker.year, month.year)
        if index >= 0:
            picker.year.setCurrentIndex(index)
    elif month is not None:
        picker.set_kind("seances")
        last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        first_index, last_index = combo_index(picker.first, month), combo_index(picker.last, last)
        if first_index >= 0 and last_index >= 0:
            picker.first.setCurrentIndex(first_index)
            picker.last.setCurrentIndex(last_index)
    window.show_page("attestations")
