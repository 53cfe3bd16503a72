"""Locking: on inactivity or Ctrl+L every piece of data is hidden, and what was typed survives."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtWidgets import QDialog, QLineEdit

from cocon_desktop.services import practice_profile
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import PROFILE, STRONG_PASSPHRASE


def _window(qtbot: QtBot, practice: Practice) -> MainWindow:
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.page_set.all_built)  # the settings page has applied the stored idle delay
    return window


IDLE_MS = 1200
KEY_EVERY_MS = 200
TYPED_KEYS = 7  # 1.4 s of typing in all, longer than the idle interval


def _keep_typing(qtbot: QtBot, window: MainWindow, press: Callable[[], None]) -> None:
    """Press a key each time the idle countdown has run KEY_EVERY_MS, TYPED_KEYS times. Waiting on the countdown
    itself, not a fixed sleep: a loaded machine that stalls the test between two keys still has the rest of the
    interval (1 s) before the lock."""
    timer = window.idle.timer
    window.idle.set_interval_ms(IDLE_MS)
    elapsed = QElapsedTimer()
    elapsed.start()
    for _ in range(TYPED_KEYS):
        qtbot.waitUntil(lambda: timer.remainingTime() <= IDLE_MS - KEY_EVERY_MS, timeout=IDLE_MS)
        assert not window.is_locked
        press()
    assert elapsed.elapsed() > IDLE_MS  # without the keys, the lock would have come by now


def test_idle_lock_hides_data_and_keeps_the_open_form(qtbot: QtBot, practice: Practice) -> None:
    window = _window(qtbot, practice)
    window.nav.setCurrentRow(window.page_keys.index("settings"))
    name = window.settings_page.form.editors["name"]
    assert isinstance(name, QLineEdit)
    assert name.text() == PROFILE.name
    name.clear()
    qtbot.keyClicks(name, "Alice Dupont-Martin")  # typed, not saved
    dialog = QDialog(window)
    dialog.setWindowTitle("formulaire ouvert")
    dialog.show()

    window.idle.set_interval_ms(30)  # simulated inactivity
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    assert window.root.currentWidget() is window.lock_screen
    assert not window.shell.isVisible() and not dialog.isVisible()
    assert window.practice is None and window.settings_page.practice is None
    assert window.settings_page.tariffs_tab.practice is None  # no page keeps the key while locked

    panel = window.unlock_panel
    qtbot.keyClicks(panel.passphrase, "pas la bonne")
    qtbot.mouseClick(panel.unlock_button, Qt.MouseButton.LeftButton)
    assert window.is_locked
    assert "incorrecte" in panel.passphrase_box.text

    panel.passphrase.clear()
    qtbot.keyClicks(panel.passphrase, STRONG_PASSPHRASE)
    qtbot.keyClick(panel.passphrase, Qt.Key.Key_Return)
    assert not window.is_locked
    assert window.shell.isVisible() and dialog.isVisible()
    assert name.text() == "Alice Dupont-Martin", "the unsaved form keeps what was typed"
    assert window.practice is not None
    assert practice_profile.load_profile(window.practice.sessions).name == PROFILE.name  # still unsaved
    window.close()


def test_ctrl_l_locks(qtbot: QtBot, practice: Practice) -> None:
    window = _window(qtbot, practice)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    assert not window.lock_button.isEnabled()
    window.close()


@pytest.mark.slow
def test_activity_postpones_the_lock(qtbot: QtBot, practice: Practice) -> None:
    window = _window(qtbot, practice)
    _keep_typing(qtbot, window, lambda: qtbot.keyClick(window.windowHandle(), Qt.Key.Key_Shift))  # keys that
    assert not window.is_locked  # open no page, through the window as the system sends them
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    window.close()


@pytest.mark.slow
def test_typing_in_a_dialog_postpones_the_lock(qtbot: QtBot, practice: Practice) -> None:
    """Activity is watched per top-level window: a dialog opened later counts too."""
    window = _window(qtbot, practice)
    dialog = QDialog(window)
    field = QLineEdit(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    _keep_typing(qtbot, window, lambda: qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_A))
    assert field.text() == "a" * TYPED_KEYS and not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    assert not dialog.isVisible()  # hidden with the data, shown again at the unlock
    window.close()
