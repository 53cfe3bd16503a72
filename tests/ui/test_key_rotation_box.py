"""Paramètres › Sécurité (issue 19, #3 and #10): « Changer la clé de chiffrement » and « Nouvelle clé de secours » run
in the worker with a bar, then say what becomes of the older backups; the passphrase meter refuses guessable ones."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cocon_desktop.db.engine import connect
from cocon_desktop.errors import DatabaseError
from cocon_desktop.services import backup, practice_handle
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner, ThreadPoolRunner
from tests.conftest import PROFILE, STRONG_PASSPHRASE


def _security(qtbot: QtBot, practice: Practice, runner: SyncRunner | ThreadPoolRunner | None = None) -> MainWindow:
    window = MainWindow(practice, runner or SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.page_keys.index("settings"))
    window.settings_page.tabs.setCurrentIndex(1)
    return window


def _opens(database: Path, key: bytes) -> bool:
    try:
        connect(database, key).close()
    except DatabaseError:
        return False
    return True


def test_rekey_from_settings_then_delete_the_older_backups(qtbot: QtBot, practice: Practice) -> None:
    older = practice.write(backup.automatic_backup).value.path
    old_key = practice.key.data_key
    box = _security(qtbot, practice).settings_page.rotation
    qtbot.mouseClick(box.rekey_button, Qt.MouseButton.LeftButton)
    assert "Saisissez la phrase de passe" in box.passphrase_box.text
    assert practice.key.data_key == old_key
    box.passphrase.setFocus()
    qtbot.keyClicks(box.passphrase, STRONG_PASSPHRASE)
    qtbot.keyClick(box.passphrase, Qt.Key.Key_Return)  # Entrée in the field: « Changer la clé de chiffrement »
    assert "Base rechiffrée sous une nouvelle clé" in box.status.text(), box.passphrase_box.text
    assert practice.key.data_key != old_key
    assert not _opens(practice.paths.database, old_key) and _opens(practice.paths.database, practice.key.data_key)
    assert box.passphrase.text() == ""
    assert box.older_panel.isVisible()
    assert "1 sauvegarde antérieure," in box.older_label.text() and "ANCIENNE" in box.older_label.text()
    qtbot.mouseClick(box.delete_button, Qt.MouseButton.LeftButton)
    assert not older.exists() and not box.older_panel.isVisible()
    assert "1 sauvegarde antérieure supprimée" in box.status.text()
    assert load_profile(practice.sessions) == PROFILE  # the window's handle goes on with the new key


def test_wrong_passphrase_is_said_at_the_field(qtbot: QtBot, practice: Practice) -> None:
    old_key = practice.key.data_key
    box = _security(qtbot, practice).settings_page.rotation
    qtbot.keyClicks(box.passphrase, "pas la bonne phrase")
    qtbot.mouseClick(box.rekey_button, Qt.MouseButton.LeftButton)
    assert "incorrecte" in box.passphrase_box.text
    assert practice.key.data_key == old_key and not box.older_panel.isVisible()


def test_new_recovery_key_is_shown_once_and_opens_the_practice(qtbot: QtBot, practice: Practice,
                                                               data_dir: Path) -> None:
    box = _security(qtbot, practice).settings_page.rotation
    qtbot.keyClicks(box.passphrase, STRONG_PASSPHRASE)
    qtbot.mouseClick(box.recovery_button, Qt.MouseButton.LeftButton)
    assert box.recovery_panel.isVisible()
    assert box.window().focusWidget() is box.noted_button  # what comes next for the keyboard, and scrolled into view
    shown = box.recovery_view.text()
    assert len(shown.split("-")) == 9
    qtbot.mouseClick(box.keep_button, Qt.MouseButton.LeftButton) if box.older_panel.isVisible() else None
    qtbot.mouseClick(box.noted_button, Qt.MouseButton.LeftButton)
    assert not box.recovery_panel.isVisible() and box.recovery_view.text() == ""
    practice.close()
    with practice_handle.open_with_recovery_key(data_dir, shown) as reopened:
        assert load_profile(reopened.sessions) == PROFILE


def test_the_rotation_runs_in_the_worker_with_its_bar(qtbot: QtBot, practice: Practice) -> None:
    """The window keeps painting while the database is re-encrypted: the bar shows, the buttons are greyed, the
    event loop turns, and the result arrives from the worker."""
    runner = ThreadPoolRunner()
    box = _security(qtbot, practice, runner).settings_page.rotation
    qtbot.keyClicks(box.passphrase, STRONG_PASSPHRASE)
    old_key = practice.key.data_key
    qtbot.mouseClick(box.rekey_button, Qt.MouseButton.LeftButton)
    assert box.progress.isVisible() and not box.rekey_button.isEnabled()  # returned at once: the GUI is free
    turns = 0
    while box.progress.is_running:
        QApplication.processEvents()
        turns += 1
        qtbot.wait(5)
        assert turns < 4000
    assert turns > 1
    assert "Base rechiffrée" in box.status.text(), box.passphrase_box.text
    assert practice.key.data_key != old_key and box.rekey_button.isEnabled()


def test_the_meter_refuses_guessable_passphrases(qtbot: QtBot, practice: Practice) -> None:
    """Issue 19, #10: « Password123! » met the letter of the CNIL rule and showed « 80 bits » on 3412e4b."""
    page = _security(qtbot, practice).settings_page
    meter = page.new_field.meter
    for weak, words in (("Password123!", "mot de passe courant"), ("Azertyuiop1!", "mot de passe courant"),
                        ("aa bb cc dd ee ff gg", "moins de trois lettres")):
        page.new.clear()
        page.new.setFocus()
        qtbot.keyClicks(page.new, weak)
        assert words in meter.label.text(), (weak, meter.label.text())
        assert meter.bar.value() < 100
    page.new.clear()
    qtbot.keyClicks(page.new, "correct horse battery staple orange window cloud")
    assert meter.label.text().startswith("Robuste") and meter.bar.value() == 100
