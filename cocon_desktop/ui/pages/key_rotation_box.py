"""Paramètres › Sécurité: « Changer la clé de chiffrement » and « Nouvelle clé de secours » (issue 19, #3), and the
passphrase change's rotation. The work runs in the runner's worker with its bar (`runner.run_op` + ProgressPanel):
the window never blocks. Afterwards the box says what becomes of the older backups — they still open with the old
passphrase and recovery key — and offers to delete them or keep them; a new recovery key is shown once, here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.errors import FieldError
from cocon_desktop.services import key_rotation
from cocon_desktop.services.key_rotation import RotationReport
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import error_text, ntr, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE, FieldBox
from cocon_desktop.ui.widgets.new_passphrase import password_edit
from cocon_desktop.ui.widgets.progress_panel import ProgressPanel
from cocon_desktop.ui.widgets.recovery_key_view import RecoveryKeyView

STEP_TEXT = ("Vérification de la phrase de passe…", "Préparation de la nouvelle clé…", "Rechiffrement de la base…",
             "Vérification de la copie rechiffrée…", "Sauvegarde neuve sous la nouvelle clé…")


def _hint(parent: QWidget, text: str) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


class KeyRotationBox(QGroupBox):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(tr("Clé de chiffrement"), parent)
        self.setObjectName("key_rotation")
        self.runner = runner
        self.practice: Practice | None = None
        self.older: list[Path] = []
        layout = QVBoxLayout(self)
        layout.addWidget(_hint(self, tr(
            "Rechiffre toute la base sous une nouvelle clé tirée au hasard, puis écrit une sauvegarde neuve. "
            "Votre phrase de passe reste la même. «\u00a0Nouvelle clé de secours\u00a0» fait de même avec une "
            "nouvelle clé de secours, affichée une seule fois : l'ancienne ne fonctionnera plus.")))
        form = QFormLayout()
        self.passphrase = password_edit(self, "rotation_passphrase")
        self.passphrase_box = FieldBox(self.passphrase, parent=self)
        form.addRow(tr("Phrase de passe actuelle"), self.passphrase_box)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.rekey_button = QPushButton(tr("Changer la clé de chiffrement"), self)
        self.rekey_button.setObjectName("rekey_button")
        self.rekey_button.clicked.connect(lambda: self._start(key_rotation.rotate_data_key))
        self.passphrase.returnPressed.connect(self.rekey_button.click)  # Entrée: the usual action
        self.recovery_button = QPushButton(tr("Nouvelle clé de secours"), self)
        self.recovery_button.setObjectName("new_recovery_button")
        self.recovery_button.clicked.connect(lambda: self._start(key_rotation.new_recovery_key))
        buttons.addWidget(self.rekey_button)
        buttons.addWidget(self.recovery_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.progress = ProgressPanel(lambda step, _total: tr(STEP_TEXT[step - 1]), self)
        self.progress.cancel_button.hide()  # a rotation cannot stop half-way: it finishes or is undone
        self.progress.running.connect(self._running)
        layout.addWidget(self.progress)
        self.status = QLabel(self)
        self.status.setObjectName("rotation_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.older_panel = QWidget(self)
        older = QVBoxLayout(self.older_panel)
        older.setContentsMargins(0, 0, 0, 0)
        self.older_label = QLabel(self.older_panel)
        self.older_label.setObjectName("older_backups")
        self.older_label.setWordWrap(True)
        older.addWidget(self.older_label)
        row = QHBoxLayout()
        self.delete_button = QPushButton(tr("Supprimer ces sauvegardes"), self.older_panel)
        self.delete_button.setObjectName("delete_older_backups")
        self.delete_button.clicked.connect(self._delete_older)
        self.keep_button = QPushButton(tr("Les garder"), self.older_panel)
        self.keep_button.setObjectName("keep_older_backups")
        self.keep_button.clicked.connect(self._keep_older)
        row.addWidget(self.delete_button)
        row.addWidget(self.keep_button)
        row.addStretch(1)
        older.addLayout(row)
        self.older_panel.hide()
        layout.addWidget(self.older_panel)
        self.recovery_panel = QWidget(self)
        shown = QVBoxLayout(self.recovery_panel)
        shown.setContentsMargins(0, 0, 0, 0)
        shown.addWidget(_hint(self.recovery_panel, tr(
            "Votre nouvelle clé de secours : recopiez-la maintenant sur papier, elle ne sera plus affichée. "
            "L'ancienne n'ouvre plus le cabinet.")))
        self.recovery_view = RecoveryKeyView(self.recovery_panel)
        shown.addWidget(self.recovery_view)
        self.noted_button = QPushButton(tr("Je l'ai notée"), self.recovery_panel)
        self.noted_button.setObjectName("recovery_noted")
        self.noted_button.clicked.connect(self._noted)
        shown.addWidget(self.noted_button)
        self.recovery_panel.hide()
        layout.addWidget(self.recovery_panel)

    def _running(self, running: bool) -> None:
        for widget in (self.rekey_button, self.recovery_button, self.delete_button, self.keep_button):
            widget.setEnabled(not running)
        self.passphrase.setReadOnly(running)  # read-only, not greyed: the focus stays here, not on the next field

    def _start(self, use_case: Callable[..., RotationReport]) -> None:
        self.passphrase_box.clear()
        passphrase = self.passphrase.text()
        if not passphrase:
            self.passphrase_box.show_error(FieldError("passphrase", "passphrase_empty"))
            return
        self.rotate(use_case, passphrase, on_failed=self.passphrase_box.show_text)

    def rotate(self, use_case: Callable[..., RotationReport], *args: str,
               on_done: Callable[[RotationReport], None] | None = None,
               on_failed: Callable[[str], None] | None = None) -> None:
        """Run a rotation (also the passphrase change's) in the worker, its steps on the bar."""
        if self.practice is None or self.progress.is_running:
            return
        practice = self.practice
        self.status.clear()
        self.older_panel.hide()

        def done(report: RotationReport) -> None:
            self.passphrase.clear()
            self.show_report(report)
            if on_done is not None:
                on_done(report)

        def failed(error: BaseException) -> None:
            (on_failed or self._say_error)(error_text(error))

        self.runner.run_op(lambda report: practice.write(use_case, *args, progress=report), done, failed,
                           progress=self.progress)

    def _say_error(self, text: str) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(text)

    def show_report(self, report: RotationReport) -> None:
        self.status.setStyleSheet(DONE_STYLE)
        text = tr("Base rechiffrée sous une nouvelle clé en {0} s.").format(f"{report.seconds:.1f}".replace(".", ","))
        if report.backup is not None:
            text += " " + tr("Sauvegarde neuve : {0}.").format(report.backup.name)
        if report.last_elsewhere:
            text += " " + tr("La sauvegarde faite ailleurs ({0}) s'ouvre encore avec l'ancienne clé : supprimez-la "
                             "vous-même si l'ancienne phrase de passe a pu être connue.").format(report.last_elsewhere)
        self.status.setText(text)
        self.older = list(report.older_backups)
        if self.older:
            self.older_label.setText(ntr(
                "{0} sauvegarde antérieure, dans le dossier du cabinet, s'ouvre encore avec l'ANCIENNE phrase de "
                "passe et l'ancienne clé de secours. La supprimer ?",
                "{0} sauvegardes antérieures, dans le dossier du cabinet, s'ouvrent encore avec l'ANCIENNE phrase de "
                "passe et l'ancienne clé de secours. Les supprimer ?", len(self.older)).format(len(self.older)))
            self.delete_button.setText(ntr("Supprimer cette sauvegarde", "Supprimer ces sauvegardes",
                                           len(self.older)))
            self.keep_button.setText(ntr("La garder", "Les garder", len(self.older)))
            self.older_panel.show()
        if report.recovery_key is not None:
            self.recovery_view.set_key(report.recovery_key)
            self.recovery_panel.show()
        self._bring_into_view(self.recovery_panel if report.recovery_key is not None else self.older_panel)

    def _bring_into_view(self, widget: QWidget) -> None:
        """The page scrolls to what was just shown (the new recovery key sits below the fold at 1366×768)."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if not widget.isVisible():
            return
        if widget is self.recovery_panel:
            self.noted_button.setFocus()  # the key shown: « Je l'ai notée » is next, not the passphrase again
        if isinstance(parent, QScrollArea):
            area = parent
            QTimer.singleShot(100, lambda: area.ensureWidgetVisible(widget, 0, 0))  # once laid out and resized

    def _delete_older(self) -> None:
        if self.practice is None:
            return
        practice, older = self.practice, list(self.older)
        self.runner.run_op(lambda report: practice.write(key_rotation.delete_older_backups, older),
                           self._deleted, lambda error: self._say_error(error_text(error)))

    def _deleted(self, count: int) -> None:
        self.older_panel.hide()
        self.older = []
        self.status.setStyleSheet(DONE_STYLE)
        self.status.setText(ntr("{0} sauvegarde antérieure supprimée.", "{0} sauvegardes antérieures supprimées.",
                                count).format(count))

    def _keep_older(self) -> None:
        self.older_panel.hide()
        self.status.setStyleSheet(DONE_STYLE)
        self.status.setText(tr("Les sauvegardes antérieures sont gardées : elles s'ouvrent avec l'ancienne phrase "
                               "de passe et l'ancienne clé de secours. Supprimez-les dès qu'une sauvegarde sous la "
                               "nouvelle clé est en lieu sûr."))

    def _noted(self) -> None:
        self.recovery_panel.hide()
        for label in self.recovery_view.labels:  # the key is not kept in the window once noted
            label.deleteLater()
        self.recovery_view.labels = []
