"""« Agenda »: a weekly series through the dialog, dragging a block, conflicts in red, the menu, ICS export."""

from __future__ import annotations

import stat
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from cocon_desktop.services import appointments
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.seances import child_seances
from cocon_desktop.ui.pages.agenda_view import AgendaView
from cocon_desktop.ui.widgets.week_grid import HEADER, WeekGrid
from tests.ui.seance_helpers import prescribed_child, seances_window, this_week_day


def agenda(qtbot: QtBot, practice: Practice) -> AgendaView:
    window = seances_window(qtbot, practice)
    window.seances_page.tabs.setCurrentIndex(1)
    view = window.seances_page.agenda
    qtbot.waitUntil(view.grid.isVisible)
    return view


def block_centre(grid: WeekGrid, appointment_id: int) -> QPoint:
    row = next(r for r in grid.rows if r.id == appointment_id)
    return grid.block_rect(row).center().toPoint()


def slot_top(grid: WeekGrid, day: date, at: time) -> QPoint:
    """The top of the quarter hour `at` on `day`, in the middle of the column."""
    column = (day - grid.monday).days
    quarter = (at.hour - grid.first_hour) * 4 + at.minute // 15
    return QPoint(int(54 + (column + 0.5) * grid.column_width()), int(HEADER + quarter * grid.quarter_px()))


def test_every_tuesday_for_twelve_weeks_through_the_dialog(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice)
    view = agenda(qtbot, practice)
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.picker.search, "zor")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    tuesday = this_week_day(1)
    dialog.day.set_value(tuesday)
    dialog.start.setText("10h")
    dialog.repeat.setChecked(True)
    assert dialog.weeks.value() == 12
    last = tuesday + timedelta(weeks=11)
    assert dialog.summary.text() == (f"12 rendez-vous pour ZORRO Test : chaque mardi à 10:00, du "
                                     f"{tuesday:%d/%m/%Y} au {last:%d/%m/%Y}. Aucun jour férié dans cette série.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    rows = appointments.between(practice.sessions, tuesday, last)
    assert len(rows) == 12 and {(r.day.weekday(), r.start) for r in rows} == {(1, time(10, 0))}
    assert {r.child_id for r in rows} == {child_id}
    shown = 0
    for _ in range(14):
        shown += len(view.grid.rows)
        assert all(r.initials == "T. Z." for r in view.grid.rows)
        view.show_week(view.monday + timedelta(days=7))
    assert shown == 12, "one block a week for twelve weeks"


def test_dragging_a_block_moves_the_appointment_by_quarter_hours(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice)
    tuesday, thursday = this_week_day(1), this_week_day(3)
    [appointment] = appointments.plan(practice.sessions, child_id, tuesday, time(10, 0))
    view = agenda(qtbot, practice)
    grid = view.grid
    start = block_centre(grid, appointment)
    offset = start.y() - int(grid.block_rect(grid.rows[0]).top())
    target = slot_top(grid, thursday, time(14, 30)) + QPoint(0, offset + 3)  # a little off: it snaps
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(grid, start + QPoint(0, 20))
    QTest.mouseMove(grid, target)
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)

    [moved] = appointments.between(practice.sessions, tuesday, thursday)
    assert (moved.day, moved.start) == (thursday, time(14, 30))
    assert [(r.day, r.start) for r in grid.rows] == [(thursday, time(14, 30))]
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    [back] = appointments.between(practice.sessions, tuesday, thursday)
    assert (back.day, back.start) == (tuesday, time(10, 0))


def test_a_click_without_moving_moves_nothing(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice)
    [appointment] = appointments.plan(practice.sessions, child_id, this_week_day(2), time(9, 0))
    view = agenda(qtbot, practice)
    QTest.mouseClick(view.grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     block_centre(view.grid, appointment))
    [row] = appointments.between(practice.sessions, this_week_day(2), this_week_day(2))
    assert row.start == time(9, 0)


