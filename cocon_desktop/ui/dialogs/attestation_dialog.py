"""« Attestations » of one child, from its file: issue one (kind and period), preview and print it; the child's
register of attestations, each reprinted as a DUPLICATA."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.errors import CoconError
from cocon_desktop.services.attestation_preview import preview
from cocon_desktop.services.attestations import (
    AttestationResult,
    IssuedAttestation,
    issue,
    list_attestations,
    needs_pin,
    reprint,
)
from cocon_desktop.ui.dialogs.attestation_preview import AttestationPreview
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.formatting import french_date
from cocon_desktop.ui.i18n import error_text, message, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.period_picker import PeriodPicker

COLUMNS = ("Numéro", "Date", "Type", "Période", "Signature")


def ask_pin(parent: QWidget) -> str | None:
    """The token's PIN for the PAdES signature; None (cancelled, empty) signs with the image only."""
    pin, ok = QInputDialog.getText(
        parent, tr("Code PIN"), tr("Le cabinet signe avec une carte ou un jeton : son code PIN (jamais enregistré) "
                                   "ajoute la signature électronique. Sans code PIN, l'attestation porte l'image de "
                                   "la signature seulement.") + "\n" + tr("Code PIN :"), QLineEdit.EchoMode.Password)
    return pin if ok and pin else None


def signature_text(row: IssuedAttestation) -> str:
    parts = [tr("électronique") if row.signed_pades else "", tr("image") if row.signature_image else ""]
    return " + ".join(p for p in parts if p) or tr("à signer à la main")


def notice(pades_skipped: bool, unsigned: bool) -> str:
    if unsigned:
        return message("attestation_unsigned")
    return message("attestation_image_only") if pades_skipped else ""


def fill_register(table: QTableWidget, rows: list[IssuedAttestation], with_child: bool = False) -> None:
    table.setRowCount(len(rows))
    for line, row in enumerate(rows):
        cells = [row.number, french_date(row.issue_date)]
        if with_child:
            cells += [row.child_name, row.inclusion_number]
        cells += [tr(row.kind_label), f"{french_date(row.period_start)} – {french_date(row.period_end)}",
                  signature_text(row)]
        for column, value in enumerate(cells):
            table.setItem(line, column, QTableWidgetItem(value))


