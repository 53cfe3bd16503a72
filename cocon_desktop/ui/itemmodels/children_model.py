"""The children list: a thin, paged table over services.children.list_children (sorting and filtering in SQL).

Every query goes through the task runner; a result that arrives after the query changed is dropped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.services.children import ChildQuery, ChildRow, list_children
from cocon_desktop.services.children_list import ChildrenPage, first_page
from cocon_desktop.ui.formatting import age_text, french_date
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.itemmodels.rows_table_model import RowsTableModel
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner

PAGE_SIZE = 200
COLUMNS = ("N° d'inclusion", "Nom", "Naissance", "Âge", "Réseau", "Suivi")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
# the roles answered (a view asks ~20 a cell while sizing and painting: the others are answered at once)
_ROLES = frozenset((int(ID_ROLE), *(int(r.value) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                                           Qt.ItemDataRole.ForegroundRole))))

AnyIndex = QModelIndex | QPersistentModelIndex


class ChildrenModel(RowsTableModel):
    """`set_query` starts over; the view asks for more with canFetchMore/fetchMore, a page at a time."""

    titles = COLUMNS

    total_changed = Signal(int)  # the number of children matching the query
    failed = Signal(object)  # the exception, for the page to say it

    def __init__(self, practice: PracticeSource, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner, self.today = practice, runner, today
        self.rows: list[ChildRow] = []
        self.total = 0
        self.query = ChildQuery()
        self.alerts_only = False
        self._resolved: ChildQuery | None = None  # the query with only_ids computed (alerts)
        self._generation = 0
        self._fetching = False
        self._day = today()
        self._texts: dict[int, tuple[str, ...]] = {}  # a row's cells, formatted once (painting asks again)

    # -- loading
    def set_query(self, query: ChildQuery, *, alerts_only: bool = False) -> None:
        """Show the children matching `query` (and, with alerts_only, having a forfait warning)."""
        self.query, self.alerts_only = query, alerts_only
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        self.beginResetModel()
        self.rows, self.total, self._resolved, self._fetching = [], 0, None, False
        self._texts = {}
        self.endResetModel()
        practice = self.open_practice()
        if practice is None:
            return
        query, alerts_only, today = self.query, self.alerts_only, self.today()
        self._day = today
        self._fetching = True
        self.runner.run(lambda: practice.read(first_page, query, today, PAGE_SIZE, alerts_only=alerts_only),
                        lambda page: self._first_page(generation, page),
                        lambda error: self._failed(generation, error))

    def _first_page(self, generation: int, page: ChildrenPage) -> None:
        if generation != self._generation:
            return
        self._resolved = page.query
        self._fetching = False
        self.total = page.total
        self._append(page.rows)
        self.total_changed.emit(page.total)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._fetching = False
            self.failed.emit(error)

    def _append(self, rows: list[ChildRow]) -> None:
        if not rows:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008 (Qt API)
        return (not parent.isValid() and not self._fetching and self._resolved is not None
                and len(self.rows) < self.total)

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008 (Qt API)
        practice = self.open_practice()
        if not self.canFetchMore(parent) or practice is None or self._resolved is None:
            return
        generation, query, offset, today = self._generation, self._resolved, len(self.rows), self._day
        self._fetching = True

        def more(rows: list[ChildRow]) -> None:
            if generation == self._generation:
                self._fetching = False
                self._append(rows)

        self.runner.run(lambda: practice.read(list_children, query, today, offset, PAGE_SIZE), more,
                        lambda error: self._failed(generation, error))

    # -- the table
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if int(role) not in _ROLES or not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts(index.row())[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            network = NETWORKS.get(row.network)
            return network.name if network else row.network
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 5 and not self.is_active(row):
            return QColor("#6b7280")
        return None

    def texts(self, row: int) -> tuple[str, ...]:
        """The cells of a row as shown, formatted the first time the row is asked for."""
        texts = self._texts.get(row)
        if texts is None:
            child = self.rows[row]
            texts = self._texts[row] = tuple(self.cell(child, column) for column in range(len(COLUMNS)))
        return texts

    def fit_cell(self, row: int, column: int) -> tuple[str, bool]:
        """What ColumnFit measures: the text, never bold."""
        return self.texts(row)[column], False

    def is_active(self, row: ChildRow) -> bool:
        """Still followed: in COCON, or handed over to a PCO (the practice goes on with the child there)."""
        return row.exit_date is None or row.exit_date > self._day or bool(row.relayed_to)

    def cell(self, row: ChildRow, column: int) -> str:
        if column == 0:
            return row.inclusion_number
        if column == 1:
            return row.display_name
        if column == 2:
            return french_date(row.birth_date)
        if column == 3:
            return age_text(row.birth_date, row.gestational_weeks, self._day)
        if column == 4:
            return row.network
        if row.relayed_to and row.relayed_on is not None:  # « Relais PCO1 depuis le 20 octobre 2026 »
            if row.relayed_on > self._day:
                return tr("Relais {0} à partir du {1}").format(row.relayed_to, french_date(row.relayed_on))
            return tr("Relais {0} depuis le {1}").format(row.relayed_to, french_date(row.relayed_on))
        if self.is_active(row):
            return tr("Actif")
        return tr("Sorti le {0}").format(french_date(row.exit_date))

    def child_id(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None
