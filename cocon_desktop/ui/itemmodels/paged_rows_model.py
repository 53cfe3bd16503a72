"""A read-only table shown a page at a time: over rows already loaded (`set_rows`), or over pages read from the
database as the view scrolls (`set_source`: each page a LIMIT/OFFSET query run in the background).

Filling a QTableWidget with 12,000 documents made ~84,000 items on the GUI thread (7.9 s frozen on the large
demo); here the view asks for 200 rows more (canFetchMore/fetchMore) as it scrolls, and the cells of a row are
formatted only when painted. `PagedTableView` keeps the few QTableWidget helpers the pages and tests use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QTableView, QWidget

from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.column_fit import ColumnFit

PAGE_SIZE = 200
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# the roles answered, as plain ints: a view asks ~20 roles a cell (ResizeToContents, painting), most of them for
# nothing, and comparing PySide6 enums costs more than the answer
DISPLAY, ALIGNMENT = int(Qt.ItemDataRole.DisplayRole.value), int(Qt.ItemDataRole.TextAlignmentRole.value)
FOREGROUND, FONT = int(Qt.ItemDataRole.ForegroundRole.value), int(Qt.ItemDataRole.FontRole.value)
ROLES = frozenset((DISPLAY, ALIGNMENT, FOREGROUND, FONT))
RIGHT_VALUE = int(RIGHT.value)
SIZE_SAMPLE = 50  # rows a ResizeToContents column looks at (all the loaded ones by default)
AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


@dataclass(frozen=True)
class Cell:
    value: str
    right: bool = False
    colour: str = ""
    bold: bool = False

    def text(self) -> str:
        """As QTableWidgetItem.text()."""
        return self.value


Fetch = Callable[[int, int], list[Any]]  # (offset, limit) → rows, run in the background


class PagedRowsModel(QAbstractTableModel, Generic[Row]):
    page_loaded = Signal(int)  # the first row of a page read from the source (0: the list was (re)loaded)
    failed = Signal(object)  # the error of a page read from the source

    def __init__(self, columns: Sequence[str], cells: Callable[[Row], Sequence[Cell]],
                 parent: QObject | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.columns, self.cells, self.runner = list(columns), cells, runner
        self.rows: list[Row] = []
        self.loaded = 0
        self._cache: dict[int, Sequence[Cell]] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._fetch: Fetch | None = None
        self._generation = 0  # a reset (new filter, reload) makes the pages still on their way stale
        self._fetching = False
        self._exhausted = True

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._fetch, self._exhausted, self._generation = None, True, self._generation + 1
        self.rows, self.loaded, self._cache = rows, min(PAGE_SIZE, len(rows)), {}
        self.endResetModel()

    def set_source(self, fetch: Fetch) -> None:
        """Show the rows `fetch(offset, PAGE_SIZE)` gives, a page at a time: the first page now (in the
        background), the next ones as the view scrolls. The rows shown stay until the first page arrives."""
        assert self.runner is not None, "a model over a source needs a runner"
        self._fetch, self._exhausted, self._fetching = fetch, False, False
        self._generation += 1
        self._request(0)

    def _request(self, offset: int) -> None:
        fetch, generation, runner = self._fetch, self._generation, self.runner
        if fetch is None or runner is None:
            return
        self._fetching = True
        runner.run(lambda: fetch(offset, PAGE_SIZE), lambda rows: self._arrived(generation, offset, rows),
                   lambda error: self._failed(generation, error))

    def _arrived(self, generation: int, offset: int, rows: list[Row]) -> None:
        if generation != self._generation:
            return  # an older list's page
        self._fetching = False
        self._exhausted = len(rows) < PAGE_SIZE
        if offset == 0:
            self.beginResetModel()
            self.rows, self.loaded, self._cache = list(rows), len(rows), {}
            self.endResetModel()
        elif rows:
            self.beginInsertRows(QModelIndex(), self.loaded, self.loaded + len(rows) - 1)
            self.rows.extend(rows)
            self.loaded = len(self.rows)
            self.endInsertRows()
        self.page_loaded.emit(offset)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._fetching, self._exhausted = False, True
            self.failed.emit(error)

    def ensure_loaded(self, row: int) -> None:
        """Load the pages up to `row` (to select a row that is not shown yet): rows already in memory at once;
        from a source, as far as the runner answers at once (the synchronous runner of the tests)."""
        while row >= self.loaded and self.canFetchMore(QModelIndex()):
            before = self.loaded
            self.fetchMore(QModelIndex())
            if self.loaded == before:
                return  # a page on its way in the background

    # -- Qt model
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.loaded

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid():
            return False
        if self._fetch is not None:
            return not self._exhausted and not self._fetching
        return self.loaded < len(self.rows)

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid():
            return
        if self._fetch is not None:
            if not self._exhausted and not self._fetching:
                self._request(self.loaded)
            return
        more = min(PAGE_SIZE, len(self.rows) - self.loaded)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self.loaded, self.loaded + more - 1)
        self.loaded += more
        self.endInsertRows()

    def cell(self, row: int, column: int) -> Cell:
        cells = self._cache.get(row)
        if cells is None:
            cells = self._cache[row] = self.cells(self.rows[row])
        return cells[column]

    def fit_cell(self, row: int, column: int) -> tuple[str, bool]:
        """What ColumnFit measures: the text and whether it is bold."""
        cell = self.cell(row, column)
        return cell.value, cell.bold

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        role = int(role)
        if role not in ROLES:
            return None
        row = index.row()
        if row < 0 or row >= self.loaded:
            return None
        cell = self.cell(row, index.column())
        if role == DISPLAY:
            return cell.value
        if role == ALIGNMENT:
            return RIGHT_VALUE if cell.right else None
        if role == FOREGROUND:
            return QColor(cell.colour) if cell.colour else None
        return self._bold if cell.bold else None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None


class PagedTableView(QTableView):
    """A QTableView over a PagedRowsModel, with QTableWidget's reading helpers (item(row, column).text(),
    rowCount(), currentRow()) for the callers written against a QTableWidget."""

    def __init__(self, model: PagedRowsModel[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paged = model
        self.setModel(model)
        self.horizontalHeader().setResizeContentsPrecision(SIZE_SAMPLE)
        # the pages' ResizeToContents columns are sized when a page arrives, not at every resize and paint
        self.column_fit = ColumnFit(self)

    def rowCount(self) -> int:
        return self.paged.rowCount()

    def item(self, row: int, column: int) -> Cell:
        self.paged.ensure_loaded(row)
        return self.paged.cell(row, column)

    def currentRow(self) -> int:
        return self.currentIndex().row()

    def selectRow(self, row: int) -> None:
        self.paged.ensure_loaded(row)
        super().selectRow(row)
