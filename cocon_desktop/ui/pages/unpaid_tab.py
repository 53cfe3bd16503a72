"""« Impayés » : invoices with something left to be paid, the oldest first, with their delay and the total due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.services.payments import STATES, InvoiceStatus, unpaid
from cocon_desktop.services.practice_file import PracticeFile
from cocon_desktop.ui.formatting import french_date, money
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

COLUMNS = ("Numéro", "Date", "Échéance", "Réseau", "Total", "Reste dû", "Retard", "État")
LATE = "#b00020"


class UnpaidTab(QWidget):
    def __init__(self, practice: Callable[[], PracticeFile | None], runner: TaskRunner, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.today = practice, runner, today
        self.rows: list[InvoiceStatus] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("unpaid_table")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.total = QLabel(self)
        self.total.setObjectName("unpaid_total")
        self.total.setStyleSheet("font-size: 12pt; font-weight: bold;")
        layout.addWidget(self.total, 0, Qt.AlignmentFlag.AlignRight)

    def reload(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        sessions, today = practice.sessions, self.today()
        self.runner.run(lambda: unpaid(sessions, today), self._show,
                        self._failed)

    def _failed(self, error: BaseException) -> None:
        self.total.setText(error_text(error))
        self.total.setStyleSheet(ERROR_STYLE)

    def _show(self, rows: list[InvoiceStatus]) -> None:
        self.rows = rows
        today = self.today()
        self.table.setRowCount(len(rows))
        for row, status in enumerate(rows):
            late = status.days_overdue(today)
            cells = (status.number, french_date(status.issue_date), french_date(status.due_date), status.network,
                     money(status.total), money(status.remaining),
                     tr("{0} j").format(late) if late else tr("à échéance"), tr(STATES.get(status.state, "")))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (4, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 6 and late:
                    item.setForeground(QColor(LATE))
                self.table.setItem(row, column, item)
        due = sum((r.remaining for r in rows), Decimal("0.00"))
        self.total.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.total.setText(tr("Total dû : {0} ({1} facture(s))").format(money(due), len(rows)) if rows else
                           tr("Aucune facture impayée."))
