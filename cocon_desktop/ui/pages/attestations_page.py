"""Attestations: every child's attestation for a period or a year, issued in the background (progress and cancel in
a ProgressPanel, driven by `runner.run_op`), as one file to print or one PDF per child; and the register of the
attestations issued, each reprinted as a DUPLICATA. The register reads again from the write's Changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.fsutil import atomic_write
from cocon_desktop.services.attestation_preview import preview_batch
from cocon_desktop.services.attestations import (
    BatchResult,
    IssuedAttestation,
    batch_files,
    issue_batch,
    list_attestations,
    needs_pin,
    reprint,
)
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.attestation_dialog import ask_pin, fill_register, notice, register_table
from cocon_desktop.ui.dialogs.attestation_preview import AttestationPreview
from cocon_desktop.ui.formatting import french_date
from cocon_desktop.ui.i18n import error_text, ntr, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.period_picker import PeriodPicker
from cocon_desktop.ui.widgets.progress_panel import ProgressPanel

COLUMNS = ("Numéro", "Date", "Enfant", "N° d'inclusion", "Type", "Période", "Signature")


class AttestationsPage(QWidget):
    # ui/views.py: what this page shows; it reads again after a write that changed any of it
    SHOWS = Changes.ATTESTATIONS | Changes.SEANCES | Changes.CHILDREN | Changes.PROFILE

    def __init__(self, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.today = runner, today
        self.practice: Practice | None = None
        self.rows: list[IssuedAttestation] = []
        self.preview: AttestationPreview | None = None
        self.last_batch: BatchResult | None = None
        self.pin_asker: Callable[[QWidget], str | None] = ask_pin
        self.folder_chooser: Callable[[], Path | None] = self._choose_folder
        layout = QVBoxLayout(self)
        heading = QLabel(tr("Attestations"), self)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(heading)

        batch = QGroupBox(tr("Pour tous les enfants suivis"), self)
        inner = QVBoxLayout(batch)
        self.picker = PeriodPicker(today(), batch)
        inner.addWidget(self.picker)
        output = QHBoxLayout()
        self.combined = QRadioButton(tr("Un seul fichier à imprimer"), batch)
        self.combined.setObjectName("batch_combined")
        self.combined.setChecked(True)
        self.per_child = QRadioButton(tr("Un PDF par enfant (dans un dossier)"), batch)
        self.per_child.setObjectName("batch_per_child")
        self._output = QButtonGroup(batch)
        for button in (self.combined, self.per_child):
            self._output.addButton(button)
            output.addWidget(button)
        output.addStretch(1)
        self.preview_button = QPushButton(tr("Aperçu (sans numéro)"), batch)
        self.preview_button.setObjectName("batch_preview")
        self.preview_button.setToolTip(tr("Les attestations que l'émission produirait, marquées « APERÇU — non "
                                          "émise » : aucun numéro n'est utilisé."))
        self.preview_button.clicked.connect(self.preview_batch)
        output.addWidget(self.preview_button)
        self.batch_button = QPushButton(tr("Émettre les attestations"), batch)
        self.batch_button.setObjectName("batch_button")
        self.batch_button.clicked.connect(self.start_batch)
        output.addWidget(self.batch_button)
        inner.addLayout(output)
        self.progress = ProgressPanel(lambda n, total: tr("Attestation {0} sur {1}").format(n, total), batch)
        self.progress.setObjectName("batch_progress")
        self.progress.running.connect(self._running)
        inner.addWidget(self.progress)
        hint = QLabel(tr("Chaque enfant encore dans le parcours au début de la période, avec des séances sur la "
                         "période (ou une prescription en cours, pour la prise en charge), reçoit son attestation ; "
                         "« Annuler » arrête après l'enfant en cours : les attestations déjà émises le restent."),
                      batch)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        inner.addWidget(hint)
        layout.addWidget(batch)

        self.message = QLabel(self)
        self.message.setObjectName("attestations_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(tr("Attestations émises"), self))
        self.table = register_table(self, COLUMNS, "attestations_table")
        self.table.doubleClicked.connect(lambda _: self.show_duplicata())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.duplicata_button = QPushButton(tr("Réimprimer (duplicata)…"), self)
        self.duplicata_button.setObjectName("page_reprint")
        self.duplicata_button.clicked.connect(self.show_duplicata)
        row.addWidget(self.duplicata_button)
        layout.addLayout(row)
        self._selection_changed()

    # -- the practice

    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        self.practice = practice
        if practice is not None and reload:
            self.reload()

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setVisible(bool(text))

    def reload(self) -> None:
        practice = self.practice
        if practice is None:
            return
        self.runner.run(lambda: practice.read(list_attestations), self._loaded,
                        lambda e: self.say(error_text(e), error=True))

    def _loaded(self, rows: list[IssuedAttestation]) -> None:
        self.rows = rows
        fill_register(self.table, rows, with_child=True)
        self._selection_changed()

    def current(self) -> IssuedAttestation | None:
        selected = self.table.selectionModel().selectedRows()
        return self.rows[selected[0].row()] if selected and selected[0].row() < len(self.rows) else None

    def _selection_changed(self) -> None:
        self.duplicata_button.setEnabled(self.current() is not None)

    # -- the batch
    def start_batch(self) -> None:
        practice = self.practice
        if practice is None or self.progress.is_running:
            return
        self.runner.run(lambda: practice.read(needs_pin), lambda needed: self._run_batch(
            self.pin_asker(self) if needed else None), lambda e: self.say(error_text(e), error=True))

    def _run_batch(self, pin: str | None) -> None:
        """The bar and « Annuler » are the panel's: it stops the batch after the child in progress."""
        practice = self.practice
        if practice is None or self.progress.is_running:
            return
        kind, period, day = self.picker.selected_kind(), self.picker.period(), self.today()
        self.say("")
        self.runner.run_op(lambda report: practice.write(issue_batch, kind, period, day, report, pin),
                           self._batch_done, self._batch_failed, progress=self.progress)

    def _running(self, running: bool) -> None:
        for widget in (self.picker, self.batch_button, self.preview_button, self.combined, self.per_child):
            widget.setEnabled(not running)

    def _batch_failed(self, error: BaseException) -> None:
        self.say(error_text(error), error=True)

    def _batch_done(self, batch: BatchResult) -> None:
        self.last_batch = batch
        count = len(batch.results)
        if batch.cancelled:
            text = ntr("Arrêté : {0} attestation émise sur {1} (numéros attribués, sans trou).",
                       "Arrêté : {0} attestations émises sur {1} (numéros attribués, sans trou).", count).format(
                count, batch.total)
        elif not count and batch.already:
            text = ntr("Rien de nouveau : l'attestation de cette période est déjà émise (réimprimez son duplicata "
                       "depuis le registre).", "Rien de nouveau : les {0} attestations de cette période sont déjà "
                       "émises (réimprimez leur duplicata depuis le registre).", batch.already).format(batch.already)
        elif not count:
            text = tr("Aucun enfant n'a de soins à attester sur cette période.")
        else:
            first, last = batch.results[0].attestation.number, batch.results[-1].attestation.number
            text = (tr("1 attestation émise : {0}.").format(first) if count == 1 else
                    tr("{0} attestations émises : {1} à {2}.").format(count, first, last))
        if count and batch.already:
            text += " " + ntr("{0} enfant l'avait déjà : laissé de côté.", "{0} enfants l'avaient déjà : laissés de "
                              "côté.", batch.already).format(batch.already)
        extra = notice(batch.pades_skipped and any(r.attestation.signature_image for r in batch.results),
                       any(r.unsigned for r in batch.results))
        self.say(f"{text} {extra}".strip())
        if count:
            self.deliver(batch, extra)

    def preview_batch(self) -> None:
        """What « Émettre » would issue for the period, marked « APERÇU — non émise », no number used."""
        practice = self.practice
        if practice is None or self.progress.is_running:
            return
        kind, period, day = self.picker.selected_kind(), self.picker.period(), self.today()
        self.say("")
        self.runner.run(lambda: practice.read(preview_batch, kind, period, day), self._previewed,
                        lambda e: self.say(error_text(e), error=True))

    def _previewed(self, found: tuple[bytes, int]) -> None:
        pdf, count = found
        if not count:
            self.say(tr("Aucune attestation à émettre sur cette période (aucun soin, ou toutes déjà émises)."))
            return
        self.open_preview(pdf, ntr("Aperçu — {0} attestation, non émise", "Aperçu — {0} attestations, non émises",
                                   count).format(count), f"apercu-attestations-{self.picker.period_label()}.pdf",
                          tr("Aperçu : aucun numéro n'est attribué ; « Émettre les attestations » les numérote et "
                             "les signe."))

    def deliver(self, batch: BatchResult, note: str = "") -> None:
        """One file: shown to print or save; one per child: written in a folder the user picks."""
        label = f"attestations-{self.picker.period_label()}"
        if self.combined.isChecked():
            [(name, pdf)] = batch_files(batch, combined=True, label=label)
            self.open_preview(pdf, tr("Attestations à imprimer ({0})").format(len(batch.results)), name, note)
            return
        folder = self.folder_chooser()
        if folder is not None:
            self.write_files(batch, folder)

    def _choose_folder(self) -> Path | None:
        path = QFileDialog.getExistingDirectory(self, tr("Dossier des attestations"), str(Path.home()))
        return Path(path) if path else None

    def write_files(self, batch: BatchResult, folder: Path) -> None:
        def write() -> int:
            files = batch_files(batch, combined=False)
            for name, pdf in files:
                atomic_write(folder / name, pdf, private_dir=False)
            return len(files)

        self.runner.run(write, lambda n: self.say(ntr("{0} fichier PDF écrit dans {1}.",
                                                      "{0} fichiers PDF écrits dans {1}.", n).format(n, folder)),
                        lambda e: self.say(error_text(e), error=True))

    # -- the register
    def open_preview(self, pdf: bytes, title: str, file_name: str, note: str = "") -> None:
        if self.preview is not None:
            self.preview.close()
        self.preview = AttestationPreview(pdf, title, file_name, note, self)
        self.preview.open()

    def show_duplicata(self) -> None:
        row = self.current()
        practice = self.practice
        if practice is None or row is None:
            return
        number, today = row.number, self.today()
        self.runner.run(lambda: practice.read(reprint, number, today), lambda pdf: self.open_preview(
            pdf, tr("Duplicata — {0}").format(number), f"{number}_duplicata.pdf",
            tr("Duplicata : l'attestation telle qu'elle a été émise le {0}, marquée « DUPLICATA ».").format(
                french_date(row.issue_date))), lambda e: self.say(error_text(e), error=True))
