"""Locking: on inactivity or Ctrl+L every piece of data is hidden, and what was typed survives."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit

from cocon_desktop.services import practice_profile
from cocon_desktop.services.practice_file import PracticeFile
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import PROFILE, STRONG_PASSPHRASE


def _window(qtbot: QtBot, practice: PracticeFile) -> MainWindow:
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.page_set.all_built)  # the settings page has applied the stored idle delay
    return window


def test_idle_lock_hides_data_and_keeps_the_open_form(qtbot: QtBot, practice: PracticeFile) -> None:
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


def test_ctrl_l_locks(qtbot: QtBot, practice: PracticeFile) -> None:
    window = _window(qtbot, practice)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    assert not window.lock_button.isEnabled()
    window.close()


def test_activity_postpones_the_lock(qtbot: QtBot, practice: PracticeFile) -> None:
    window = _window(qtbot, practice)
    window.idle.set_interval_ms(800)
    for _ in range(8):  # 1.6 s of typing in all, twice the idle interval; keys that open no page, so that a
        qtbot.wait(200)  # loaded machine cannot stall between two of them for longer than the interval
        qtbot.keyClick(window.windowHandle(), Qt.Key.Key_Shift)  # through the window, as the system sends keys
    assert not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    window.close()


def test_typing_in_a_dialog_postpones_the_lock(qtbot: QtBot, practice: PracticeFile) -> None:
    """Activity is watched per top-level window: a dialog opened later counts too."""
    window = _window(qtbot, practice)
    dialog = QDialog(window)
    field = QLineEdit(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    window.idle.set_interval_ms(800)
    for _ in range(8):
        qtbot.wait(200)
        qtbot.keyClick(dialog.windowHandle(), Qt.Key.Key_A)
    assert field.text() == "a" * 8 and not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)
    assert not dialog.isVisible()  # hidden with the data, shown again at the unlock
    window.close()
