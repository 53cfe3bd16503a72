"""Issue 19, #1 in the window: a database behind a witness of its numbering is said at opening, with the two ways
out (restore a newer backup; « Je confirme : reprendre la numérotation après … »), and the banner follows the
writes that move the numbering or its witnesses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import audit, backup, backup_format, invoice_documents, network_witness, number_witness
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.invoice_verify import ANCHOR_FILE
from cocon_desktop.services.practice_handle import Practice, create_practice, open_with_passphrase
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE, MemoryKeyring
from tests.db.invoice_helpers import OCTOBER, TODAY, fill


def _behind(practice: Practice) -> Practice:
    """FAC-2026-0001 issued; the network says it holds FAC-2026-0003 (its status answer, stored by sync); the
    practice opened again, as at a start."""
    fill(practice, per_network=1)
    for code in ("RPO", "RPM"):
        invoice_documents.set_network_address(practice.sessions, code, NetworkAddress("1 rue", "31000", "Toulouse"))
    practice.write(invoice_documents.issue_period, "RPO", *OCTOBER, TODAY)
    practice.write(network_witness.record_network_highest, "RPO", {"FAC-2026": 3})
    data_dir = practice.data_dir
    practice.close()
    return open_with_passphrase(data_dir, STRONG_PASSPHRASE)


def _window(qtbot: QtBot, practice: Practice) -> MainWindow:
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_opening_a_database_behind_the_network_shows_why_and_the_two_ways_out(qtbot: QtBot,
                                                                              practice: Practice) -> None:
    reopened = _behind(practice)
    try:
        window = _window(qtbot, reopened)
        banner = window.numbering_banner
        assert banner.isVisible()
        text = banner.text.text()
        assert ("Le réseau sait que FAC-2026-0003 a été émis ; la base s'arrête à FAC-2026-0001 : il lui manque "
                "FAC-2026-0002 à FAC-2026-0003.") in text
        assert "Aucun numéro de cette série n'est émis" in text and "restaurer la sauvegarde la plus récente" in text
        assert banner.restore_button.isVisible() and banner.restore_button.text() == (
            "Restaurer une sauvegarde plus récente…")
        [confirm] = banner.confirm_buttons
        assert confirm.text() == "Je confirme : reprendre la numérotation après FAC-2026-0003"

        confirm.setFocus()
        qtbot.keyClick(confirm, Qt.Key.Key_Space)  # by the keyboard: the confirmation is recorded, the banner goes
        qtbot.waitUntil(lambda: not banner.isVisible())
        assert window.statusBar().currentMessage() == (
            "La numérotation de la série FAC-2026 reprend après FAC-2026-0003 : le prochain numéro sera FAC-2026-0004.")
        [entry] = reopened.read(audit.entries, number_witness.AUDIT_ENTITY)
        assert entry.action == "resume" and entry.changes["resumed_after"] == (1, 3)
        issued = reopened.write(invoice_documents.issue_period, "RPM", *OCTOBER, TODAY).value
        assert [d.number for d in issued] == ["FAC-2026-0004"]
    finally:
        reopened.close()


def test_a_network_answer_that_knows_more_brings_the_banner_up(qtbot: QtBot, practice: Practice) -> None:
    window = _window(qtbot, practice)
    banner = window.numbering_banner
    assert not banner.isVisible()
    window.runner.run_op(lambda _report: practice.write(network_witness.record_network_highest, "RPM",
                                                        {"FAC-2026": 2}), lambda _: None, lambda e: None)
    qtbot.waitUntil(banner.isVisible)
    assert "il lui manque FAC-2026-0001 à FAC-2026-0002" in banner.text.text()
    assert "la base n'a aucun numéro de cette série" in banner.text.text()


def test_restoring_the_newest_backup_from_the_banner_puts_the_window_on_it(
        qtbot: QtBot, data_dir: Path, tmp_path: Path, memory_keychain: MemoryKeyring) -> None:
    """The keychain knows FAC-2026-0002; the database put back holds FAC-2026-0001 only. « Restaurer une sauvegarde
    plus récente… » restores the newest backup beside the folder, and the window goes on with it, in step."""
    practice = create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF,
                               remember=True)
    usb = tmp_path / "usb"
    usb.mkdir()
    with practice:
        fill(practice, per_network=1)
        for code in ("RPO", "RPM"):
            invoice_documents.set_network_address(practice.sessions, code,
                                                  NetworkAddress("1 rue", "31000", "Toulouse"))
        practice.write(invoice_documents.issue_period, "RPO", *OCTOBER, TODAY)
        old = backup.create_backup(practice, usb, now=datetime(2026, 11, 1, 9, 0, tzinfo=UTC)).path
        practice.write(invoice_documents.issue_period, "RPM", *OCTOBER, TODAY)
        newest = backup.create_backup(practice, usb, now=datetime(2026, 11, 2, 9, 0, tzinfo=UTC)).path
    container = backup_format.read(old)  # the attack: the older database put back (no key needed)
    for name in (backup.DB_MEMBER, ANCHOR_FILE):
        (data_dir / name).unlink()
        container.extract(name, data_dir / name)
    reopened = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    window = _window(qtbot, reopened)
    window.backup_on_close = False
    banner = window.numbering_banner
    assert banner.isVisible() and "Le trousseau de cet ordinateur sait que FAC-2026-0002 a été émis" in (
        banner.text.text())
    banner.restore_button.setFocus()
    qtbot.keyClick(banner.restore_button, Qt.Key.Key_Space)
    dialog = banner.restore_dialog
    assert dialog is not None and dialog.isVisible()
    target = data_dir.with_name(f"{data_dir.name}-restauration")
    assert Path(dialog.target_edit.text()) == target  # beside: the practice in place is never overwritten
    dialog.set_backup_file(newest)
    dialog.passphrase.setFocus()  # as a user goes from the file to the passphrase
    qtbot.keyClicks(dialog.passphrase, STRONG_PASSPHRASE)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.practice is not None and window.practice.data_dir == target)
    assert reopened.closed and window.data_dir == target
    qtbot.waitUntil(lambda: not banner.isVisible())
    assert window.practice is not None
    assert window.practice.read(number_witness.check, window.practice.keychain_numbers).ok
    window.close()
