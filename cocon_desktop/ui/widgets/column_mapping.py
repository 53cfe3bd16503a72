"""Which field of a child's file each column of an imported CSV file fills: one combo per column.

The combos start with what the headers were recognised as; the user may change any of them. A field goes to
one column only: choosing it for a column leaves the column that had it aside (and says so). Columns whose
header is empty or repeats an earlier one cannot be mapped by hand (a mapping names columns by header)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from cocon_desktop.domain.csv_headers import IMPORT_FIELDS
from cocon_desktop.domain.csv_values import key
from cocon_desktop.ui.i18n import tr

IGNORE = "Ignorer"


class ColumnMapping(QTableWidget):
    changed = Signal()  # the user chose another field for a column
    note = Signal(str)  # a sentence about what the change did to another column

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("column_mapping")
        self.setHorizontalHeaderLabels([tr("Colonne du fichier"), tr("Exemple"), tr("Champ du dossier")])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(0, 135)  # long headers are elided; their tooltip gives them whole
        self.setColumnWidth(1, 90)
        self.setMinimumWidth(420)
        self.headers: tuple[str, ...] = ()
        self.combos: list[QComboBox] = []
        self.mappable: list[bool] = []  # False: no header, or the same header as an earlier column

    def set_columns(self, headers: tuple[str, ...], sample: tuple[str, ...], resolved: dict[int, str]) -> None:
        """One row per column of the file; `resolved` (column → field) says what each column fills now."""
        self.headers = headers
        self.combos, self.mappable = [], []
        self.setRowCount(0)
        self.setRowCount(len(headers))
        seen: dict[str, int] = {}
        for index, header in enumerate(headers):
            name = QTableWidgetItem(header or tr("(sans en-tête)"))
            name.setToolTip(header)
            self.setItem(index, 0, name)
            example = QTableWidgetItem(sample[index] if index < len(sample) else "")
            example.setToolTip(example.text())
            self.setItem(index, 1, example)
            combo = QComboBox(self)
            combo.setObjectName(f"mapping_{index}")
            combo.addItem(tr(IGNORE), "")
            for field, label in IMPORT_FIELDS.items():
                combo.addItem(tr(label), field)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)  # the list shows whole labels
            header_key = key(header)
            self.mappable.append(bool(header_key) and header_key not in seen)
            if not header_key:
                combo.setEnabled(False)
                combo.setToolTip(tr("Une colonne sans en-tête n'est pas lue."))
            elif header_key in seen:
                combo.setEnabled(False)
                combo.setToolTip(tr("Même en-tête que la colonne {0} : renommez l'une des deux dans le tableur "
                                    "pour choisir son champ.").format(seen[header_key] + 1))
            else:
                seen[header_key] = index
            combo.currentIndexChanged.connect(lambda _, column=index: self._chosen(column))
            self.setCellWidget(index, 2, combo)
            self.combos.append(combo)
        self.show_resolved(resolved)

    def show_resolved(self, resolved: dict[int, str]) -> None:
        """Show the field each column fills (after the preview resolved the mapping), without signalling."""
        for index, combo in enumerate(self.combos):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(resolved.get(index, "")), 0))
            combo.blockSignals(False)

    def field_of(self, column: int) -> str | None:
        return str(self.combos[column].currentData() or "") or None

    def choose(self, column: int, field: str | None) -> None:
        """As if the user picked `field` (None: Ignorer) for `column`."""
        combo = self.combos[column]
        combo.setCurrentIndex(max(combo.findData(field or ""), 0))

    def mapping(self) -> dict[str, str | None]:
        """Header → field (None: left aside), for every column that can be mapped by hand."""
        return {self.headers[index]: self.field_of(index) for index in range(len(self.combos))
                if self.mappable[index]}

    def _chosen(self, column: int) -> None:
        field = self.field_of(column)
        note = ""
        if field is not None:
            for index, combo in enumerate(self.combos):
                if index != column and self.mappable[index] and self.field_of(index) == field:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
                    note = tr("« {0} » était lu dans la colonne « {1} » : cette colonne est maintenant "
                              "ignorée.").format(tr(IMPORT_FIELDS[field]), self.headers[index])
        self.note.emit(note)
        self.changed.emit()

    def set_locked(self, locked: bool) -> None:
        """While importing, and once imported: the mapping can no longer change."""
        for index, combo in enumerate(self.combos):
            combo.setEnabled(not locked and self.mappable[index])