def register_table(parent: QWidget, columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns), parent)
    table.setObjectName(name)
    table.setAccessibleName(tr("Attestations émises"))
    table.setHorizontalHeaderLabels([tr(c) for c in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AttestationDialog(QDialog):
    def __init__(self, practice: PracticeSource, runner: TaskRunner, child_id: int, child_label: str,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.child_id, self.today = practice, runner, child_id, today
        self.rows: list[IssuedAttestation] = []
        self.preview: AttestationPreview | None = None
        self.question: QMessageBox | None = None
        self.pin_asker: Callable[[QWidget], str | None] = ask_pin
        self.setObjectName("attestation_dialog")
        self.setWindowTitle(tr("Attestations — {0}").format(child_label))
        fit_to_screen(self, 780, 520)
        layout = QVBoxLayout(self)
        title = QLabel(child_label, self)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        layout.addWidget(title)
        row = QHBoxLayout()
        self.picker = PeriodPicker(today(), self)
        row.addWidget(self.picker, 1)
        self.preview_button = QPushButton(tr("Aperçu (sans numéro)"), self)
        self.preview_button.setObjectName("preview_attestation")
        self.preview_button.setToolTip(tr("L'attestation telle qu'elle serait émise, marquée « APERÇU — non "
                                          "émise » : aucun numéro n'est utilisé."))
        self.preview_button.clicked.connect(self.show_preview)
        row.addWidget(self.preview_button)
        self.issue_button = QPushButton(tr("Émettre et prévisualiser"), self)
        self.issue_button.setObjectName("issue_attestation")
        self.issue_button.setDefault(True)
        self.issue_button.clicked.connect(self.issue)
        row.addWidget(self.issue_button)
        layout.addLayout(row)
        self.status = QLabel(self)
        self.status.setObjectName("attestation_status")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(tr("Attestations émises pour cet enfant"), self))
        self.table = register_table(self, COLUMNS, "child_attestations")
        self.table.doubleClicked.connect(lambda _: self.show_duplicata())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.duplicata_button = QPushButton(tr("Réimprimer (duplicata)…"), self)
        self.duplicata_button.setObjectName("reprint_attestation")
        self.duplicata_button.clicked.connect(self.show_duplicata)
        close = QPushButton(tr("Fermer"), self)
        close.clicked.connect(self.reject)
        buttons.addWidget(self.duplicata_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self._selection_changed()
        self.reload()

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.status.setVisible(bool(text))

    def reload(self) -> None:
        """The child's register; read again after this dialog issues one (a modal dialog: nothing else writes
        meanwhile)."""
        practice, child_id = self.practice(), self.child_id
        if practice is not None:
            self.runner.run(lambda: practice.read(list_attestations, child_id), self._loaded,
                            lambda e: self.say(error_text(e), error=True))

    def _loaded(self, rows: list[IssuedAttestation]) -> None:
        self.rows = rows
        fill_register(self.table, rows)
        self._selection_changed()

    def current(self) -> IssuedAttestation | None:
        selected = self.table.selectionModel().selectedRows()
        return self.rows[selected[0].row()] if selected and selected[0].row() < len(self.rows) else None

    def _selection_changed(self) -> None:
        self.duplicata_button.setEnabled(self.current() is not None)

    def issue(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        self.runner.run(lambda: practice.read(needs_pin), lambda needed: self._issue_with(
            self.pin_asker(self) if needed else None), lambda e: self.say(error_text(e), error=True))

    def _issue_with(self, pin: str | None, again: bool = False) -> None:
        practice = self.practice()
        if practice is None:
            return
        kind, period, day, child_id = self.picker.selected_kind(), self.picker.period(), self.today(), self.child_id
        self.issue_button.setEnabled(False)
        self.say(tr("Émission en cours…"))
        self.runner.run_op(lambda report: practice.write(issue, child_id, kind, period, day, pin, again=again),
                           self._issued, lambda error: self._failed(error, pin))

    def _failed(self, error: BaseException, pin: str | None = None) -> None:
        self.issue_button.setEnabled(True)
        if isinstance(error, CoconError) and error.code == "attestation_already_issued":
            self.say("")
            self.ask_again(str(error.data.get("number", "")), str(error.data.get("date", "")), pin)
            return
        self.say(error_text(error), error=True)

    def ask_again(self, number: str, day: str, pin: str | None) -> None:
        """The same child, kind and period issued already: its duplicata (the default), or knowingly a new number
        (a corrected attestation), or nothing."""
        self.question = QMessageBox(QMessageBox.Icon.Question, tr("Attestation déjà émise"),
                                    tr("Déjà émise le {0} : {1} ; réimprimer le duplicata ?").format(day, number),
                                    QMessageBox.StandardButton.Cancel, self)
        self.question.setObjectName("attestation_again")
        duplicata = self.question.addButton(tr("Réimprimer le duplicata"), QMessageBox.ButtonRole.AcceptRole)
        again = self.question.addButton(tr("Émettre une nouvelle attestation"), QMessageBox.ButtonRole.DestructiveRole)
        again.setToolTip(tr("Un nouveau numéro pour les mêmes soins : seulement pour corriger l'attestation."))
        self.question.setDefaultButton(duplicata)
        self.question.buttonClicked.connect(lambda button: self.reprint_number(number) if button is duplicata else (
            self._issue_with(pin, again=True) if button is again else None))
        self.question.open()

    def show_preview(self) -> None:
        """The attestation as it would be issued, « APERÇU — non émise », no number used, nothing stored."""
        practice = self.practice()
        if practice is None:
            return
        kind, period, day, child_id = self.picker.selected_kind(), self.picker.period(), self.today(), self.child_id
        self.say("")
        self.runner.run(lambda: practice.read(preview, child_id, kind, period, day), lambda pdf: self.open_preview(
            pdf, tr("Aperçu — non émise"), "apercu-attestation.pdf",
            tr("Aperçu : aucun numéro n'est attribué ; « Émettre » numérote et signe l'attestation.")),
            lambda e: self.say(error_text(e), error=True))

    def _issued(self, result: AttestationResult) -> None:
        self.issue_button.setEnabled(True)
        a = result.attestation
        self.say(tr("Attestation {0} émise ({1}).").format(a.number, signature_text(a)))
        self.reload()
        self.open_preview(result.pdf, tr("{0} — {1}").format(tr(a.kind_label), a.number),
                          f"{a.number}_{a.inclusion_number}.pdf", notice(result.pades_skipped, result.unsigned))

    def open_preview(self, pdf: bytes, title: str, file_name: str, note: str = "") -> None:
        if self.preview is not None:
            self.preview.close()
        self.preview = AttestationPreview(pdf, title, file_name, note, self)
        self.preview.open()

    def show_duplicata(self) -> None:
        row = self.current()
        if row is not None:
            self.reprint_number(row.number)

    def reprint_number(self, number: str) -> None:
        practice = self.practice()
        if practice is None:
            return
        today = self.today()
        self.runner.run(lambda: practice.read(reprint, number, today), lambda pdf: self.open_preview(
            pdf, tr("Duplicata — {0}").format(number), f"{number}_duplicata.pdf",
            tr("Duplicata : l'attestation {0} telle qu'elle a été émise, marquée « DUPLICATA ».").format(number)),
            lambda e: self.say(error_text(e), error=True))
