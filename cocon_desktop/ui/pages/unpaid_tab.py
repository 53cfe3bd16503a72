"""« Impayés » : invoices with something left to be paid, the oldest first, with their delay and the total due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QVBoxLayout, QWidget

from cocon_desktop.errors import DatabaseError
from cocon_desktop.services.payments import UNPAID, InvoiceStatus, owing_summary, status_page
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.formatting import french_date, money
from cocon_desktop.ui.i18n import error_text, ntr, tr
from cocon_desktop.ui.itemmodels.paged_rows_model import Cell, PagedRowsModel, PagedTableView
from cocon_desktop.ui.pages.invoice_documents_tab import state_text
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

COLUMNS = ("Numéro", "Date", "Échéance", "Réseau", "Total", "Reste dû", "Retard", "État")
LATE = "#b00020"


class UnpaidTab(QWidget):
    def __init__(self, practice: Callable[[], Practice | None], runner: TaskRunner, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.today = practice, runner, today
        self._day = today()
        layout = QVBoxLayout(self)
        # paged in SQL: the owing invoices are filtered, summed and read a page at a time by the database
        self.model: PagedRowsModel[InvoiceStatus] = PagedRowsModel([tr(c) for c in COLUMNS], self._cells, self,
                                                                   runner)
        self.model.failed.connect(self._failed)
        self.table = PagedTableView(self.model, self)
        self.table.setObjectName("unpaid_table")
        self.table.setAccessibleName(tr("Factures impayées"))
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

    def _cells(self, status: InvoiceStatus) -> tuple[Cell, ...]:
        late = status.days_overdue(self._day)
        return (Cell(status.number), Cell(french_date(status.issue_date)), Cell(french_date(status.due_date)),
                Cell(status.network), Cell(money(status.total), right=True), Cell(money(status.remaining), right=True),
                Cell(tr("{0} j").format(late) if late else tr("à échéance"), right=True, colour=LATE if late else ""),
                Cell(state_text(status)))

    @property
    def rows(self) -> list[InvoiceStatus]:
        """The unpaid invoices read so far (the pages the view has asked for)."""
        return self.model.rows

    def reload(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        self._day = self.today()
        self.model.set_source(self._page)  # kept by the model: reaches the practice as it is at each page
        self.runner.run(lambda: practice.read(owing_summary), self._show_total, self._failed)

    def _page(self, offset: int, limit: int) -> list[InvoiceStatus]:
        practice = self.practice()
        if practice is None:
            raise DatabaseError("practice_closed")
        return practice.read(status_page, UNPAID, offset, limit)

    def _failed(self, error: BaseException) -> None:
        self.total.setText(error_text(error))
        self.total.setStyleSheet(ERROR_STYLE)

    def _show_total(self, summary: tuple[int, Decimal]) -> None:
        count, due = summary
        self.total.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.total.setText(ntr("Total dû : {0} ({1} facture)", "Total dû : {0} ({1} factures)", count).format(
                           money(due), count) if count else
                           tr("Aucune facture impayée."))
