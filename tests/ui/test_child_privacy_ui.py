"""The child's file: the Historique tab lists the audit log (read-only), the privacy actions export the file and
erase it after the retention period, identifiers copied leave the clipboard after a delay."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QFileDialog

from cocon_desktop.models import Child, Guardian
from cocon_desktop.services import children
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.clipboard import IdentifierClipboard
from cocon_desktop.ui.pages.child_file import ChildFile
from tests.ui.child_helpers import TODAY, VALID_NIR, children_window, make_child


def open_file(qtbot: QtBot, practice: Practice, child_id: int) -> ChildFile:
    """The file as the user opens it, in the window: it reads again after a write as the window has it do."""
    page = children_window(qtbot, practice).children_page
    page.open_child(child_id)
    return page.file


def test_the_history_tab_lists_every_change_newest_first(qtbot: QtBot, practice: Practice) -> None:
    child_id = make_child(practice)
    record = children.get_child(practice.sessions, child_id)
    children.update_child(practice.sessions, child_id, replace(record.data, first_name="Léna"), TODAY)
    file = open_file(qtbot, practice, child_id)
    titles = [file.tabs.tabText(i) for i in range(file.tabs.count())]
    assert titles[-1] == "Historique"
    table = file.history.table
    assert table.rowCount() == 2
    assert [table.item(r, 3).text() for r in range(2)] == ["Dossier — modification", "Dossier — création"]
    assert table.item(0, 1).text() == "Alice Dupont" and table.item(0, 2).text() == "application"
    assert table.item(0, 4).text() == "Prénom : Léa → Léna"
    assert "Représentant 1 · Téléphone : 06 12 34 56 78" in table.item(1, 4).text()
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert file.history.status.text() == "2 entrées."


def test_copied_identifiers_leave_the_clipboard(qtbot: QtBot, practice: Practice) -> None:
    clipboard = QGuiApplication.clipboard()
    helper = IdentifierClipboard(delay_ms=80)
    helper.copy("RPO-0001")
    assert clipboard.text() == "RPO-0001"
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=2000)
    helper.copy("RPO-0002")
    clipboard.setText("autre chose copiée ensuite")  # the user's own copy is left alone
    qtbot.waitUntil(lambda: helper.pending is None and not helper.timer.isActive(), timeout=2000)  # delay over
    assert clipboard.text() == "autre chose copiée ensuite"

    file = open_file(qtbot, practice, make_child(practice, nir=VALID_NIR))
    bar = file.privacy
    assert bar.clipboard.delay_ms == 30_000
    bar.clipboard.delay_ms = 80
    qtbot.mouseClick(bar.copy_ins, Qt.MouseButton.LeftButton)
    assert clipboard.text() == VALID_NIR
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=2000)
    qtbot.mouseClick(bar.copy_inclusion, Qt.MouseButton.LeftButton)
    assert clipboard.text() == "RPO-0001"
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=2000)


def test_export_from_the_file(qtbot: QtBot, practice: Practice, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    child_id = make_child(practice)
    file = open_file(qtbot, practice, child_id)
    chosen = tmp_path / "dossier"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), ""))
    file.privacy.export_action.trigger()
    written = tmp_path / "dossier.zip"
    with zipfile.ZipFile(io.BytesIO(written.read_bytes())) as archive:
        content = json.loads(archive.read("dossier.json"))
    assert content["child"]["last_name"] == "Dupont" and content["guardians"][0]["first_name"] == "Sarah"
    message = file.privacy.message
    assert message is not None and "dossier.zip" in message.text()
    message.close()
    assert file.history.table.item(0, 3).text() == "Dossier — export pour la famille"


def test_erase_is_refused_then_confirmed_by_typing_the_inclusion_number(qtbot: QtBot,
                                                                         practice: Practice) -> None:
    child_id = make_child(practice)
    file = open_file(qtbot, practice, child_id)
    file.privacy.erase_action.trigger()
    message = file.privacy.message
    assert message is not None and "doit être conservé jusqu'au" in message.text() and file.privacy.dialog is None
    message.close()

    with practice.sessions.begin() as session:  # a file closed long ago
        now = datetime.now(UTC)
        session.add(Child(last_name="Ancien", first_name="Paul", birth_date=date(1996, 5, 2), sex="M",
                          gestational_weeks=31, inclusion_number="RPO-2003-0001", network="RPO",
                          search_key="ancien paul", exit_date=date(2003, 6, 30), created_at=now, updated_at=now,
                          guardians=[Guardian(last_name="Ancien", first_name="Marie")]))
    old = children.find_by_inclusion(practice.sessions, "RPO-2003-0001").id
    file.show_child(old)
    file.privacy.erase_action.trigger()
    dialog = file.privacy.dialog
    assert dialog is not None and dialog.isVisible() and not dialog.erase_button.isEnabled()
    dialog.typed.setText("RPO-2003-000")
    assert not dialog.erase_button.isEnabled()
    dialog.typed.setText("rpo-2003-0001")
    assert dialog.erase_button.isEnabled()
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert children.get_child(practice.sessions, old).data.last_name == "A"
    assert file.title.text().startswith("A") and "données effacées le" in file.subtitle.text()
    assert not file.edit_button.isEnabled() and not file.privacy.erase_action.isEnabled()
    assert file.history.table.item(0, 3).text() == "Dossier — effacement des données"
    assert file.privacy.message is not None and "ont été effacées" in file.privacy.message.text()
