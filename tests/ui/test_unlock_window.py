"""The unlock window: a clear message at the field, a growing delay, the recovery key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from cocon_desktop.security import vault
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services.demo import create_demo
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.unlock_window import UnlockWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import OTHER_PASSPHRASE, STRONG_PASSPHRASE
from tests.dates import TODAY


def _unlock_window(qtbot: QtBot, data_dir: Path) -> UnlockWindow:
    window = UnlockWindow(data_dir, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    return window


def test_wrong_then_right_passphrase(qtbot: QtBot, practice: Practice, data_dir: Path) -> None:
    practice.close()
    window = _unlock_window(qtbot, data_dir)
    qtbot.keyClicks(window.panel.passphrase, "mauvaise phrase")
    qtbot.keyClick(window.panel.passphrase, Qt.Key.Key_Return)
    assert window.panel.passphrase_box.text == "Phrase de passe incorrecte."
    assert window.practice is None and window.isVisible()
    window.panel.passphrase.clear()
    qtbot.keyClicks(window.panel.passphrase, STRONG_PASSPHRASE)
    qtbot.keyClick(window.panel.passphrase, Qt.Key.Key_Return)
    assert window.practice is not None
    assert window.result() == UnlockWindow.DialogCode.Accepted
    window.practice.close()


def test_repeated_failures_impose_a_delay(qtbot: QtBot, practice: Practice, data_dir: Path) -> None:
    practice.close()
    window = _unlock_window(qtbot, data_dir)
    for _ in range(3):
        window.panel.passphrase.setText("mauvaise phrase")
        window.panel.try_passphrase()
    assert not window.panel.unlock_button.isEnabled()
    assert "attendez" in window.panel.unlock_button.text()
    window.panel.passphrase.setText(STRONG_PASSPHRASE)
    window.panel.try_passphrase()  # ignored while the delay runs
    assert window.practice is None


def test_recovery_key_sets_a_new_passphrase(qtbot: QtBot, practice: Practice, data_dir: Path,
                                            recovery: RecoveryKey) -> None:
    practice.close()
    window = _unlock_window(qtbot, data_dir)
    qtbot.mouseClick(window.findChild(QPushButton, "forgot_button"),
                     Qt.MouseButton.LeftButton)
    assert window.panel.stack.currentIndex() == 1
    window.panel.recovery_key.setText(recovery.formatted().lower().replace("-", " "))
    window.panel.new_passphrase.setText(OTHER_PASSPHRASE)
    window.panel.new_confirm.setText(OTHER_PASSPHRASE)
    qtbot.mouseClick(window.panel.recover_button, Qt.MouseButton.LeftButton)
    assert window.practice is not None
    window.practice.close()
    vault.unlock_with_passphrase(data_dir, OTHER_PASSPHRASE)


@pytest.mark.slow
def test_demo_practice_says_its_passphrase(qtbot: QtBot, data_dir: Path) -> None:
    create_demo(data_dir, TODAY).close()
    window = _unlock_window(qtbot, data_dir)
    note = window.findChild(QLabel, "demo_note")
    assert note is not None and "« demo »" in note.text()
    window.panel.passphrase.setText("demo")
    window.panel.try_passphrase()
    assert window.practice is not None
    window.practice.close()


def test_unlock_runs_in_the_background(qtbot: QtBot, practice: Practice, data_dir: Path) -> None:
    """With the real thread pool: the window stays responsive and the result comes back on the GUI thread."""
    from cocon_desktop.ui.tasks import ThreadPoolRunner

    practice.close()
    runner = ThreadPoolRunner()
    window = UnlockWindow(data_dir, runner)
    qtbot.addWidget(window)
    window.show()
    window.panel.passphrase.setText(STRONG_PASSPHRASE)
    window.panel.try_passphrase()
    assert window.panel.progress.isVisible() and not window.panel.unlock_button.isEnabled()
    qtbot.waitUntil(lambda: window.practice is not None, timeout=10000)
    assert window.result() == UnlockWindow.DialogCode.Accepted
    window.practice.close()  # type: ignore[union-attr]


class _LaterRunner(SyncRunner):
    """Runs every task when asked (`answer()`), after the window is shown — as the real runner's thread does."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: list[tuple[object, object, object]] = []

    def run(self, fn, on_done=None, on_error=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.waiting.append((fn, on_done, on_error))

    def answer(self) -> None:
        for fn, on_done, _on_error in self.waiting:
            on_done(fn())  # type: ignore[operator]
        self.waiting.clear()


def test_the_keychain_sentence_arriving_late_is_read_whole(qtbot: QtBot, practice: Practice,
                                                             data_dir: Path) -> None:
    """No keychain here (the tests' null backend): its sentence arrives once the window is on screen, and the
    window grows to show it whole rather than squeezing it under the button."""
    practice.close()
    runner = _LaterRunner()
    window = UnlockWindow(data_dir, runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    before = window.height()
    runner.answer()
    reason = window.panel.keychain_reason
    assert reason.isVisible() and reason.text().startswith("Aucun trousseau du système")
    qtbot.waitUntil(lambda: reason.height() >= reason.heightForWidth(reason.width()))  # every line of it
    assert window.height() > before
