"""« Lots des plateformes »: a PCO's batch closed and written to a folder in one click, under the Facturation page's
tabs (issue 22). PCO-TND has no server: its batches never go through the Synchronisation page, they are exported
only (services/payer_batches.py, `cocon export-batch --network PCO1`). The box shows only in a practice that has
such a payer: a COCON practice sees nothing new. Read and written in the background; the page reads it again with
its tabs (`load`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cocon_desktop.ui.formatting import money
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.itemmodels.batches_model import documents_text
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.pin_prompt import pin_after

if TYPE_CHECKING:  # the service (batches, signing) is imported at the first reading, not at the program's start
    from cocon_desktop.services.payer_batches import ExportedBatch, PayerBatchChoice

# (title) → the folder chosen, or None
FolderChooser = Callable[[str], Path | None]


class PayerBatchesBox(QGroupBox):
    written = Signal(str)  # where the file went (the status bar may repeat it)

    def __init__(self, practice: PracticeSource, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(tr("Lots des plateformes (PCO)"), parent)
        self.setObjectName("payer_batches")
        self.practice, self.runner = practice, runner
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.folder_chooser: FolderChooser = self._choose_folder
        self.choices: list[PayerBatchChoice] = []
        self.busy = False
        layout = QVBoxLayout(self)
        line = QHBoxLayout()
        self.payer = QComboBox(self)
        self.payer.setObjectName("batch_payer")
        self.payer.setAccessibleName(tr("Plateforme"))
        self.payer.currentIndexChanged.connect(lambda _: self._show_pending())
        self.pending = QLabel(self)
        self.pending.setObjectName("batch_payer_pending")
        self.export_button = QPushButton(tr("Clore et exporter le lot…"), self)
        self.export_button.setObjectName("payer_batch_export")
        self.export_button.setToolTip(tr("Les plateformes n'ont pas de serveur de réception : le lot de leurs "
                                         "factures est écrit dans un dossier, à leur remettre comme le prévoit la "
                                         "convention."))
        self.export_button.clicked.connect(self.choose_export)
        for widget in (QLabel(tr("Plateforme"), self), self.payer, self.pending, self.export_button):
            line.addWidget(widget)
        line.addStretch(1)
        layout.addLayout(line)
        self.message = QLabel(self)
        self.message.setObjectName("payer_batches_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.setVisible(False)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setVisible(bool(text))

    # -- reading
    def load(self) -> None:
        practice = self.practice()
        if practice is None:
            return

        def read() -> list[PayerBatchChoice]:
            from cocon_desktop.services.payer_batches import payer_batch_choices

            return practice.read(payer_batch_choices)

        self.runner.run(read, self._show, lambda error: self.say(error_text(error), error=True))

    def _show(self, choices: list[PayerBatchChoice]) -> None:
        chosen = self.selected()
        self.choices = list(choices)
        self.payer.blockSignals(True)
        self.payer.clear()
        for choice in choices:
            self.payer.addItem(f"{choice.code} — {choice.name}", choice.code)
            self.payer.setItemData(self.payer.count() - 1, choice.name, Qt.ItemDataRole.ToolTipRole)
        index = self.payer.findData(chosen)
        self.payer.setCurrentIndex(index if index >= 0 else 0)
        self.payer.blockSignals(False)
        self._show_pending()
        self.setVisible(bool(choices))

    def selected(self) -> str:
        return str(self.payer.currentData() or "")

    def _show_pending(self) -> None:
        choice = next((c for c in self.choices if c.code == self.selected()), None)
        count = choice.pending if choice is not None else 0
        self.pending.setText(tr("{0} en attente de lot").format(documents_text(count)) if count else
                             tr("aucun document en attente de lot"))

    # -- exporting
    def _choose_folder(self, title: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self, title, str(Path.home()))
        return Path(chosen) if chosen else None

    def choose_export(self) -> None:
        code = self.selected()
        if not code or self.practice() is None or self.busy:
            return
        folder = self.folder_chooser(tr("Dossier où écrire le lot de la plateforme {0}").format(code))
        if folder is not None:
            self.export(code, folder)

    def export(self, code: str, folder: Path, pin: str | None = None) -> None:
        practice = self.practice()
        if practice is None or self.busy:
            return
        from cocon_desktop.services.payer_batches import export_payer_batch

        moment = self.now()
        self.busy = True
        self.export_button.setEnabled(False)
        self.say(tr("Préparation et signature du lot de la plateforme {0}…").format(code))
        self.runner.run_op(lambda _report: practice.write(export_payer_batch, code, folder, moment, pin),
                           self._exported, lambda error: self._export_failed(code, folder, error))

    def _finish(self) -> None:
        self.busy = False
        self.export_button.setEnabled(True)

    def _exported(self, done: ExportedBatch) -> None:
        self._finish()
        batch = done.batch
        text = tr("Lot de la plateforme {0} ({1}, {2}) écrit dans {3} : à remettre à la plateforme.").format(
            batch.network, documents_text(batch.documents), money(batch.total), done.path)
        self.say(text)
        self.written.emit(text)

    def _export_failed(self, code: str, folder: Path, error: BaseException) -> None:
        self._finish()
        pin = pin_after(self, error)
        if pin:
            self.export(code, folder, pin)
            return
        self.say(tr("Le lot n'a pas été écrit : {0}").format(error_text(error)), error=True)
