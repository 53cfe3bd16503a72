"""Séances as a table: the day's (with the child) or a child's (with the date), and their billing state."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from cocon_desktop.domain.seance import BILLING_STATES, KINDS, PLACES
from cocon_desktop.services.seances import SeanceRow
from cocon_desktop.ui.formatting import clock, french_date
from cocon_desktop.ui.i18n import tr

COLUMN_TITLES = {"day": "Date", "time": "Heure", "child": "Enfant", "kind": "Type", "duration": "Durée",
                 "place": "Lieu", "billing": "Facturation"}
DAY_COLUMNS = ("time", "child", "kind", "place", "billing")
CHILD_COLUMNS = ("day", "time", "kind", "duration", "place", "billing")
BILLING_COLOURS = {"a_facturer": "#2e7d32", "facturee": "#1f4e8c", "non_facturable": "#6b7280", "au_forfait": "#1f4e8c"}

AnyIndex = QModelIndex | QPersistentModelIndex


def billing_text(row: SeanceRow) -> str:
    text = tr(BILLING_STATES.get(row.billing_state, row.billing_state))
    if row.data.out_of_forfait:
        text += tr(" — hors forfait")
    return text


class SeancesModel(QAbstractTableModel):
    def __init__(self, columns: tuple[str, ...] = DAY_COLUMNS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list[SeanceRow] = []

    def set_rows(self, rows: list[SeanceRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMN_TITLES[self.columns[section]])
        return None

    def cell(self, row: int, column: int) -> str:
        seance, name = self.rows[row], self.columns[column]
        data = seance.data
        values = {
            "day": lambda: french_date(data.day),
            "time": lambda: clock(data.start),
            "child": lambda: seance.child_name,
            "kind": lambda: tr(KINDS.get(data.kind, data.kind)),
            "duration": lambda: tr("{0} min").format(data.duration_min),
            "place": lambda: tr(PLACES.get(data.place, data.place)),
            "billing": lambda: billing_text(seance),
        }
        return values[name]()

    def fit_cell(self, row: int, column: int) -> tuple[str, bool]:
        """What ColumnFit measures: the text, never bold."""
        return self.cell(row, column), False

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        seance = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and self.columns[index.column()] == "billing":
            return QColor(BILLING_COLOURS.get(seance.billing_state, "#333"))
        if role == Qt.ItemDataRole.ToolTipRole and seance.data.note:
            return seance.data.note
        return None
