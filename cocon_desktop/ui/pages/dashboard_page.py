"""Tableau de bord: what needs doing (each line opens the right place), séances and amounts over the last 12 months
and per network, and the accountant's exports. Everything is loaded in the background when the page is shown and
after a write that changed what it shows (the window's refresher, ui/views.py, calls `reload`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.dashboard import (
    ActionItem,
    MonthPoint,
    NetworkTotal,
    action_items,
    monthly_series,
    network_totals,
)
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.ui.formatting import month_year
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.itemmodels.action_items_model import ActionItemsModel
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.exports_box import ExportsBox
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE
from cocon_desktop.ui.widgets.month_chart import BarChart, Series, month_labels, preload

MONTHS = 12
CHARTS_AFTER_MS = 40  # the window repaints about 5 ms after a change is asked for: the charts wait for it
SEANCES_COLOUR, INVOICED_COLOUR, PAID_COLOUR = "#4a78b5", "#8fb3de", "#3f9142"


@dataclass(frozen=True)
class Charts:
    series: list[MonthPoint]
    totals: list[NetworkTotal]
    practice_network: str = ""  # the practice's own network: the activity report's default


def load_charts(practice: Practice, today: date, network: str) -> Charts:
    """The monthly series (one network or all), and every network over the same 12 months."""
    preload()  # pyqtgraph, in this background task: not at the program's start, not on the GUI thread
    series = practice.read(monthly_series, today, MONTHS, network)
    first = series[0].month if series else today.replace(day=1)
    return Charts(series, practice.read(network_totals, first, today), practice.read(load_profile).network)


def is_day_one(charts: Charts) -> bool:
    """Nothing yet in 12 months: no séance, no invoice, no payment, in any network."""
    return not charts.totals and not any(p.seances or p.invoiced or p.paid for p in charts.series)


def start_item(target: str) -> ActionItem:
    """A step of « Pour commencer » as a line the window's routes open (ui/dashboard_routes.open_action)."""
    return ActionItem("start", "info", "", target)


START_STEPS = (
    ("new_child", "Ajouter le premier enfant", "son numéro d'inclusion, sa date de naissance et son terme (Ctrl+N)"),
    ("tariffs", "Confirmer les tarifs de votre réseau",
     "les montants livrés sont des exemples : vérifiez-les avec votre convention"),
    ("networks", "Renseigner votre réseau",
     "son adresse postale (sur les factures) et l'adresse où envoyer les lots"),
)


def start_panel(parent: QWidget, open_step: Callable[[str], None]) -> QFrame:
    """« Pour commencer » : the three steps before a first invoice, each a link to its place."""
    panel = QFrame(parent)
    panel.setObjectName("dashboard_start")
    panel.setFrameShape(QFrame.Shape.StyledPanel)
    inner = QVBoxLayout(panel)
    title = QLabel(tr("<b>Pour commencer</b>"), panel)
    title.setStyleSheet("font-size: 13pt;")
    inner.addWidget(title)
    intro = QLabel(tr("Les graphiques apparaîtront avec vos premières séances et factures. D'abord :"), panel)
    intro.setWordWrap(True)
    inner.addWidget(intro)
    for number, (target, link, detail) in enumerate(START_STEPS, start=1):
        step = QLabel(f'{number}. <a href="{target}">{tr(link)}</a> — {tr(detail)}', panel)
        step.setObjectName(f"start_{target}")
        step.setWordWrap(True)
        step.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        step.linkActivated.connect(open_step)
        inner.addWidget(step)
    inner.addStretch(1)
    panel.setVisible(False)
    return panel


def month_words(first: date) -> str:
    """"décembre 2025"."""
    return month_year(first)


def count_text(items: list[ActionItem]) -> str:
    if not items:
        return tr("Rien ne demande votre attention pour le moment.")
    urgent = sum(1 for i in items if i.severity == "error")
    watch = sum(1 for i in items if i.severity == "warning")
    parts = [tr("1 point à traiter") if len(items) == 1 else tr("{0} points à traiter").format(len(items))]
    if urgent:
        parts.append(tr("1 urgent") if urgent == 1 else tr("{0} urgents").format(urgent))
    if watch:
        parts.append(tr("{0} à surveiller").format(watch))
    return " · ".join(parts)


