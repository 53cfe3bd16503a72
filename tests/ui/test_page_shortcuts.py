"""Ctrl+1…7 open the pages, as the README promises: real key presses on the window, not a slot called."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.page_set import NAVIGATION
from cocon_desktop.ui.tasks import SyncRunner
from tests.dates import CLOCK

DIGITS = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5, Qt.Key.Key_6, Qt.Key.Key_7)


def test_ctrl_digit_opens_each_page(qtbot: QtBot, practice: Practice) -> None:
    window = MainWindow(practice, SyncRunner(), clock=CLOCK)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.page_set.all_built)
    assert len(NAVIGATION) == len(DIGITS)
    for digit, (key, _) in reversed(list(zip(DIGITS, NAVIGATION, strict=True))):
        qtbot.keyClick(window, digit, Qt.KeyboardModifier.ControlModifier)
        assert window.pages.currentWidget() is window.page(key), key
        assert window.nav.currentRow() == window.page_keys.index(key)
    window.close()
