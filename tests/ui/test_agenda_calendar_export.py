"""Agenda › « Exporter le calendrier… » (issue 20, #6): the window writes the same calendar file as `cocon agenda
export`, Paris times with TZID=Europe/Paris and its VTIMEZONE, the appointments' own UIDs, kept at a second export."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from cocon_desktop.services import appointments
from cocon_desktop.services.practice_handle import Practice
from tests.ui.seance_helpers import prescribed_child, this_week_day
from tests.ui.test_agenda import agenda


def test_the_windows_export_is_in_paris_time_with_the_appointments_uids(
        qtbot: QtBot, practice: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    child_id = prescribed_child(practice)
    appointments.plan(practice.sessions, child_id, this_week_day(1), time(8, 30), weeks=3)
    view = agenda(qtbot, practice)
    assert view.export_button.text() == "Exporter le calendrier…"
    chosen = tmp_path / "cabinet.ics"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(chosen), ""))

    def export() -> list[icalendar.Component]:
        view.message.clear()
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.message.text().startswith("3 rendez-vous"))
        calendar = icalendar.Calendar.from_ical(chosen.read_bytes())
        assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
        return list(calendar.walk("VEVENT"))

    events = export()
    first, last = view.export_range()
    stored = [r.uid for r in appointments.between(practice.sessions, first, last)]
    assert [str(e["UID"]) for e in events] == stored and len(set(stored)) == 3
    start = events[0].decoded("DTSTART")
    assert events[0]["DTSTART"].params["TZID"] == "Europe/Paris" and (start.hour, start.minute) == (8, 30)
    paris_offset = start.utcoffset()
    assert paris_offset is not None
    assert start.astimezone(UTC) == datetime.combine(this_week_day(1), time(8, 30), UTC) - paris_offset
    assert paris_offset in (timedelta(hours=1), timedelta(hours=2))
    assert [str(e["UID"]) for e in export()] == stored, "a second export updates the same events"
