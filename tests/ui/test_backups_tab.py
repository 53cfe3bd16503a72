"""Paramètres › Sauvegardes: « Sauvegarder maintenant… » writes a verified backup in the chosen folder, shows
it as the last backup; the number kept is saved; closing the main window takes the automatic backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from cocon_desktop import settings
from cocon_desktop.services import backup, settings_store
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import STRONG_PASSPHRASE


def _window(qtbot: QtBot, practice: Practice) -> MainWindow:
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.show_page("settings")
    window.settings_page.tabs.setCurrentWidget(window.settings_page.backups_tab)
    return window


def test_backup_now_writes_a_verified_file_in_the_chosen_folder(qtbot: QtBot, practice: Practice,
                                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    usb = tmp_path / "CLE_USB"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(usb))
    tab = _window(qtbot, practice).settings_page.backups_tab
    assert tab.last.text() == "Aucune sauvegarde pour l'instant."
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    files = list(usb.glob("*.coconbak"))
    assert len(files) == 1
    assert tab.status.text() == f"Sauvegarde écrite et vérifiée : {files[0]}"
    assert str(files[0]) in tab.last.text() and tab.backup_button.isEnabled() and not tab.progress.isVisible()
    restored = backup.restore(files[0], tmp_path / "restauré", passphrase=STRONG_PASSPHRASE)
    assert restored.counts["practice"] == 1


def test_a_missing_folder_is_said_in_french(qtbot: QtBot, practice: Practice, tmp_path: Path) -> None:
    tab = _window(qtbot, practice).settings_page.backups_tab
    tab.backup_to(tmp_path / "débranchée")
    assert "introuvable" in tab.status.text() and tab.backup_button.isEnabled()


def test_number_kept_is_saved(qtbot: QtBot, practice: Practice) -> None:
    tab = _window(qtbot, practice).settings_page.backups_tab
    assert tab.keep.value() == settings.BACKUP_KEEP.default
    tab.keep.setValue(4)
    tab.keep.editingFinished.emit()
    assert settings_store.get(practice.sessions, settings.BACKUP_KEEP) == 4


def test_closing_the_window_takes_the_automatic_backup(qtbot: QtBot, practice: Practice) -> None:
    window = _window(qtbot, practice)
    window.backup_on_close = True
    data_dir = practice.data_dir
    window.close()
    kept = backup.list_automatic(data_dir)
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o777 == 0o600
    reopened = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:
        assert backup.last_backup(reopened)[1] == str(kept[0])  # type: ignore[index]
    finally:
        reopened.close()