def test_double_click_on_an_empty_slot_proposes_that_slot(qtbot: QtBot, practice: Practice) -> None:
    prescribed_child(practice)
    view = agenda(qtbot, practice)
    thursday = this_week_day(3)
    QTest.mouseDClick(view.grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      slot_top(view.grid, thursday, time(15, 45)) + QPoint(0, 2))
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    assert (dialog.day.value(), dialog.start.text()) == (thursday, "15:45")


def test_overlapping_slots_are_red(qtbot: QtBot, practice: Practice) -> None:
    zorro = prescribed_child(practice)
    lina = prescribed_child(practice, last_name="Mercier", first_name="Lina", inclusion="RPO-0100")
    wednesday = this_week_day(2)
    [a] = appointments.plan(practice.sessions, zorro, wednesday, time(10, 0))
    [b] = appointments.plan(practice.sessions, lina, wednesday, time(10, 30))
    [c] = appointments.plan(practice.sessions, lina, wednesday, time(15, 0))
    view = agenda(qtbot, practice)
    grid = view.grid
    assert {r.id: r.conflict for r in grid.rows} == {a: True, b: True, c: False}
    rects = {r.id: grid.block_rect(r) for r in grid.rows}
    assert rects[a].right() < rects[b].left(), "side by side, both visible"
    image = grid.grab().toImage()

    def stripe(appointment_id: int) -> QColor:
        rect = rects[appointment_id]
        return image.pixelColor(int(rect.left()) + 2, int(rect.center().y()))

    assert stripe(a).name() == stripe(b).name() == "#c62828"
    assert stripe(c).name() == "#1f4e8c"


def test_the_menu_points_present_and_cancels(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice)
    day = this_week_day(4)
    [first, second] = appointments.plan(practice.sessions, child_id, day, time(9, 0), weeks=2, every_days=1)
    view = agenda(qtbot, practice)
    rows = {r.id: r for r in view.grid.rows}
    menu = view.menu_for(rows[first])
    present = next(a for a in menu.actions() if a.objectName() == "mark_present")
    present.trigger()
    assert [s.data.kind for s in child_seances(practice.sessions, child_id)] == ["seance"]
    assert {r.id: r.status for r in view.grid.rows}[first] == "present"
    menu = view.menu_for(next(r for r in view.grid.rows if r.id == second))
    next(a for a in menu.actions() if a.objectName() == "cancel_appointment").trigger()
    assert [r.id for r in view.grid.rows] == [first]


def test_a_failed_export_says_so(qtbot: QtBot, practice: Practice, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    view = agenda(qtbot, practice)
    missing = tmp_path / "pas-de-dossier" / "agenda.ics"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(missing), ""))
    view.export_button.click()
    assert view.message.text().startswith("L'export a échoué, aucun fichier n'a été écrit : Erreur d'accès au disque")
    assert view.export_button.isEnabled() and not missing.exists()


def test_ics_export_of_the_coming_weeks(qtbot: QtBot, practice: Practice, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    child_id = prescribed_child(practice)
    appointments.plan(practice.sessions, child_id, this_week_day(1), time(10, 0), weeks=20)
    view = agenda(qtbot, practice)
    (tmp_path / "exports").mkdir(mode=0o755)
    chosen = tmp_path / "exports" / "agenda"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(chosen), ""))
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "exports" / "agenda.ics"
    content = written.read_text(encoding="utf-8")
    assert content.startswith("BEGIN:VCALENDAR")
    assert content.count("BEGIN:VEVENT") == 13, "the week shown and the twelve after it"
    assert "ZORRO" not in content and "T. Z." in content
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o755, "the user's folder is left as it was"
    first, last = view.export_range()
    assert view.message.text() == (f"13 rendez-vous du {first:%d/%m/%Y} au {last:%d/%m/%Y} exportés dans "
                                   f"{written}")
