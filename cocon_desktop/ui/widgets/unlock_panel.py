"""Unlocking a practice: the passphrase, or the recovery key and a new passphrase.

Used by the unlock window at start and by the lock screen inside the main window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.errors import CoconError, FieldError, VaultError
from cocon_desktop.services import practice_keys
from cocon_desktop.ui.i18n import error_text, message, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import FieldBox
from cocon_desktop.ui.widgets.new_passphrase import NewPassphraseField, password_edit

if TYPE_CHECKING:  # the ORM is imported by the unlocking itself, in the background, not to show the window
    from cocon_desktop.services.practice_handle import Practice
    from cocon_desktop.services.practice_keys import KeychainStatus


class UnlockPanel(QWidget):
    unlocked = Signal(object)  # Practice
    grown = Signal()  # a line appeared after the window was laid out (the keychain's answer): its window may grow

    def __init__(self, data_dir: Path, runner: TaskRunner, *, expected_vault_id: str | None = None,
                 offer_remember: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.runner, self.expected_vault_id = data_dir, runner, expected_vault_id
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)

        # passphrase mode
        normal = QWidget(self)
        form = QFormLayout(normal)
        self.passphrase = password_edit(normal, "unlock_passphrase")
        self.passphrase_box = FieldBox(self.passphrase, parent=normal, reserve_lines=2)  # the button stays put
        form.addRow(tr("Phrase de passe"), self.passphrase_box)
        self.passphrase.setAccessibleName(tr("Phrase de passe"))
        self.remember = QCheckBox(tr("Se souvenir sur cet ordinateur"), normal)
        self.remember.setObjectName("unlock_remember")
        self.remember.setEnabled(False)  # until the keychain answers (keyring finds its backend: 50–100 ms)
        self.remember.setVisible(offer_remember)
        self.keychain_reason = QLabel(normal)
        self.keychain_reason.setObjectName("keychain_reason")
        self.keychain_reason.setWordWrap(True)
        self.keychain_reason.setStyleSheet("color: #555;")
        self.keychain_reason.setVisible(False)
        if offer_remember:
            form.addRow("", self.remember)
            form.addRow("", self.keychain_reason)
            runner.run(practice_keys.keychain_status, self._keychain_checked, lambda _: None)
        self.unlock_button = QPushButton(tr("Déverrouiller"), normal)
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_passphrase)
        self.passphrase.returnPressed.connect(self.try_passphrase)
        form.addRow("", self.unlock_button)
        forgot = QPushButton(tr("Phrase de passe oubliée ? Utiliser la clé de secours"), normal)
        forgot.setFlat(True)
        forgot.setObjectName("forgot_button")
        forgot.clicked.connect(lambda: self.stack.setCurrentIndex(1))
        form.addRow("", forgot)
        self.stack.addWidget(normal)

        # recovery mode
        recovery = QWidget(self)
        rform = QFormLayout(recovery)
        self.recovery_key = QLineEdit(recovery)
        self.recovery_key.setObjectName("recovery_key")
        self.recovery_key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.recovery_box = FieldBox(self.recovery_key, parent=recovery, reserve_lines=2)
        self.new_field = NewPassphraseField("new_passphrase", "new_passphrase_confirm", recovery)
        self.new_passphrase, self.new_confirm = self.new_field.edit, self.new_field.confirm
        self.new_box, self.confirm_box = self.new_field.box, self.new_field.confirm_box
        rform.addRow(tr("Clé de secours"), self.recovery_box)
        rform.addRow(self.new_field)
        self.recover_button = QPushButton(tr("Ouvrir avec la clé de secours"), recovery)
        self.recover_button.setObjectName("recover_button")
        self.recover_button.clicked.connect(self.try_recovery)
        back = QPushButton(tr("Revenir à la phrase de passe"), recovery)
        back.setFlat(True)
        back.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        rform.addRow("", self.recover_button)
        rform.addRow("", back)
        self.stack.addWidget(recovery)
        self.stack.currentChanged.connect(self._size_to_current)
        self._size_to_current()

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self._seconds_left = 0

    def _keychain_checked(self, status: KeychainStatus) -> None:
        self.remember.setEnabled(status.available)
        self.remember.setToolTip(message(status.reason))
        self.keychain_reason.setText("" if status.available else message(status.reason))
        self.keychain_reason.setVisible(not status.available)
        self.grown.emit()

    # -- actions
    def try_passphrase(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self.passphrase_box.show_error(FieldError("passphrase", "passphrase_empty"))
            return
        data_dir, remember = self.data_dir, self.remember.isVisible() and self.remember.isChecked()

        def work() -> Practice:
            from cocon_desktop.services import practice_handle

            return practice_handle.open_with_passphrase(data_dir, passphrase, remember=remember)

        self._start(work, self.passphrase_box)

    def try_recovery(self) -> None:
        self.recovery_box.clear()
        new = self.new_field.checked()
        if new is None:
            return
        data_dir, text = self.data_dir, self.recovery_key.text()

        def work() -> Practice:
            from cocon_desktop.services import practice_handle

            return practice_handle.recover(data_dir, text, lambda: new)

        self._start(work, self.recovery_box)

    def _start(self, work: Callable[[], Practice], box: FieldBox) -> None:
        box.clear()
        self._set_busy(True)
        self.runner.run(work, self._done, lambda error: self._failed(error, box))

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.unlock_button, self.recover_button, self.passphrase, self.recovery_key):
            widget.setEnabled(not busy)

    def _done(self, practice: Practice) -> None:
        self._set_busy(False)
        if self.expected_vault_id and practice.vault_id != self.expected_vault_id:
            practice.close()
            self._failed(VaultError("vault_mismatch"), self.passphrase_box)
            return
        self.passphrase.clear()
        for edit in (self.recovery_key, self.new_passphrase, self.new_confirm):
            edit.clear()
        self.stack.setCurrentIndex(0)
        self.unlocked.emit(practice)

    def _failed(self, error: BaseException, box: FieldBox) -> None:
        self._set_busy(False)
        box.show_text(error_text(error))
        box.editor.setFocus()
        if box is self.passphrase_box:
            self.passphrase.selectAll()
        if isinstance(error, CoconError):
            wait = int(error.data.get("seconds", error.data.get("delay", 0)) or 0)
            if wait > 0:
                self._seconds_left = wait
                self.unlock_button.setEnabled(False)
                self.recover_button.setEnabled(False)
                self._tick_text()
                self._countdown.start()

    def _tick(self) -> None:
        self._seconds_left -= 1
        if self._seconds_left <= 0:
            self._countdown.stop()
            self.unlock_button.setEnabled(True)
            self.recover_button.setEnabled(True)
            self.unlock_button.setText(tr("Déverrouiller"))
        else:
            self._tick_text()

    def _tick_text(self) -> None:
        self.unlock_button.setText(tr("Déverrouiller (attendez {0} s)").format(self._seconds_left))

    def _size_to_current(self, _: int = -1) -> None:
        """The hidden mode takes no room: the recovery form (taller) would make the lock screen scroll."""
        for index in range(self.stack.count()):
            policy = QSizePolicy.Policy.Preferred if index == self.stack.currentIndex() else QSizePolicy.Policy.Ignored
            page = self.stack.widget(index)
            if page is not None:
                page.setSizePolicy(policy, policy)

    def focus(self) -> None:
        self.stack.setCurrentIndex(0)
        self.passphrase.setFocus()
