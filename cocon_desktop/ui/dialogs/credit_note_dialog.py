"""« Émettre un avoir » : the invoice's lines with a box each; lines already cancelled cannot be chosen again.

« Émettre et signer l'avoir » does not close the dialog: it emits `submitted` with the chosen lines and the tab
issues the credit note, then closes the dialog (`done_issuing`) or shows why not (`failed`, e.g. a token's PIN refused),
the chosen lines kept."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.seance import KINDS
from cocon_desktop.services.invoice_lines import LineRow
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.formatting import french_date, money
from cocon_desktop.ui.i18n import ntr, tr
from cocon_desktop.ui.widgets.dialog_footer import guard_buttons
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE


class CreditNoteDialog(QDialog):
    submitted = Signal(list)  # the chosen line numbers: the tab issues the credit note

    def __init__(self, number: str, lines: list[LineRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("credit_note_dialog")
        self.setWindowTitle(tr("Avoir sur la facture {0}").format(number))
        fit_to_screen(self, 640, 420)
        self.lines = lines
        self.busy = False
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Cochez les lignes à annuler. Leurs séances redeviendront facturables ; l'avoir reçoit un "
                          "numéro définitif et est signé comme une facture."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(lines), 5, self)
        self.table.setObjectName("credit_lines")
        self.table.setAccessibleName(tr("Lignes de la facture"))
        self.table.setHorizontalHeaderLabels([tr("Ligne"), tr("Date"), tr("Enfant"), tr("Acte"), tr("Montant")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, (no, day, inclusion, initials, kind, amount, credited) in enumerate(lines):
            box = QTableWidgetItem(str(no) if not credited else tr("{0} (déjà annulée)").format(no))
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            box.setFlags(flags if not credited else Qt.ItemFlag.NoItemFlags)
            box.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, box)
            for column, text in enumerate((french_date(day), f"{inclusion} ({initials})", KINDS.get(kind, kind),
                                           money(amount)), start=1):
                item = QTableWidgetItem(text)
                if credited:
                    item.setFlags(Qt.ItemFlag.NoItemFlags)
                self.table.setItem(row, column, item)
        self.table.itemChanged.connect(lambda _: self._update())
        layout.addWidget(self.table, 1)
        self.summary = QLabel(self)
        self.summary.setObjectName("credit_summary")
        layout.addWidget(self.summary)
        self.error = QLabel(self)
        self.error.setObjectName("credit_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("issue_credit_note")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Annuler"))
        guard_buttons(self.ok_button, self.buttons.button(QDialogButtonBox.StandardButton.Cancel))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def _box(self, row: int) -> QTableWidgetItem | None:
        return None if self.lines[row][6] else self.table.item(row, 0)

    def check(self, line_numbers: list[int]) -> None:
        for row, line in enumerate(self.lines):
            box = self._box(row)
            if box is not None:
                box.setCheckState(Qt.CheckState.Checked if line[0] in line_numbers else Qt.CheckState.Unchecked)

    def chosen(self) -> list[int]:
        out = []
        for row, line in enumerate(self.lines):
            box = self._box(row)
            if box is not None and box.checkState() == Qt.CheckState.Checked:
                out.append(line[0])
        return out

    def submit(self) -> None:
        chosen = self.chosen()
        if chosen and not self.busy:
            self.set_busy(True)
            self.submitted.emit(chosen)

    def set_busy(self, busy: bool) -> None:
        """While the credit note is being signed: the lines and the buttons wait."""
        self.busy = busy
        if busy:
            self.error.setVisible(False)
        self.table.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        self._update()

    def done_issuing(self) -> None:
        self.set_busy(False)
        self.accept()

    def failed(self, text: str) -> None:
        """Not issued: why, under the lines (still chosen), and the dialog stays open to try again."""
        self.set_busy(False)
        self.error.setText(text)
        self.error.setVisible(True)

    def _update(self) -> None:
        chosen = set(self.chosen())
        amount = sum((line[5] for line in self.lines if line[0] in chosen), Decimal("0.00"))
        self.summary.setText(ntr("{0} ligne choisie, avoir de {1}", "{0} lignes choisies, avoir de {1}",
                                 len(chosen)).format(len(chosen), money(amount))
                             if chosen else tr("Aucune ligne choisie."))
        self.summary.setStyleSheet("" if chosen else ERROR_STYLE)
        self.ok_button.setText(tr("Signature en cours…") if self.busy else tr("Émettre et signer l'avoir"))
        self.ok_button.setEnabled(bool(chosen) and not self.busy)
