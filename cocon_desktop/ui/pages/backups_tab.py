"""Paramètres › Sauvegardes: back up now to a folder of one's choice (a USB drive) in the background, how many
automatic backups (taken when the program closes) are kept, the last backup's date, and how to restore.

« Sauvegarder maintenant » is a write through the practice handle (`runner.run_op`, its bar in a ProgressPanel): it
writes a file, and records the last backup in the settings (SETTINGS). A backup cannot stop half-way: the panel
shows no « Annuler »."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop import settings
from cocon_desktop.services import backup, settings_store
from cocon_desktop.services.backup import BackupInfo
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.progress_panel import ProgressPanel

log = logging.getLogger(__name__)
STEP_TEXT = ("Copie de la base chiffrée…", "Écriture du fichier…", "Vérification de la sauvegarde…",
             "Mise en place…")  # the bar's words at each of backup.STEPS


def when_text(when: datetime) -> str:
    local = when.astimezone()
    return tr("{0} à {1}").format(local.strftime("%d/%m/%Y"), local.strftime("%H:%M"))


class BackupsTab(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.practice: Practice | None = None
        layout = QVBoxLayout(self)

        now_box = QGroupBox(tr("Sauvegarder maintenant"), self)
        now_layout = QVBoxLayout(now_box)
        hint = QLabel(tr("Un seul fichier, chiffré avec la clé du cabinet et vérifié après l'écriture : "
                         "choisissez un dossier sur une clé USB ou un disque externe, rangé ailleurs que "
                         "l'ordinateur."), now_box)
        hint.setWordWrap(True)
        now_layout.addWidget(hint)
        row = QHBoxLayout()
        self.backup_button = QPushButton(tr("Sauvegarder maintenant…"), now_box)
        self.backup_button.setObjectName("backup_now")
        self.backup_button.clicked.connect(self.choose_folder)
        row.addWidget(self.backup_button)
        self.progress = ProgressPanel(lambda step, _total: tr(STEP_TEXT[step - 1]), now_box)
        self.progress.setObjectName("backup_progress")
        self.progress.cancel_button.setVisible(False)  # the backup cannot stop half-way
        self.progress.running.connect(lambda running: self.backup_button.setEnabled(
            not running and self.practice is not None))
        row.addWidget(self.progress, 1)
        row.addStretch(1)
        now_layout.addLayout(row)
        self.status = QLabel(now_box)
        self.status.setObjectName("backup_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        now_layout.addWidget(self.status)
        layout.addWidget(now_box)

        auto = QGroupBox(tr("Sauvegardes automatiques"), self)
        form = QFormLayout(auto)
        self.auto_hint = QLabel(auto)
        self.auto_hint.setWordWrap(True)
        form.addRow(self.auto_hint)
        var = settings.BACKUP_KEEP
        self.keep = QSpinBox(auto)
        self.keep.setObjectName("backup_keep")
        self.keep.setRange(var.minimum or 1, var.maximum or 100)
        self.keep.setValue(var.default)
        self.keep.setMaximumWidth(90)
        self.keep.editingFinished.connect(self._save_keep)
        form.addRow(tr(var.label), self.keep)
        self.last = QLabel(tr("Aucune sauvegarde pour l'instant."), auto)
        self.last.setObjectName("last_backup")
        self.last.setWordWrap(True)
        self.last.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(tr("Dernière sauvegarde"), self.last)
        layout.addWidget(auto)

        restore = QGroupBox(tr("Restaurer une sauvegarde"), self)
        rlayout = QVBoxLayout(restore)
        how = QLabel(tr(
            "Une sauvegarde se restaure dans un dossier nouveau ou vide, jamais par-dessus un cabinet : au "
            "démarrage du programme, « Restaurer une sauvegarde… » (dans l'assistant de création sur un nouvel "
            "ordinateur, ou sous la phrase de passe dans la fenêtre de déverrouillage).\n"
            "Elle s'ouvre avec la phrase de passe en vigueur au moment où elle a été écrite, ou avec la clé de "
            "secours (puis une nouvelle phrase de passe)."), restore)
        how.setWordWrap(True)
        how.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rlayout.addWidget(how)
        layout.addWidget(restore)
        layout.addStretch(1)

    # -- loading
    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        self.practice = practice
        self.backup_button.setEnabled(practice is not None)
        if practice is None or not reload:
            return
        self.auto_hint.setText(tr("À chaque fermeture du programme, une sauvegarde est écrite dans {0} ; "
                                  "seules les plus récentes sont gardées.").format(practice.paths.backups))

        def load() -> tuple[int, tuple[datetime, str] | None]:
            return int(practice.read(settings_store.get, settings.BACKUP_KEEP)), backup.last_backup(practice)

        self.runner.run(load, self._loaded, lambda error: self._say(error_text(error), False))

    def _loaded(self, values: tuple[int, tuple[datetime, str] | None]) -> None:
        keep, last = values
        self.keep.setValue(keep)
        self._show_last(last)

    def _show_last(self, last: tuple[datetime, str] | None) -> None:
        if last is None:
            self.last.setText(tr("Aucune sauvegarde pour l'instant."))
        else:
            self.last.setText(tr("{0} — {1}").format(when_text(last[0]), last[1]))

    def _save_keep(self) -> None:
        if self.practice is None:
            return
        practice, value = self.practice, self.keep.value()
        self.runner.run_op(lambda report: practice.write(settings_store.put, settings.BACKUP_KEEP, value),
                           lambda _: None, lambda error: self._say(error_text(error), False))

    # -- backing up
    def choose_folder(self) -> None:
        if self.practice is None:
            return
        folder = QFileDialog.getExistingDirectory(self, tr("Dossier de la sauvegarde (clé USB, disque externe)"),
                                                  str(Path.home()))
        if folder:
            self.backup_to(Path(folder))

    def backup_to(self, folder: Path) -> None:
        if self.practice is None:
            return
        practice = self.practice
        self.status.clear()
        self.runner.run_op(lambda report: practice.write(backup.backup_to, folder, progress=report), self._done,
                           self._failed, progress=self.progress)

    def _done(self, info: BackupInfo) -> None:
        self._say(tr("Sauvegarde écrite et vérifiée : {0}").format(info.path), True)
        self._show_last((info.created_at, str(info.path)))

    def _failed(self, error: BaseException) -> None:
        self._say(error_text(error), False)

    def _say(self, text: str, ok: bool) -> None:
        self.status.setStyleSheet(DONE_STYLE if ok else ERROR_STYLE)
        self.status.setText(text)


def backup_on_close(practice: Practice, parent: QWidget | None = None) -> BackupInfo | None:
    """The automatic backup when the program closes (on the GUI thread: the window is going away). A failure
    is said in a message box and logged without data; it never stops the program from closing. Through the handle
    but not `run_op`: the window is going away, so there is nothing to refresh and no turn to wait for."""
    from PySide6.QtWidgets import QMessageBox

    note = QLabel(tr("Sauvegarde automatique du cabinet…"), parent, Qt.WindowType.Tool)
    note.setStyleSheet("padding: 14px; font-size: 11pt;")
    note.show()
    QApplication.processEvents()
    try:
        return practice.write(backup.automatic_backup).value
    except Exception as exc:
        log.warning("automatic backup failed: %s", type(exc).__name__)
        QMessageBox.warning(parent, tr("COCON Desktop"),
                            tr("La sauvegarde automatique n'a pas pu être écrite : {0}").format(error_text(exc)))
        return None
    finally:
        note.close()
        note.deleteLater()
