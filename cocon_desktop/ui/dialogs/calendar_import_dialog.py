"""The review of an imported calendar (Agenda › « Importer un calendrier… », issue 20, #6): one line per
appointment found in the file, its child matched by name (« Reconnu »), to choose among several (« À choisir ») or
none (« Ignoré », left out); the practitioner ticks what to import and picks the child where asked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.services.calendar_import import IGNORED, MATCHED, TO_CHOOSE, ImportChoice, ImportLine
from cocon_desktop.ui.i18n import tr

COLUMNS = ("", "Date", "Heure", "Durée", "Titre dans le calendrier", "Enfant", "État")


class CalendarImportDialog(QDialog):
    def __init__(self, lines: list[ImportLine], labels: dict[int, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_import_dialog")
        self.setWindowTitle(tr("Importer un calendrier"))
        self.resize(1000, 520)
        self.lines = lines
        states = {MATCHED: tr("Reconnu"), TO_CHOOSE: tr("À choisir"), IGNORED: tr("Ignoré : aucun enfant de ce nom")}
        layout = QVBoxLayout(self)
        counts = {state: sum(1 for line in lines if line.state == state) for state in states}
        self.summary = QLabel(tr("{0} rendez-vous trouvés : {1} reconnus, {2} à choisir, {3} ignorés. Cochez ceux à "
                                 "importer ; un rendez-vous déjà importé est mis à jour, jamais doublé.").format(
            len(lines), counts[MATCHED], counts[TO_CHOOSE], counts[IGNORED]), self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(lines), len(COLUMNS), self)
        self.table.setObjectName("calendar_import_table")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.choosers: list[QComboBox | None] = []
        for row, line in enumerate(lines):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled if line.child_ids
                          else Qt.ItemFlag.NoItemFlags)
            tick.setCheckState(Qt.CheckState.Checked if line.state == MATCHED else Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, tick)
            again = tr(" (mis à jour)") if line.appointment_id is not None else ""
            for column, text in enumerate((line.starts_at.strftime("%d/%m/%Y"), line.starts_at.strftime("%H:%M"),
                                           f"{line.minutes} min", line.summary), start=1):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, column, item)
            chooser: QComboBox | None = None
            if line.child_ids:
                chooser = QComboBox(self.table)
                if line.state == TO_CHOOSE:
                    chooser.addItem(tr("— choisir l'enfant —"), None)
                for child_id in line.child_ids:
                    chooser.addItem(labels.get(child_id, str(child_id)), child_id)
                chooser.currentIndexChanged.connect(lambda _i, r=row: self._chosen(r))
                self.table.setCellWidget(row, 5, chooser)
            self.choosers.append(chooser)
            state = QTableWidgetItem(states[line.state] + again)
            state.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 6, state)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton(tr("Importer"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("import_calendar_confirm")
        buttons.addButton(tr("Annuler"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _chosen(self, row: int) -> None:
        """Choosing a child ticks the line."""
        chooser = self.choosers[row]
        item = self.table.item(row, 0)
        if chooser is not None and item is not None and chooser.currentData() is not None:
            item.setCheckState(Qt.CheckState.Checked)

    def choices(self) -> list[ImportChoice]:
        """The ticked lines that have a child."""
        kept = []
        for row, line in enumerate(self.lines):
            item, chooser = self.table.item(row, 0), self.choosers[row]
            if item is None or chooser is None or item.checkState() != Qt.CheckState.Checked:
                continue
            child_id = chooser.currentData()
            if child_id is not None:
                kept.append(ImportChoice(line.key, int(child_id), line.starts_at, line.minutes))
        return kept
