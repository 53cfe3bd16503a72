"""The rows of a CSV import preview: row number as the spreadsheet shows it, the main fields, and a status.

A row that can be imported shows the values as they were understood ("28 SA 3 j", the network's code); a
refused row shows the file's own cells and, in its status, each problem naming the field, in French."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from cocon_desktop import messages
from cocon_desktop.domain.child import SEXES
from cocon_desktop.domain.csv_children import CsvPreview, ImportRow
from cocon_desktop.domain.csv_headers import IMPORT_FIELDS
from cocon_desktop.errors import FieldError
from cocon_desktop.ui.formatting import french_date
from cocon_desktop.ui.i18n import message, tr
from cocon_desktop.ui.itemmodels.rows_table_model import RowsTableModel

AnyIndex = QModelIndex | QPersistentModelIndex

# column title, and the field whose cell a refused row shows ("" for the row number and the status)
COLUMNS = (("Ligne", ""), ("N° d'inclusion", "inclusion_number"), ("Nom", "last_name"),
           ("Prénom", "first_name"), ("Naissance", "birth_date"), ("Sexe", "sex"),
           ("Terme", "gestational_weeks"), ("Réseau", "network"), ("État", ""))
STATUS = len(COLUMNS) - 1
REFUSED_BACKGROUND = "#fdecee"
ERROR_COLOUR = "#b00020"
WARNING_COLOUR = "#a15c00"


def field_label(field: str) -> str:
    """The French name of an import field ("guardians[0].phone" → "Téléphone du parent")."""
    return tr(IMPORT_FIELDS.get(field) or messages.FIELD_LABELS.get(field, field))


def problem_text(error: FieldError) -> str:
    """"Date de naissance : Date invalide : 31/02/2024." (no field for a problem with the whole row)."""
    sentence = message(error.code, error.data)
    return f"{field_label(error.field)} : {sentence}" if error.field else sentence


def row_status(row: ImportRow, imported: bool = False) -> str:
    if not row.valid:
        return " ".join(problem_text(error) for error in row.errors)
    status = tr("Importé") if imported else tr("OK")
    if row.warnings:
        status += " — " + tr("à vérifier : ") + " ".join(problem_text(w) for w in row.warnings)
    return status


def count_text(number: int, none: str, one: str, many: str) -> str:
    return tr(none) if number == 0 else tr(one) if number == 1 else tr(many).format(number)


def summary_text(ready: int, refused: int, *, imported: bool = False) -> str:
    """"3 enfants prêts à importer, 1 ligne refusée." (after the import: "3 enfants importés, …")."""
    if imported:
        done = count_text(ready, "Aucun enfant importé", "1 enfant importé", "{0} enfants importés")
    else:
        done = count_text(ready, "Aucun enfant prêt à importer", "1 enfant prêt à importer",
                          "{0} enfants prêts à importer")
    return f"{done}, {count_text(refused, 'aucune ligne refusée', '1 ligne refusée', '{0} lignes refusées')}."


class ImportPreviewModel(RowsTableModel):
    titles = tuple(title for title, *_ in COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[ImportRow, ...] = ()
        self.columns: dict[str, int] = {}  # field → column of the file, for the refused rows' cells
        self.imported = False

    def set_preview(self, preview: CsvPreview | None, columns: dict[int, str] | None = None, *,
                    imported: bool = False) -> None:
        self.beginResetModel()
        self.rows = preview.rows if preview is not None else ()
        self.columns = {target: index for index, target in (columns or {}).items()}
        self.imported = imported
        self.endResetModel()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == STATUS:
            return self.cell(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and not row.valid:
            return QBrush(QColor(REFUSED_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            if not row.valid:
                return QBrush(QColor(ERROR_COLOUR))
            if row.warnings:
                return QBrush(QColor(WARNING_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def cell(self, row: ImportRow, column: int) -> str:
        if column == 0:
            return str(row.row)
        if column == STATUS:
            return row_status(row, self.imported)
        field = COLUMNS[column][1]
        child = row.child
        if child is None:  # refused: what the file says
            index = self.columns.get(field)
            return row.cells[index] if index is not None and index < len(row.cells) else ""
        if field == "birth_date":
            return french_date(child.birth_date)
        if field == "sex":
            return tr(SEXES.get(child.sex, child.sex))
        if field == "gestational_weeks":
            if child.gestational_weeks is None:
                return ""
            days = f" {child.gestational_days} j" if child.gestational_days else ""
            return f"{child.gestational_weeks} SA{days}"
        return str(getattr(child, field))

    def row_index(self, spreadsheet_row: int) -> int | None:
        """The model row of the file's row `spreadsheet_row` (the header is row 1)."""
        for position, row in enumerate(self.rows):
            if row.row == spreadsheet_row:
                return position
        return None
