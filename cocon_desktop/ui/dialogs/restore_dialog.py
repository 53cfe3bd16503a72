"""Restoring a backup from the window (first-run wizard, unlock window): the .coconbak file, a new or empty
data folder, then the backup's passphrase, or the recovery key and a new passphrase. The restore runs in the
background: services/backup.restore checks everything in a staging folder and writes nothing on any error;
then the restored practice opens like after an unlock (`restored` carries the opened Practice).

The restore is not a write through a practice handle (none is open yet; the window opens with the restored one, so
there is nothing to refresh): `runner.run` runs it, its progress in a ProgressPanel driven here. It cannot stop
half-way: the panel shows no « Annuler »."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from cocon_desktop.errors import CoconError, FieldError
from cocon_desktop.services import backup, backup_format, practice_handle, practice_keys
from cocon_desktop.services.backup_format import SUFFIX, Container
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.fit import grow_to_content
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.pages.backups_tab import when_text
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox
from cocon_desktop.ui.widgets.new_passphrase import NewPassphraseField, password_edit
from cocon_desktop.ui.widgets.progress_panel import ProgressPanel

STEP_TEXT = ("Vérification du fichier, ouverture des clés…", "Vérification de la base restaurée…",
             "Mise en place dans le dossier…", "Ouverture du cabinet restauré…")  # RESTORE_STEPS + the opening
GREY = "color: #555;"
FILE_CODES = frozenset({"backup_not_a_backup", "backup_corrupted", "backup_tampered", "backup_too_new",
                        "backup_other_vault", "file_missing", "vault_file_corrupted", "vault_too_new"})
TARGET_CODES = frozenset({"restore_target_not_empty", "vault_exists"})
RECOVERY_CODES = frozenset({"wrong_recovery_key", "recovery_key_malformed", "recovery_key_typo",
                            "unlock_throttled"})
NEW_CODES = frozenset({"passphrase_too_weak"})


def _is_empty_folder(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def default_target(program_dir: Path) -> Path:
    """The program's data folder when it holds nothing yet (first run); else a new folder beside it."""
    if _is_empty_folder(program_dir):
        return program_dir
    candidate, n = program_dir.with_name(f"{program_dir.name}-restauration"), 1
    while not _is_empty_folder(candidate):
        n += 1
        candidate = program_dir.with_name(f"{program_dir.name}-restauration-{n}")
    return candidate


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def backup_summary(container: Container) -> str:
    """« Sauvegarde du 03/11/2026 à 18:04, intacte : 6 enfants, 24 séances, 3 factures. » (file's header)."""
    from datetime import datetime

    counts = container.counts
    what = ", ".join(_plural(counts.get(table, 0), tr(word)) for table, word in
                     (("child", "enfant"), ("seance", "séance"), ("invoice", "facture")))
    try:
        when = when_text(datetime.fromisoformat(str(container.header.get("created_at", ""))))
    except ValueError:
        return tr("Sauvegarde intacte : {0}.").format(what)
    return tr("Sauvegarde du {0}, intacte : {1}.").format(when, what)