def seances_text(count: int) -> str:
    return tr("1 séance") if count == 1 else tr("{0} séances").format(count)


class DashboardPage(QWidget):
    # ui/views.py: what this page shows; it reads again after a write that changed any of it
    SHOWS = Changes.everything() & ~Changes.KEYS & ~Changes.DOCUMENTS & ~Changes.PRESCRIBERS

    open_requested = Signal(object)  # ActionItem: the main window opens its target

    def __init__(self, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.today = runner, today
        self.practice: Practice | None = None
        self.charts_data: Charts | None = None
        self._generation = {"actions": 0, "charts": 0}  # a newer load wins over a late older answer
        self._charts_after_actions = False  # reload(): the charts load once the lines show
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        heading = QLabel(tr("Tableau de bord"), self)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        top.addWidget(heading)
        top.addStretch(1)
        self.updated = QLabel(self)
        self.updated.setObjectName("dashboard_updated")
        self.updated.setStyleSheet("color: #555;")
        top.addWidget(self.updated)
        layout.addLayout(top)

        upper = QHBoxLayout()
        actions = QVBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("actions_summary")
        self.summary.setStyleSheet("font-weight: bold;")
        actions.addWidget(self.summary)
        self.model = ActionItemsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("action_items")
        self.table.setAccessibleName(tr("À faire"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)  # a line wraps on a narrow window instead of being cut: rows of two lines
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(2 * self.table.fontMetrics().lineSpacing() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._activated)  # double-click, Enter
        actions.addWidget(self.table, 1)
        upper.addLayout(actions, 1)
        self.network_chart = BarChart(tr("Par réseau"), money=True, parent=self)
        self.network_chart.setObjectName("network_chart")
        self.network_chart.setMinimumWidth(300)  # its title and axes whole; the lines keep the rest
        self.network_chart.setMaximumWidth(360)
        upper.addWidget(self.network_chart)
        layout.addLayout(upper, 5)

        filters = QHBoxLayout()
        self.period_label = QLabel(tr("<b>Les 12 derniers mois</b>"), self)
        self.period_label.setObjectName("charts_period")
        filters.addWidget(self.period_label)
        filters.addStretch(1)
        filters.addWidget(QLabel(tr("Réseau"), self))
        self.network = QComboBox(self)
        self.network.setObjectName("charts_network")
        self.network.addItem(tr("Tous les réseaux"), "")
        for code, network in NETWORKS.items():
            self.network.addItem(f"{code} — {network.name}", code)
        self.network.currentIndexChanged.connect(lambda _: self.reload_charts())
        self.network.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.network.setMinimumContentsLength(24)  # the long names no longer squeeze the period beside it
        self.network.view().setMinimumWidth(self.network.view().sizeHintForColumn(0) + 24)
        filters.addWidget(self.network)
        layout.addLayout(filters)
        charts = QHBoxLayout()
        self.seances_chart = BarChart(tr("Séances par mois de soin"), parent=self)
        self.seances_chart.setObjectName("seances_chart")
        self.seances_chart.setToolTip(tr("Chaque séance faite compte dans le mois où elle a eu lieu."))
        self.amounts_chart = BarChart(tr("Montants par mois de facture et de paiement"), money=True, parent=self)
        self.amounts_chart.setObjectName("amounts_chart")
        self.amounts_chart.setToolTip(tr("Une facture compte dans le mois où elle a été émise (souvent le mois "
                                         "suivant les soins), un paiement dans le mois où il a été reçu."))
        charts.addWidget(self.seances_chart, 1)
        charts.addWidget(self.amounts_chart, 1)
        self.start_panel = start_panel(self, lambda target: self.open_requested.emit(start_item(target)))
        charts.addWidget(self.start_panel, 1)
        layout.addLayout(charts, 4)

        self.message = QLabel(self)
        self.message.setObjectName("dashboard_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.exports = ExportsBox(self.current_practice, runner, today, self)
        layout.addWidget(self.exports)
        self.setFocusProxy(self.table)

    # -- the practice
    def current_practice(self) -> Practice | None:
        return self.practice

    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        """None while locked; after an unlock (reload=False) the views stay as they were."""
        self.practice = practice
        if practice is not None and reload and self.isVisible():
            self.reload()

    # -- loading
    def reload(self) -> None:
        """At the first load, the action lines first and the charts once the lines are painted: run together, the
        charts' first load (pyqtgraph's import, the 12 months of sums) took the GIL from the lines' queries and
        from the GUI thread showing them (at start on the large practice, action_items took 250 ms instead of
        80). Afterwards both at once (a write's refresh: nothing left to import)."""
        if self.charts_data is None:
            self._charts_after_actions = True
        else:
            self.reload_charts()
        self.reload_actions()

    def reload_actions(self) -> None:
        practice = self.practice
        if practice is None:
            return
        self._generation["actions"] += 1
        generation, today = self._generation["actions"], self.today()
        self.runner.run(lambda: practice.read(action_items, today), lambda items: self._show_actions(generation, items),
                        self._failed)

    def reload_charts(self) -> None:
        practice = self.practice
        if practice is None:
            return
        self._generation["charts"] += 1
        generation, network, today = self._generation["charts"], str(self.network.currentData()), self.today()
        self.runner.run(lambda: load_charts(practice, today, network),
                        lambda charts: self._show_charts(generation, charts), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.message.setText(error_text(error))
        self.message.setVisible(True)
        self._then_charts()

    def _then_charts(self) -> None:
        if self._charts_after_actions:
            self._charts_after_actions = False
            self.reload_charts()

    def _show_actions(self, generation: int, items: list[ActionItem]) -> None:
        if generation != self._generation["actions"]:
            return  # a newer reload is on its way
        QTimer.singleShot(CHARTS_AFTER_MS, self, self._then_charts)  # once the lines are painted
        self.message.setVisible(False)
        selected = self.current()
        self.model.set_rows(items)
        self.summary.setText(count_text(items))
        self.updated.setText(tr("Mis à jour à {0}").format(datetime.now().strftime("%H:%M")))
        if selected is not None and selected in items:
            self.table.selectRow(items.index(selected))

    def _show_charts(self, generation: int, charts: Charts) -> None:
        if generation != self._generation["charts"]:
            return  # another network was picked, or a newer reload is on its way
        self.charts_data = charts
        self.exports.default_network(charts.practice_network)
        self._show_start(is_day_one(charts) and not self.network.currentData())
        labels = month_labels([p.month for p in charts.series])
        if charts.series:
            span = tr("de {0} à {1}").format(month_words(charts.series[0].month), month_words(charts.series[-1].month))
            self.period_label.setText(tr("<b>Les 12 derniers mois</b> ({0})").format(span))
            self.network_chart.setToolTip(tr("Séances (le nombre sous chaque barre), montants facturés et encaissés "
                                             "par réseau ou plateforme, {0}.").format(span))
        self.seances_chart.set_bars(labels, [Series(tr("Séances"), SEANCES_COLOUR,
                                                    tuple(float(p.seances) for p in charts.series))])
        self.amounts_chart.set_bars(labels, [
            Series(tr("Facturé (mois de la facture)"), INVOICED_COLOUR,
                   tuple(float(p.invoiced) for p in charts.series)),
            Series(tr("Encaissé (mois du paiement)"), PAID_COLOUR, tuple(float(p.paid) for p in charts.series))])
        totals = charts.totals
        # beside the three networks a PCO (PCO1) makes four bars: the count alone fits under each (the tooltip says)
        counts = [seances_text(t.seances) if len(totals) <= 3 else str(t.seances) for t in totals]
        self.network_chart.set_bars([f"{t.network}\n{count}" for t, count in zip(totals, counts, strict=True)], [
            Series(tr("Facturé"), INVOICED_COLOUR, tuple(float(t.invoiced) for t in totals)),
            Series(tr("Encaissé"), PAID_COLOUR, tuple(float(t.paid) for t in totals))])

    def _show_start(self, day_one: bool) -> None:
        """Day one: how to begin, instead of empty charts with made-up axes."""
        self.start_panel.setVisible(day_one)
        for chart in (self.seances_chart, self.amounts_chart, self.network_chart):
            chart.setVisible(not day_one)

    # -- opening a line
    def current(self) -> ActionItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.open_requested.emit(item)

    def open_row(self, row: int) -> None:
        """Open the line at `row` (what a double-click or Enter does)."""
        self.table.selectRow(row)
        self._activated(self.model.index(row, 0))
