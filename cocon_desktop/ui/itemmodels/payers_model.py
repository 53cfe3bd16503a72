"""The plateformes of a pathway (Paramètres › Parcours et payeurs): code, name, city, SIRET, état."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from cocon_desktop.services.payers import PayerRecord
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.itemmodels.rows_table_model import AnyIndex, RowsTableModel

COLUMNS = ("Code", "Nom", "Commune", "SIRET", "État")


def state_text(record: PayerRecord) -> str:
    return tr("active") if record.active else tr("désactivée")


def siret_text(siret: str) -> str:
    """« 123 456 789 00012 », as printed on a Kbis; « — » when none was given."""
    if len(siret) != 14:
        return siret or "—"
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


class PayersModel(RowsTableModel):
    titles = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PayerRecord] = []

    def set_rows(self, rows: list[PayerRecord]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> PayerRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, code: str) -> int:
        return next((index for index, record in enumerate(self.rows) if record.code == code), -1)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record(index.row()) if index.isValid() else None
        if record is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (record.code, record.name, f"{record.postcode} {record.city}", siret_text(record.siret),
                    state_text(record))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            convention = tr("convention n° {0}").format(record.reference) if record.reference else tr(
                "aucun n° de convention")
            return f"{record.name}\n{record.street}\n{record.postcode} {record.city}\n{convention}"
        if role == Qt.ItemDataRole.ForegroundRole and not record.active:
            return QBrush(QColor("#777"))
        return None
