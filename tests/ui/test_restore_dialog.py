"""Restoring a backup from the window: a real practice backed up by the service, then restored through the
dialog opened from the first-run wizard or the unlock window, into an empty folder; the restored practice opens
with the same children. A damaged or tampered file, a wrong secret, an existing practice as target: a French
sentence at the field, what was typed kept, nothing written."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

from cocon_desktop.app import AppController
from cocon_desktop.security import vault
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import backup
from cocon_desktop.services.children import ChildQuery, list_children
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.dialogs.restore_dialog import RestoreDialog
from cocon_desktop.ui.dialogs.unlock_window import UnlockWindow
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF, OTHER_PASSPHRASE, STRONG_PASSPHRASE
from tests.ui.child_helpers import TODAY, make_child

NAMES = (("RPO-0001", "Dupont"), ("RPO-0002", "Martin"), ("RPO-0003", "Bernard"))


def children(practice: Practice) -> list[tuple[str, str, str]]:
    rows = list_children(practice.sessions, ChildQuery(), TODAY)
    return sorted((r.inclusion_number, r.last_name, r.first_name) for r in rows)


@pytest.fixture
def saved(practice: Practice, tmp_path: Path) -> tuple[Path, list[tuple[str, str, str]]]:
    """A backup (written by the service) of a practice holding three children; the practice is closed."""
    for number, name in NAMES:
        make_child(practice, inclusion_number=number, last_name=name)
    usb = tmp_path / "usb"
    usb.mkdir()
    info = backup.backup_to(practice, usb)
    kept = children(practice)
    assert len(kept) == 3
    practice.close()
    return info.path, kept


def _click(qtbot: QtBot, button: QPushButton | None) -> None:
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _from_unlock_window(qtbot: QtBot, data_dir: Path) -> tuple[UnlockWindow, RestoreDialog]:
    window = UnlockWindow(data_dir, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    _click(qtbot, window.findChild(QPushButton, "restore_backup"))
    dialog = window.restore_dialog
    assert isinstance(dialog, RestoreDialog) and dialog.isVisible()
    return window, dialog


def _folder_listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_restore_from_the_wizard_opens_the_main_window_with_the_same_children(
        qtbot: QtBot, saved: tuple[Path, list[tuple[str, str, str]]], tmp_path: Path) -> None:
    backup_file, before = saved
    program_dir = tmp_path / "nouvel-ordinateur"
    controller = AppController(program_dir, SyncRunner(), kdf=FAST_KDF)
    wizard = controller.start()
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    opened: list[Practice] = []
    wizard.practice_created.connect(opened.append)
    _click(qtbot, wizard.findChild(QPushButton, "restore_backup"))
    dialog = wizard.restore_dialog
    assert isinstance(dialog, RestoreDialog)
    assert dialog.target_edit.text() == str(program_dir)  # no practice yet: the program's own folder
    assert "prochains démarrages" in dialog.target_note.text()
    dialog.set_backup_file(backup_file)
    assert "3 enfants" in dialog.file_info.text() and not dialog.file_box.text
    qtbot.keyClicks(dialog.passphrase, STRONG_PASSPHRASE)
    steps: list[int] = []
    dialog.progress.relay.progressed.connect(lambda done, total: steps.append(done))
    _click(qtbot, dialog.restore_button)

    assert steps == [0, 1, 2, 3], dialog.status.text()  # each stage shown while it runs
    assert len(opened) == 1 and not wizard.isVisible() and not dialog.isVisible()
    window = controller.main_window
    assert isinstance(window, MainWindow) and not window.is_locked
    qtbot.addWidget(window)
    practice = window.practice
    assert practice is not None and practice.data_dir == program_dir
    assert children(practice) == before
    assert dialog.passphrase.text() == ""  # secrets are not kept once used
    window.backup_on_close = False
    window.close()
    open_with_passphrase(program_dir, STRONG_PASSPHRASE).close()  # and it opens again at the next start


def test_restore_with_the_recovery_key_and_a_new_passphrase_from_the_unlock_window(
        qtbot: QtBot, saved: tuple[Path, list[tuple[str, str, str]]], data_dir: Path,
        recovery: RecoveryKey) -> None:
    backup_file, before = saved
    original = _folder_listing(data_dir)
    window, dialog = _from_unlock_window(qtbot, data_dir)
    target = data_dir.with_name("cabinet-restauration")
    assert dialog.target_edit.text() == str(target)  # this folder holds a practice: a new one beside it
    assert "pas aux prochains démarrages" in dialog.target_note.text()  # and no command to type (issue 18)
    dialog.set_backup_file(backup_file)
    assert dialog.passphrase.isVisible() and not dialog.recovery_key.isVisible()
    _click(qtbot, dialog.with_recovery)
    assert dialog.recovery_key.isVisible() and dialog.meter.isVisible() and not dialog.passphrase.isVisible()
    dialog.recovery_key.setText(recovery.formatted().lower())
    dialog.new_passphrase.setText("court")
    assert "Trop faible" in dialog.meter.label.text()
    _click(qtbot, dialog.restore_button)
    assert "trop faible" in dialog.new_box.text and not target.exists()
    dialog.new_passphrase.setText(OTHER_PASSPHRASE)
    dialog.new_confirm.setText(OTHER_PASSPHRASE + " bis")
    _click(qtbot, dialog.restore_button)
    assert dialog.confirm_box.text and not target.exists()
    dialog.new_confirm.setText(OTHER_PASSPHRASE)
    _click(qtbot, dialog.restore_button)

    assert window.practice is not None, dialog.status.text()
    assert window.result() == UnlockWindow.DialogCode.Accepted
    assert window.practice.data_dir == target and children(window.practice) == before
    window.practice.close()
    open_with_passphrase(target, OTHER_PASSPHRASE).close()
    assert _folder_listing(data_dir) == original  # the practice already there was not touched


def test_a_damaged_file_is_refused_before_any_passphrase(
        qtbot: QtBot, saved: tuple[Path, list[tuple[str, str, str]]], data_dir: Path) -> None:
    backup_file, _ = saved
    data = bytearray(backup_file.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup_file.write_bytes(bytes(data))
    _, dialog = _from_unlock_window(qtbot, data_dir)
    dialog.set_backup_file(backup_file)
    assert "endommagée" in dialog.file_box.text and dialog.file_info.text() == ""


def _tamper_counts(path: Path) -> None:
    """Change the header like someone who knows the format: recompute the checksum, not the HMAC."""
    data = path.read_bytes()
    (length,) = struct.unpack(">I", data[8:12])
    header = json.loads(data[12:12 + length])
    header["counts"]["child"] = 2
    head = json.dumps(header, sort_keys=True).encode()
    body = data[:8] + struct.pack(">I", len(head)) + head + data[12 + length:-64]
    mac = data[-64:-32]
    path.write_bytes(body + mac + hashlib.sha256(body + mac).digest())


def test_a_tampered_backup_shows_the_error_and_leaves_the_target_empty(
        qtbot: QtBot, saved: tuple[Path, list[tuple[str, str, str]]], data_dir: Path, tmp_path: Path) -> None:
    backup_file, _ = saved
    _tamper_counts(backup_file)
    _, dialog = _from_unlock_window(qtbot, data_dir)
    dialog.set_backup_file(backup_file)
    assert "2 enfants" in dialog.file_info.text()  # the checksum holds: only the key can tell
    target = tmp_path / "vide"
    target.mkdir()
    dialog.target_edit.setText(str(target))
    dialog.passphrase.setText(STRONG_PASSPHRASE)
    _click(qtbot, dialog.restore_button)

    assert "a été modifiée" in dialog.file_box.text and "rien n'a été restauré" in dialog.file_box.text
    assert dialog.isVisible() and dialog.practice is None
    assert list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".vide")] == []  # no staging left
    assert dialog.passphrase.text() == STRONG_PASSPHRASE and dialog.target_edit.text() == str(target)
    assert dialog.restore_button.isEnabled() and not dialog.progress.isVisible()


def test_wrong_secrets_are_said_at_their_field_and_write_nothing(
        qtbot: QtBot, saved: tuple[Path, list[tuple[str, str, str]]], data_dir: Path) -> None:
    backup_file, _ = saved
    _, dialog = _from_unlock_window(qtbot, data_dir)
    target = Path(dialog.target_edit.text())
    dialog.set_backup_file(backup_file)
    dialog.passphrase.setText(OTHER_PASSPHRASE)
    _click(qtbot, dialog.restore_button)
    assert dialog.passphrase_box.text == "Phrase de passe incorrecte."
    assert dialog.passphrase.text() == OTHER_PASSPHRASE and not target.exists()

    _click(qtbot, dialog.with_recovery)
    dialog.recovery_key.setText(RecoveryKey.generate().formatted())  # a well-formed key of another practice
    dialog.new_passphrase.setText(OTHER_PASSPHRASE)
    dialog.new_confirm.setText(OTHER_PASSPHRASE)
    _click(qtbot, dialog.restore_button)
    assert dialog.recovery_box.text == "Cette clé de secours n'ouvre pas ce cabinet."
    assert not target.exists()
    dialog.recovery_key.setText("ABCD-EFGH")
    _click(qtbot, dialog.restore_button)
    assert "caractères" in dialog.recovery_box.text and dialog.recovery_key.text() == "ABCD-EFGH"


def test_an_existing_practice_is_never_overwritten(
        qtbot: QtBot, saved: tuple[Path, list[tuple[str, str, str]]], data_dir: Path) -> None:
    backup_file, _ = saved
    before = _folder_listing(data_dir)
    _, dialog = _from_unlock_window(qtbot, data_dir)
    dialog.set_backup_file(backup_file)
    dialog.target_edit.setText(str(data_dir))
    assert dialog.target_note.text() == ""  # no promise about a folder the restore will refuse
    dialog.passphrase.setText(STRONG_PASSPHRASE)
    _click(qtbot, dialog.restore_button)
    assert "n'est pas vide" in dialog.target_box.text and "jamais par-dessus un cabinet" in dialog.target_box.text
    assert dialog.practice is None and _folder_listing(data_dir) == before
    assert vault.vault_exists(data_dir)


def test_the_file_is_chosen_in_a_file_dialog(qtbot: QtBot, saved: tuple[Path, list[tuple[str, str, str]]],
                                            data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backup_file, _ = saved
    asked: list[str] = []

    def fake_open(parent: object, caption: str, start: str, filters: str) -> tuple[str, str]:
        asked.append(filters)
        return str(backup_file), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    _, dialog = _from_unlock_window(qtbot, data_dir)
    _click(qtbot, dialog.findChild(QPushButton, "choose_backup"))
    assert asked == ["Sauvegardes COCON (*.coconbak)"]
    assert dialog.file_edit.text() == str(backup_file) and "3 enfants" in dialog.file_info.text()
    _click(qtbot, dialog.restore_button)
    assert dialog.passphrase_box.text  # nothing typed: said at the field, nothing run
    dialog.reject()
    assert not dialog.isVisible()


def test_the_restore_runs_in_the_background_and_cannot_be_closed_half_way(
        qtbot: QtBot, saved: tuple[Path, list[tuple[str, str, str]]], tmp_path: Path) -> None:
    from cocon_desktop.ui.tasks import ThreadPoolRunner

    backup_file, before = saved
    runner = ThreadPoolRunner()
    dialog = RestoreDialog(tmp_path / "neuf", runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_backup_file(backup_file)
    qtbot.waitUntil(lambda: "3 enfants" in dialog.file_info.text())
    dialog.passphrase.setText(STRONG_PASSPHRASE)
    steps: list[int] = []
    dialog.progress.relay.progressed.connect(lambda done, total: steps.append(done))
    with qtbot.waitSignal(dialog.restored, timeout=30000) as caught:
        _click(qtbot, dialog.restore_button)
        assert dialog.busy and not dialog.restore_button.isEnabled() and not dialog.passphrase.isEnabled()
        assert dialog.progress.isVisible() and not dialog.progress.cancel_button.isVisible()
        dialog.reject()  # ignored while it runs
        assert dialog.isVisible()
    runner.wait()
    practice = caught.args[0]
    assert isinstance(practice, Practice) and children(practice) == before
    assert steps == [0, 1, 2, 3] and not dialog.isVisible()
    practice.close()
