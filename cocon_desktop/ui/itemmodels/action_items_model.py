"""What needs doing, as a table: a coloured mark by severity, the line's French sentence (written from its code and
data), the count (when there is one)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from cocon_desktop.services.dashboard import ActionItem
from cocon_desktop.ui.i18n import line_message, tr
from cocon_desktop.ui.itemmodels.rows_table_model import RowsTableModel
from cocon_desktop.ui.plain_text import plain_tip

SEVERITY_COLOURS = {"error": "#c62828", "warning": "#ef8f00", "info": "#1f6fb2"}
SEVERITY_NAMES = {"error": "Urgent", "warning": "À surveiller", "info": "À faire"}
COLUMNS = ("À faire", "Nombre")
# what the count of a line counts: (one, several)
UNITS = {"forfait_low": ("{0} séance", "{0} séances"), "seances_to_invoice": ("{0} séance", "{0} séances"),
         "milestones_to_invoice": ("{0} versement", "{0} versements"),
         "invoice_overdue": ("{0} jour", "{0} jours"), "batch_waiting": ("{0} document", "{0} documents"),
         "batch_rejected": ("{0} document", "{0} documents"), "attestation_due": ("{0} enfant", "{0} enfants")}

AnyIndex = QModelIndex | QPersistentModelIndex


def count_text(item: ActionItem) -> str:
    """"2 séances", "26 jours", "3 documents"; nothing when the line has no count."""
    if not item.count:
        return ""
    one, several = UNITS.get(item.kind, ("{0}", "{0}"))
    return tr(one if item.count == 1 else several).format(item.count)


def severity_icon(severity: str, size: int = 14) -> QIcon:
    """A filled dot of the severity's colour (the same on every platform and style)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(SEVERITY_COLOURS.get(severity, "#777")))
    painter.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    painter.end()
    return QIcon(pixmap)


class ActionItemsModel(RowsTableModel):
    titles = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ActionItem] = []
        self.texts: list[str] = []  # each line's sentence, written once when the rows arrive (not at each paint)
        self.icons = {severity: severity_icon(severity) for severity in SEVERITY_COLOURS}

    def set_rows(self, rows: list[ActionItem]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.texts = [line_message(item.code, dict(item.data)) for item in self.rows]
        self.endResetModel()

    def item(self, row: int) -> ActionItem | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column, text = index.column(), self.texts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text if column == 0 else count_text(item)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self.icons.get(item.severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(f"{tr(SEVERITY_NAMES.get(item.severity, ''))} — {text}\n" + tr(  # a network's words
                "Double-clic ou Entrée : ouvrir."))
        if role == Qt.ItemDataRole.ForegroundRole and item.severity == "error":
            return QBrush(QColor(SEVERITY_COLOURS["error"]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
