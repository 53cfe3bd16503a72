"""« Agenda » (issue 18, #4 and #16): the séances done and the absences recorded beside the planned appointments,
each kind distinct by colour AND by mark and pattern; the child's name in the block, in its tooltip and in its
accessible name; Tab reaches the blocks and Entrée opens an appointment's menu."""

from __future__ import annotations

from datetime import date, time

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QApplication, QPushButton, QToolTip

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import appointments, seances
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.widgets.week_blocks import LOOKS, Block, BlockItem, block_lines
from cocon_desktop.ui.widgets.week_grid import WeekGrid
from tests.dates import TODAY
from tests.ui.seance_helpers import prescribed_child, this_week_day
from tests.ui.test_agenda import agenda


def block(grid: WeekGrid, key: str) -> Block:
    return next(b for b in grid.blocks if b.key == key)


def stripe(grid: WeekGrid, key: str) -> str:
    """The colour of the block's left stripe, as painted."""
    rect = grid.block_rect(block(grid, key))
    return grid.grab().toImage().pixelColor(int(rect.left()) + 2, int(rect.center().y())).name()


def hatched(grid: WeekGrid, key: str) -> bool:
    """Whether the block holds a pattern: more than one colour down a line near its right edge, where the text
    (left-aligned, a short name and a time) does not reach whatever the font (the program's own DejaVu once
    make_application ran, or the platform's)."""
    rect = grid.block_rect(block(grid, key))
    image = grid.grab().toImage()
    x = int(rect.right()) - 6
    colours = {image.pixelColor(x, y).name() for y in range(int(rect.top()) + 6, int(rect.bottom()) - 5)}
    return len(colours) > 1


def shown_lines(grid: WeekGrid, key: str) -> list[str]:
    rect = grid.block_rect(block(grid, key)).adjusted(7, 1, -2, -1)
    font = grid.font()
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
    return block_lines(block(grid, key), QFontMetrics(font), int(rect.width()), rect.height())


def test_the_week_draws_seances_done_and_absences_beside_appointments(qtbot: QtBot, practice: Practice) -> None:
    zorro = prescribed_child(practice)
    lina = prescribed_child(practice, last_name="Mercier", first_name="Lina", inclusion="RPO-0100")
    [planned] = appointments.plan(practice.sessions, zorro, this_week_day(3), time(10, 0))
    [pointed, missed] = appointments.plan(practice.sessions, lina, this_week_day(0), time(9, 0), weeks=2,
                                          every_days=1)
    appointments.mark(practice.sessions, pointed, "present")
    appointments.mark(practice.sessions, missed, "absence_non_excusee")
    done = seances.record_seance(practice.sessions, SeanceData(zorro, TODAY, time(14, 0)))  # no appointment
    excused = seances.record_seance(practice.sessions, SeanceData(lina, TODAY, time(16, 0), kind="absence_excusee",
                                                                  out_of_forfait=True))
    grid = agenda(qtbot, practice).grid

    looks = {b.key: b.look for b in grid.blocks}
    assert looks == {f"a{pointed}": "done", f"a{missed}": "absence_non_excusee", f"s{done}": "done",
                     f"s{excused}": "absence_excusee", f"a{planned}": "planned"}
    assert [s.id for s in grid.seances] == [done, excused], "the séance of the pointed appointment is not drawn twice"
    assert len({(look.fill, look.border) for look in LOOKS.values()}) == len(LOOKS)
    assert [stripe(grid, key) for key in (f"a{planned}", f"s{done}", f"s{excused}", f"a{missed}")] == [
        "#1f4e8c", "#2e7d32", "#a15c00", "#b00020"]
    # not colour alone: a mark before the name, a word after the time, a pattern for absences
    marks = {key: shown_lines(grid, key) for key in looks}
    assert marks[f"a{planned}"][0].startswith("○ ") and marks[f"a{planned}"][1].startswith("10:00 · prévu")
    assert marks[f"s{done}"][0].startswith("✓ ") and marks[f"a{pointed}"][0].startswith("✓ ")
    assert marks[f"s{excused}"][0].startswith("✗ ") and marks[f"s{excused}"][1] == "16:00 · excusé"
    assert marks[f"a{missed}"][0].startswith("✗ ") and marks[f"a{missed}"][1].startswith("09:00 · non ")
    assert LOOKS["absence_excusee"].pattern != LOOKS["absence_non_excusee"].pattern
    assert hatched(grid, f"s{excused}") and hatched(grid, f"a{missed}")
    assert not hatched(grid, f"s{done}") and not hatched(grid, f"a{planned}")


