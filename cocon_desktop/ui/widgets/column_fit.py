"""Columns sized to their contents once, when rows arrive — not at every resize, reset and scroll.

A `ResizeToContents` column makes the header measure its cells (the delegate asks the Python model for ~7 roles
a cell, then lays out the text) at every resize of the view, every model reset and every page inserted: on the
large practice that is 15–40 ms each time, several times when a tab is shown (its viewport is resized, then
shown, then painted). `fit_columns(view)` turns those columns into `Interactive` ones (the user may widen them)
and sets their width from the header and the first `SAMPLE` rows, measured with the font metrics, when the model
is reset or its first rows are inserted. `Stretch` columns and `stretchLastSection` are left as they are."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

SAMPLE = 50  # rows measured (as setResizeContentsPrecision(50) did)
_DISPLAY, _FONT = int(Qt.ItemDataRole.DisplayRole.value), int(Qt.ItemDataRole.FontRole.value)
_REFIT = frozenset((QEvent.Type.Show, QEvent.Type.FontChange, QEvent.Type.StyleChange))


class ColumnFit(QObject):
    """Keeps the columns of `view` that were `ResizeToContents` sized to their contents (see the module)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self.columns: set[int] = set()
        model = view.model()
        model.modelReset.connect(self.fit)
        model.layoutChanged.connect(self.fit)
        model.rowsInserted.connect(lambda _parent, first, _last: self.fit() if first < SAMPLE else None)
        view.installEventFilter(self)  # the font is known for sure once the view is polished and shown
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() in _REFIT:
            self.fit()
        return False

    def _take_columns(self, header: QHeaderView) -> None:
        """The columns still in ResizeToContents (modes may be set after this object is made) become ours."""
        for column in range(header.count()):
            if header.sectionResizeMode(column) == QHeaderView.ResizeMode.ResizeToContents:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                self.columns.add(column)

    def fit(self) -> None:
        view, header = self.view, self.view.horizontalHeader()
        self._take_columns(header)
        model = view.model()
        rows = min(model.rowCount(), SAMPLE)
        # the delegate's text margins, and 1 px: horizontalAdvance rounds a fractional width down, the text layout
        # rounds it up (one pixel short and « Préparé » is elided)
        margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1) + 1
        grid = 1 if view.showGrid() else 0
        plain = view.fontMetrics()
        bold_font = QFont(view.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        fit_cell = getattr(model, "fit_cell", None)  # (text, bold) without a QModelIndex and two data() calls
        for column in sorted(self.columns):
            if column >= header.count() or header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive:
                continue
            texts: set[tuple[str, bool]] = set()
            for row in range(rows):
                if fit_cell is not None:
                    texts.add(fit_cell(row, column))
                    continue
                index = model.index(row, column, QModelIndex())
                font = model.data(index, _FONT)
                texts.add((str(model.data(index, _DISPLAY) or ""), isinstance(font, QFont) and font.bold()))
            width = max((header.sectionSizeHint(column),
                         *((bold if is_bold else plain).horizontalAdvance(text) + margin + grid
                           for text, is_bold in texts if text)))
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)


def fit_columns(view: QTableView) -> ColumnFit:
    """Call after the columns' resize modes are set (a later ResizeToContents is taken at the next fit)."""
    return ColumnFit(view)
