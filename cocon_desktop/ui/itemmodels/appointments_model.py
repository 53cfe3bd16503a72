"""The day's appointments: time, child, place, status in colour, and the conflict mark."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from cocon_desktop.domain.seance import PLACES
from cocon_desktop.services.appointments import STATUSES, AppointmentRow
from cocon_desktop.ui.formatting import clock
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.itemmodels.rows_table_model import RowsTableModel

COLUMNS = ("Heure", "Enfant", "Lieu", "Statut", "Conflit")
STATUS_COLOURS = {"planned": "#1f4e8c", "present": "#2e7d32", "absence_excusee": "#a15c00",
                  "absence_non_excusee": "#b00020", "cancelled": "#6b7280"}
STATUS_BACKGROUNDS = {"planned": "#eaf1fb", "present": "#e6f4ea", "absence_excusee": "#fff4e0",
                      "absence_non_excusee": "#fdecee", "cancelled": "#f1f2f4"}
CONFLICT_COLOUR = "#c62828"

AnyIndex = QModelIndex | QPersistentModelIndex


class AppointmentsModel(RowsTableModel):
    titles = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AppointmentRow] = []

    def set_rows(self, rows: list[AppointmentRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def cell(self, row: int, column: int) -> str:
        a = self.rows[row]
        if column == 0:
            end = (a.starts_at + timedelta(minutes=a.duration_min)).time()
            return f"{clock(a.start)} – {clock(end)}"
        if column == 1:
            return a.child_name
        if column == 2:
            return tr(PLACES.get(a.place, a.place))
        if column == 3:
            return tr(STATUSES.get(a.status, a.status))
        return tr("⚠ chevauchement") if a.conflict else ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        a, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3:
                return QColor(STATUS_COLOURS.get(a.status, "#333"))
            if column == 4 or (column == 0 and a.conflict):
                return QColor(CONFLICT_COLOUR)
        if role == Qt.ItemDataRole.BackgroundRole and column == 3:
            return QColor(STATUS_BACKGROUNDS.get(a.status, "#ffffff"))
        if role == Qt.ItemDataRole.FontRole and column in (3, 4):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{a.child_name} ({a.inclusion_number})"
            if a.conflict:
                tip += "\n" + tr("Ce créneau chevauche un autre rendez-vous du cabinet.")
            return tip
        return None