def test_six_november_seances_and_one_today_fill_their_weeks(qtbot: QtBot, practice: Practice) -> None:
    """The finding as reported: séances recorded by the quick entry and « Aujourd'hui », no appointment."""
    child_id = prescribed_child(practice)
    days = [date(2026, 11, d) for d in (3, 5, 10, 12, 13, 16)] + [TODAY]
    for day in days:
        seances.record_seance(practice.sessions, SeanceData(child_id, day, time(10, 30)))
    view = agenda(qtbot, practice)
    previous = next(b for b in view.findChildren(QPushButton) if b.text() == "←")
    shown: dict[date, list[date]] = {}
    for _ in range(3):
        shown[view.monday] = [b.day for b in view.grid.blocks]
        assert all(b.look == "done" for b in view.grid.blocks)
        qtbot.mouseClick(previous, Qt.MouseButton.LeftButton)
    assert shown == {date(2026, 11, 16): [date(2026, 11, 16), TODAY],
                     date(2026, 11, 9): [date(2026, 11, 10), date(2026, 11, 12), date(2026, 11, 13)],
                     date(2026, 11, 2): [date(2026, 11, 3), date(2026, 11, 5)]}


def test_blocks_name_the_child_in_the_block_the_tooltip_and_the_accessible_name(qtbot: QtBot,
                                                                                 practice: Practice) -> None:
    lina = prescribed_child(practice, last_name="Mercier", first_name="Lina", inclusion="RPO-0100")
    [slot] = appointments.plan(practice.sessions, lina, TODAY, time(10, 0))
    excused = seances.record_seance(practice.sessions, SeanceData(lina, TODAY, time(15, 0), kind="absence_excusee",
                                                                  out_of_forfait=True))
    grid = agenda(qtbot, practice).grid
    first_line = shown_lines(grid, f"a{slot}")[0]
    assert first_line in ("○ Lina MERCIER", "○ Lina M.", "○ Lina"), "the name, as much as fits, not initials"
    narrow = block_lines(block(grid, f"a{slot}"), QFontMetrics(grid.font()), 60, 40)[0]
    assert narrow.startswith("○ Lina") or narrow.startswith("○ L."), narrow

    centre = grid.block_rect(block(grid, f"a{slot}")).center().toPoint()
    QApplication.sendEvent(grid, QHelpEvent(QEvent.Type.ToolTip, centre, grid.mapToGlobal(centre)))
    assert QToolTip.isVisible()
    assert QToolTip.text().splitlines()[:3] == ["MERCIER Lina (RPO-0100)",
                                                "mercredi 18 novembre 2026, 10:00 – 10:45 · Cabinet",
                                                "Rendez-vous prévu"]
    QToolTip.hideText()

    items = {item.block.key: item for item in grid.findChildren(BlockItem)}
    assert items[f"a{slot}"].accessibleName() == ("MERCIER Lina, mercredi 18 novembre 2026, 10:00 – 10:45, "
                                                  "Rendez-vous prévu")
    assert items[f"s{excused}"].accessibleName() == ("MERCIER Lina, mercredi 18 novembre 2026, 15:00 – 15:45, "
                                                     "Absence excusée saisie sans rendez-vous (hors forfait)")
    assert QRectF(items[f"a{slot}"].geometry()) == grid.block_rect(block(grid, f"a{slot}")).toAlignedRect()


def test_tab_reaches_the_blocks_and_enter_opens_the_menu(qtbot: QtBot, practice: Practice) -> None:
    zorro = prescribed_child(practice)
    [monday, thursday] = appointments.plan(practice.sessions, zorro, this_week_day(0), time(9, 0), weeks=2,
                                           every_days=3)
    view = agenda(qtbot, practice)
    view.import_button.setFocus()  # the last button of the toolbar
    qtbot.keyClick(view.import_button, Qt.Key.Key_Tab)  # the week's scroll area (arrows scroll it)…
    assert QApplication.focusWidget() is view.grid.parentWidget().parentWidget()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # …then its blocks, in time order
    focused = QApplication.focusWidget()
    assert isinstance(focused, BlockItem) and focused.block.key == f"a{monday}"
    qtbot.keyClick(focused, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert isinstance(focused, BlockItem) and focused.block.key == f"a{thursday}"
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    menu = view.menu
    assert menu is not None and menu.isVisible()
    assert menu.actions()[0].text().startswith("ZORRO Test, ")
    next(a for a in menu.actions() if a.objectName() == "mark_present").trigger()
    assert {r.id: r.status for r in view.grid.rows} == {monday: "planned", thursday: "present"}
    assert block(view.grid, f"a{thursday}").look == "done"
