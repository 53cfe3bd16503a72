"""Agenda › « Importer un calendrier… » (issue 20, #6): the file is read, each appointment matched to a child by
name and shown for review (reconnu, à choisir, ignoré); « Importer » writes the ticked ones, and importing the same
file again updates them instead of doubling them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog

from cocon_desktop.services import appointments
from cocon_desktop.services.practice_handle import Practice
from tests.ui.seance_helpers import prescribed_child, this_week_day
from tests.ui.test_agenda import agenda


def calendar_file(path: Path, hour: int) -> Path:
    """Three Tuesdays for Test ZORRO (a weekly RRULE), one for « Léa Durand » (no such child), one for « Zorro »
    alone (two children of that name: to choose)."""
    tuesday, thursday = this_week_day(1), this_week_day(3)
    body = f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Google Inc//Google Calendar 70.9054//EN
BEGIN:VEVENT
UID:serie-zorro@google.com
DTSTAMP:20261101T100000Z
DTSTART;TZID=Europe/Paris:{tuesday:%Y%m%d}T{hour:02d}0000
DTEND;TZID=Europe/Paris:{tuesday:%Y%m%d}T{hour:02d}4500
RRULE:FREQ=WEEKLY;COUNT=3
SUMMARY:Séance Test Zorro
END:VEVENT
BEGIN:VEVENT
UID:durand@google.com
DTSTAMP:20261101T100000Z
DTSTART;TZID=Europe/Paris:{thursday:%Y%m%d}T090000
DTEND;TZID=Europe/Paris:{thursday:%Y%m%d}T094500
SUMMARY:Bilan Léa Durand
END:VEVENT
BEGIN:VEVENT
UID:zorro-seul@google.com
DTSTAMP:20261101T100000Z
DTSTART;TZID=Europe/Paris:{thursday:%Y%m%d}T140000
DTEND;TZID=Europe/Paris:{thursday:%Y%m%d}T143000
SUMMARY:RDV famille Zorro
END:VEVENT
END:VCALENDAR
"""
    path.write_bytes(body.replace("\n", "\r\n").encode())
    return path


def test_import_a_calendar_with_its_review_then_again(qtbot: QtBot, practice: Practice, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    test_zorro = prescribed_child(practice)
    anna = prescribed_child(practice, first_name="Anna", inclusion="RPO-0098")
    view = agenda(qtbot, practice)
    assert view.import_button.text() == "Importer un calendrier…"
    source = calendar_file(tmp_path / "google.ics", hour=9)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(source), ""))

    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.import_dialog is not None and view.import_dialog.isVisible())
    dialog = view.import_dialog
    assert dialog is not None
    table = dialog.table
    states = [table.item(row, 6).text() for row in range(table.rowCount())]  # type: ignore[union-attr]
    assert states == ["Reconnu", "Ignoré : aucun enfant de ce nom", "À choisir", "Reconnu", "Reconnu"]
    ticked = [table.item(row, 0).checkState() == Qt.CheckState.Checked  # type: ignore[union-attr]
              for row in range(table.rowCount())]
    assert ticked == [True, False, False, True, True]
    chooser = table.cellWidget(2, 5)
    assert isinstance(chooser, QComboBox) and chooser.count() == 3  # « choisir », then the two Zorro children
    chooser.setCurrentIndex(next(i for i in range(chooser.count()) if chooser.itemData(i) == anna))
    assert table.item(2, 0).checkState() == Qt.CheckState.Checked  # type: ignore[union-attr]
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.message.text().startswith("Calendrier importé"))
    assert view.message.text() == "Calendrier importé : 4 nouveaux rendez-vous, 0 mis à jour, 0 inchangés."
    first, last = view.export_range()
    rows = appointments.between(practice.sessions, first, last)
    assert sorted((r.child_id, r.starts_at.hour) for r in rows) == [
        (test_zorro, 9), (test_zorro, 9), (test_zorro, 9), (anna, 14)]
    qtbot.waitUntil(lambda: len(view.grid.rows) == 2, timeout=3000)  # this week: a Tuesday and a Thursday

    calendar_file(source, hour=10)  # the series moved to 10:00 in the other calendar
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.import_dialog is not dialog and view.import_dialog is not None
                    and view.import_dialog.isVisible())
    again = view.import_dialog
    assert again is not None
    assert again.table.item(0, 6).text() == "Reconnu (mis à jour)"  # type: ignore[union-attr]
    qtbot.mouseClick(again.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "3 mis à jour" in view.message.text())
    rows = appointments.between(practice.sessions, first, last)
    assert sorted((r.child_id, r.starts_at.hour) for r in rows) == [
        (test_zorro, 10), (test_zorro, 10), (test_zorro, 10), (anna, 14)], "updated, never doubled"
