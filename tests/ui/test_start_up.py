"""Start-up with the key in the keychain: the main window shows at once, before the database and the ORM, then
the practice is opened in the background and handed to it; without the key there, the unlock window takes over."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from cocon_desktop.app import AppController
from cocon_desktop.security import vault
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.unlock_window import UnlockWindow
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.page_set import NAVIGATION
from cocon_desktop.ui.pyside_startup import skip_feature_scan
from cocon_desktop.ui.tasks import ThreadPoolRunner
from tests.conftest import STRONG_PASSPHRASE, MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]


def _remembered(practice: Practice) -> Path:
    vault.remember_in_keychain(practice.data_dir, practice.key)
    practice.close()
    return practice.data_dir


def test_the_window_shows_first_then_the_practice_opens(qtbot: QtBot, practice: Practice,
                                                         memory_keychain: MemoryKeyring) -> None:
    controller = AppController(_remembered(practice), ThreadPoolRunner())
    window = controller.start()
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow) and window.isVisible()
    warmed: list[bool] = []
    window.warmed.connect(lambda: warmed.append(True))
    opening = window.findChild(QLabel, "opening_label")
    assert window.practice is None and not window.nav.isEnabled() and opening is not None
    assert window.page_set.built("dashboard") is None  # no page before the practice
    window.lock()  # nothing to lock yet: ignored
    assert not window.is_locked

    qtbot.waitUntil(lambda: window.practice is not None, timeout=30_000)
    assert window.nav.isEnabled() and window.nav.currentRow() == 0
    assert window.pages.currentWidget() is window.page_set.built("dashboard")
    assert "trousseau" in window.vault_label.text()
    qtbot.waitUntil(lambda: window.dashboard_page.updated.text() != "", timeout=30_000)
    qtbot.waitUntil(lambda: window.page_set.all_built, timeout=30_000)  # the others, built ahead of a visit
    qtbot.waitUntil(lambda: warmed == [True], timeout=30_000)  # said once
    for index, (key, _) in enumerate(NAVIGATION):
        assert window.pages.widget(index).objectName() == f"page_{key}"
    window.close()


def test_without_the_key_in_the_keychain_the_passphrase_is_asked(qtbot: QtBot, practice: Practice,
                                                                memory_keychain: MemoryKeyring) -> None:
    data_dir = _remembered(practice)
    memory_keychain.store.clear()  # e.g. the keychain was reset
    controller = AppController(data_dir, ThreadPoolRunner())
    shown_first = controller.start()
    assert isinstance(shown_first, MainWindow)  # the key is said to be there: the window shows, then gives way
    qtbot.waitUntil(lambda: isinstance(controller.first_window, UnlockWindow), timeout=30_000)
    unlock = controller.first_window
    assert isinstance(unlock, UnlockWindow)
    qtbot.addWidget(unlock)
    assert unlock.isVisible() and controller.main_window is None  # the first window was closed and deleted
    qtbot.keyClicks(unlock.panel.passphrase, STRONG_PASSPHRASE)
    qtbot.keyClick(unlock.panel.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=30_000)
    window = controller.main_window
    assert window is not None and window.practice is not None and window.isVisible()
    qtbot.addWidget(window)
    window.close()


def test_pyside_feature_scan_is_skipped() -> None:
    """If a PySide6 update changes its internals, this says the start-up optimisation no longer applies."""
    assert skip_feature_scan()


def test_program_start_shows_the_window_before_importing_the_orm(practice: Practice, tmp_path: Path,
                                                                  memory_keychain: MemoryKeyring) -> None:
    """The real entry point (`cocon-desktop --data-dir`) in a fresh process, through keyring's API: the probe of
    benchmarks/window_start.py says when the window showed, whether SQLAlchemy was loaded then, and when the
    dashboard showed the practice's lines."""
    key = practice.key
    data_dir = _remembered(practice)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": "memory_keyring.MemoryKeyring",
           "COCON_BENCH_KEYCHAIN": f"{key.vault_id}:{key.data_key.hex()}", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "window_start.py"), "cocon", str(data_dir)],
                            capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.strip()}
    assert "shown" in lines and "ready" in lines, result.stdout + result.stderr[-3000:]
    assert "orm=0" in lines["shown"]
    assert float(lines["ready"][0]) >= float(lines["shown"][0])