class RestoreDialog(QDialog):
    restored = Signal(object)  # Practice, opened and up to date

    def __init__(self, program_dir: Path, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Restaurer une sauvegarde"))
        self.setMinimumWidth(640)
        self.program_dir, self.runner = program_dir, runner
        self.practice: Practice | None = None
        self.busy = False
        layout = QVBoxLayout(self)
        intro = QLabel(tr("La sauvegarde est vérifiée puis restaurée dans un dossier nouveau ou vide : un cabinet "
                          "existant n'est jamais remplacé. Si quelque chose ne va pas (fichier endommagé ou "
                          "modifié, phrase de passe fausse), rien n'est écrit."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = form = QFormLayout()
        layout.addLayout(form)

        self.file_edit = QLineEdit(self)
        self.file_edit.setObjectName("restore_file")
        self.file_edit.setPlaceholderText(f"cocon-sauvegarde-AAAAMMJJ-HHMMSS{SUFFIX}")
        self.file_edit.editingFinished.connect(lambda: self.inspect(self.file_edit.text()))
        self.file_box = FieldBox(self.file_edit, parent=self)
        form.addRow(tr("Sauvegarde"), self._with_button(self.file_box, "choose_backup", self.choose_file))
        self.file_info = QLabel(self)
        self.file_info.setObjectName("backup_info")
        self.file_info.setWordWrap(True)
        self.file_info.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.file_info.setStyleSheet(GREY)
        form.addRow("", self.file_info)

        self.target_edit = QLineEdit(str(default_target(program_dir)), self)
        self.target_edit.setObjectName("restore_target")
        self.target_edit.setAccessibleName(tr("Restaurer dans"))
        self.target_edit.textChanged.connect(self._target_changed)
        self.target_box = FieldBox(self.target_edit, parent=self)
        form.addRow(tr("Restaurer dans"), self._with_button(self.target_box, "choose_target", self.choose_target))
        self.target_note = QLabel(self)
        self.target_note.setObjectName("target_note")
        self.target_note.setWordWrap(True)
        self.target_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.target_note.setStyleSheet(GREY)
        form.addRow("", self.target_note)

        self.with_passphrase = QRadioButton(tr("Avec la phrase de passe de la sauvegarde"), self)
        self.with_passphrase.setObjectName("with_passphrase")
        self.with_recovery = QRadioButton(tr("Avec la clé de secours, puis une nouvelle phrase de passe"), self)
        self.with_recovery.setObjectName("with_recovery")
        self.with_passphrase.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.with_passphrase, 0)
        modes.addButton(self.with_recovery, 1)
        form.addRow(tr("Ouvrir"), self.with_passphrase)
        form.addRow("", self.with_recovery)
        self._passphrase_rows(form)
        self._recovery_rows(form)
        modes.idClicked.connect(self._mode_changed)
        self._mode_changed(0)
        layout.addStretch(1)

        self.progress = ProgressPanel(lambda step, _total: tr(STEP_TEXT[step - 1]), self)
        self.progress.setObjectName("restore_progress")
        self.progress.cancel_button.setVisible(False)  # the restore cannot stop half-way; it ends by itself
        layout.addWidget(self.progress)
        self.status, self.restore_button = add_footer(self, layout, "restore", self.start_restore,
                                                      save_text="Restaurer et ouvrir", default=True)
        self._target_changed(self.target_edit.text())

    # -- building
    def _with_button(self, box: FieldBox, name: str, action: Callable[[], None]) -> QWidget:
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(box, 1)
        button = QPushButton(tr("Choisir…"), holder)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(action)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return holder

    def _passphrase_rows(self, form: QFormLayout) -> None:
        self.passphrase = password_edit(self, "restore_passphrase")
        self.passphrase_box = FieldBox(self.passphrase, parent=self)
        form.addRow(tr("Phrase de passe"), self.passphrase_box)
        hint = QLabel(tr("Celle qui était en vigueur quand la sauvegarde a été écrite."), self)
        hint.setStyleSheet(GREY)
        form.addRow("", hint)
        self.passphrase_rows: tuple[QWidget, ...] = (self.passphrase_box, hint)

    def _recovery_rows(self, form: QFormLayout) -> None:
        """The recovery key, then a new passphrase with the wizard's strength meter."""
        self.recovery_key = QLineEdit(self)
        self.recovery_key.setObjectName("restore_recovery_key")
        self.recovery_key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.recovery_box = FieldBox(self.recovery_key, parent=self)
        self.new_field = NewPassphraseField("restore_new_passphrase", "restore_new_confirm", self)
        self.new_passphrase, self.new_confirm = self.new_field.edit, self.new_field.confirm
        self.new_box, self.confirm_box = self.new_field.box, self.new_field.confirm_box
        self.meter = self.new_field.meter
        form.addRow(tr("Clé de secours"), self.recovery_box)
        form.addRow(self.new_field)
        self.recovery_rows: tuple[QWidget, ...] = (self.recovery_box, self.new_field)

    def _mode_changed(self, mode: int) -> None:
        """0: the backup's passphrase; 1: the recovery key and a new passphrase."""
        for widget in self.passphrase_rows:
            self.form.setRowVisible(widget, mode == 0)
        for widget in self.recovery_rows:
            self.form.setRowVisible(widget, mode == 1)
        (self.passphrase if mode == 0 else self.recovery_key).setFocus()
        if self.isVisible():
            grow_to_content(self)

    # -- choosing
    def choose_file(self) -> None:
        start = self.file_edit.text() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, tr("Choisir une sauvegarde"), start,
                                                tr("Sauvegardes COCON (*{0})").format(SUFFIX))
        if chosen:
            self.set_backup_file(Path(chosen))

    def choose_target(self) -> None:
        start = str(Path(self.target_edit.text()).expanduser().parent) if self.target_edit.text() else ""
        chosen = QFileDialog.getExistingDirectory(self, tr("Dossier nouveau ou vide où restaurer le cabinet"),
                                                  start or str(Path.home()))
        if chosen:
            self.target_edit.setText(chosen)

    def set_backup_file(self, path: Path) -> None:
        self.file_edit.setText(str(path))
        self.inspect(str(path))

    def inspect(self, text: str) -> None:
        """Read the header and check the checksum in the background: damage shows before any passphrase."""
        self.file_box.clear()
        self.file_info.clear()
        if not text.strip():
            return
        path = Path(text.strip()).expanduser()

        def shown(container: Container) -> None:
            if not isValid(self):  # the field loses its focus while the dialog is destroyed: nothing to show
                return
            if self.file_edit.text().strip() == text.strip():
                self.file_info.setText(backup_summary(container))
                grow_to_content(self)

        def failed(error: BaseException) -> None:
            if isValid(self) and self.file_edit.text().strip() == text.strip() and not self.busy:
                self.file_box.show_text(error_text(error))
                grow_to_content(self)

        self.runner.run(lambda: backup_format.read(path), shown, failed)

    def _target_changed(self, text: str) -> None:
        self.target_box.clear()
        target = Path(text.strip()).expanduser() if text.strip() else None
        if target is None or target.absolute() == self.program_dir.absolute():
            usable = target is not None and not practice_keys.practice_exists(target)  # else the service refuses it
            self.target_note.setText(tr("Le dossier des données du programme : le cabinet restauré s'ouvrira "
                                        "aussi aux prochains démarrages.") if usable else "")
            return
        self.target_note.setText(tr(
            "Ce n'est pas le dossier que le programme ouvre au démarrage ({0}) : le cabinet restauré s'ouvrira "
            "tout de suite, mais pas aux prochains démarrages.").format(self.program_dir))
        if self.isVisible():
            grow_to_content(self)

    # -- restoring
    def start_restore(self) -> None:
        if self.busy:
            return
        for box in (self.file_box, self.target_box, self.passphrase_box, self.recovery_box, self.new_box,
                    self.confirm_box):
            box.clear()
        self.status.clear()
        work = self._work()
        if work is None:
            grow_to_content(self)
            return
        self._set_busy(True)
        self.runner.run(work, self._done, self._failed)

    def _work(self) -> Callable[[], Practice] | None:
        """What the worker runs, every value read here; None (and the error at its field) if a field is wrong."""
        file_text, target_text = self.file_edit.text().strip(), self.target_edit.text().strip()
        if not file_text:
            self.file_box.show_text(tr("Choisissez le fichier de sauvegarde ({0}).").format(SUFFIX))
            return None
        if not target_text:
            self.target_box.show_text(tr("Choisissez le dossier où restaurer le cabinet."))
            return None
        source, target = Path(file_text).expanduser().absolute(), Path(target_text).expanduser().absolute()
        panel, total = self.progress, backup.RESTORE_STEPS + 1  # the restore's steps, then the opening
        report = lambda done, _steps: panel.report(done, total)  # noqa: E731
        if self.with_passphrase.isChecked():
            passphrase = self.passphrase.text()
            if not passphrase:
                self.passphrase_box.show_error(FieldError("passphrase", "passphrase_empty"))
                return None

            def with_passphrase() -> Practice:
                backup.restore(source, target, passphrase=passphrase, progress=report)
                return practice_handle.open_with_passphrase(target, passphrase)

            return with_passphrase
        recovery = self.recovery_key.text()
        try:
            practice_keys.check_recovery_key(recovery)
        except CoconError as exc:
            self.recovery_box.show_text(error_text(exc))
            return None
        new = self.new_field.checked()
        if new is None:
            return None

        def with_recovery() -> Practice:
            backup.restore(source, target, recovery_key=recovery, new_passphrase=new, progress=report)
            return practice_handle.open_with_passphrase(target, new)

        return with_recovery

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self.progress.begin()
        else:
            self.progress.end()
        for widget in (self.restore_button, self.file_edit, self.target_edit, self.with_passphrase,
                       self.with_recovery, *self.passphrase_rows, *self.recovery_rows):
            widget.setEnabled(not busy)
        for name in ("choose_backup", "choose_target"):
            button = self.findChild(QPushButton, name)
            if button is not None:
                button.setEnabled(not busy)

    def _done(self, practice: Practice) -> None:
        self._set_busy(False)
        for edit in (self.passphrase, self.recovery_key, self.new_passphrase, self.new_confirm):
            edit.clear()
        self.practice = practice
        self.restored.emit(practice)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        box = self._box_for(error)
        if box is None:
            self.status.setText(error_text(error))
        else:
            box.show_text(error_text(error))
            box.editor.setFocus()
        grow_to_content(self)

    def _box_for(self, error: BaseException) -> FieldBox | None:
        code = error.code if isinstance(error, CoconError) else ""
        if code in FILE_CODES:
            return self.file_box
        if code in TARGET_CODES:
            return self.target_box
        if code in NEW_CODES:
            return self.new_box
        if self.with_recovery.isChecked() and code in RECOVERY_CODES:
            return self.recovery_box
        if self.with_passphrase.isChecked() and code in ("wrong_passphrase", "unlock_throttled"):
            return self.passphrase_box
        return None

    def reject(self) -> None:
        if not self.busy:  # the restore cannot be stopped half-way; it ends by itself
            super().reject()
