"""Every write reachable from Séances and Attestations reaches every view that shows its data (issue 17): the day
view, the agenda, the open child's file, the dashboard, the attestations register. No view gets a signal from
another: each reads again from the write's Changes (ui/views.py), at once when shown, else when next shown. Each
view has read its data before the write, so that a view left stale fails the test."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from cocon_desktop.domain.attestation import Period
from cocon_desktop.services import appointments, attestations
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.seances import child_seances
from cocon_desktop.ui.dialogs.quick_seance_dialog import QuickSeanceDialog
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.today_view import TodayView
from cocon_desktop.ui.widgets.week_grid import GUTTER, HEADER
from tests.db.attestation_helpers import make_child as child_with_seances
from tests.ui.child_helpers import TODAY, children_window
from tests.ui.dashboard_helpers import charts_of
from tests.ui.seance_helpers import prescribed_child

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LAST_MONTH_END = TODAY.replace(day=1) - timedelta(days=1)
LAST_MONTH = Period(LAST_MONTH_END.replace(day=1), LAST_MONTH_END)


# -- what each view shows
def day_statuses(window: MainWindow) -> list[str]:
    view = window.seances_page.today_view
    return [view.model.cell(row, 3) for row in range(view.model.rowCount())]


def day_seances(window: MainWindow) -> int:
    return window.seances_page.today_view.seances_model.rowCount()


def agenda_statuses(window: MainWindow) -> list[str]:
    return [row.status for row in window.seances_page.agenda.grid.rows]


def held_this_month(window: MainWindow) -> int:
    """The dashboard's chart: séances held this month."""
    charts = charts_of(window.dashboard_page)
    return next(point.seances for point in charts.series if point.month == TODAY.replace(day=1))


def child_file(window: MainWindow) -> tuple[str, int]:
    """The open child's file: its forfait gauge, its séances."""
    file = window.children_page.file
    return file.cards[0].gauge.text(), file.seances.model.rowCount()


def attestations_due(window: MainWindow) -> int:
    """The dashboard's line: children with care last month and no attestation for it."""
    return sum(item.count for item in window.dashboard_page.model.rows if item.kind == "attestation_due")


def everywhere(window: MainWindow, page: str = "seances") -> tuple[tuple[str, int], int]:
    """The child's file and the dashboard as shown when their pages are opened; then back to `page`."""
    window.show_page("children")
    file = child_file(window)
    window.show_page("dashboard")
    held = held_this_month(window)
    window.show_page(page)
    return file, held


def day_window(qtbot: QtBot, practice: Practice) -> tuple[MainWindow, int, int]:
    """Zorro (9:30) and Lina (14:00) expected today; Zorro's file open; every view read once."""
    zorro = prescribed_child(practice)
    lina = prescribed_child(practice, last_name="Mercier", first_name="Lina", inclusion="RPO-0100")
    [slot] = appointments.plan(practice.sessions, zorro, TODAY, time(9, 30))
    appointments.plan(practice.sessions, lina, TODAY, time(14, 0))
    window = children_window(qtbot, practice, active=True)
    window.children_page.open_child(zorro)
    assert everywhere(window) == (("0 / 30 séances", 0), 0)
    assert day_statuses(window) == ["Prévu", "Prévu"] and agenda_statuses(window) == ["planned", "planned"]
    return window, zorro, slot


def menu_action(window: MainWindow, appointment_id: int, name: str) -> QAction:
    agenda = window.seances_page.agenda
    row = agenda.row(appointment_id)
    assert row is not None
    action = agenda.menu_for(row).findChild(QAction, name)
    assert action is not None
    return action


def undo(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()  # the offscreen platform does not give it back when a dialog closes
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.seances_page.today_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


# -- the day view and the agenda
def test_present_from_the_day_view_and_its_undo_reach_every_view(qtbot: QtBot, practice: Practice) -> None:
    window, zorro, _ = day_window(qtbot, practice)
    view: TodayView = window.seances_page.today_view
    qtbot.keyClick(view.table, Qt.Key.Key_P)
    assert day_statuses(window) == ["Présent", "Prévu"] and day_seances(window) == 1
    assert agenda_statuses(window) == ["present", "planned"], "the agenda tab, not shown, read too"
    assert everywhere(window) == (("1 / 30 séances", 1), 1)

    undo(qtbot, window)
    assert child_seances(practice.sessions, zorro) == []
    assert day_statuses(window) == ["Prévu", "Prévu"] and day_seances(window) == 0
    assert agenda_statuses(window) == ["planned", "planned"]
    assert everywhere(window) == (("0 / 30 séances", 0), 0)


def test_absence_back_to_planned_and_cancel_reach_every_view(qtbot: QtBot, practice: Practice) -> None:
    window, zorro, slot = day_window(qtbot, practice)
    view = window.seances_page.today_view
    qtbot.keyClick(view.table, Qt.Key.Key_A)
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert day_statuses(window) == ["Absent (excusé)", "Prévu"] and day_seances(window) == 1
    assert agenda_statuses(window) == ["absence_excusee", "planned"]
    file, held = everywhere(window)
    assert file[1] == 1 and held == 0, "the absence is in the file; the dashboard counts séances held"

    window.seances_page.tabs.setCurrentWidget(window.seances_page.agenda)
    menu_action(window, slot, "mark_planned").trigger()  # the séance pointed goes
    assert agenda_statuses(window) == ["planned", "planned"]
    assert day_statuses(window) == ["Prévu", "Prévu"] and day_seances(window) == 0
    assert everywhere(window) == (("0 / 30 séances", 0), 0)

    window.seances_page.tabs.setCurrentWidget(view)
    view.table.selectRow(0)  # after the absence, the next appointment (Lina's) was selected
    qtbot.keyClick(view.table, Qt.Key.Key_P)
    assert everywhere(window) == (("1 / 30 séances", 1), 1)
    menu_action(window, slot, "cancel_appointment").trigger()  # a pointed appointment: its séance goes too
    assert day_statuses(window) == ["Prévu"] and day_seances(window) == 0
    assert agenda_statuses(window) == ["planned"]
    assert everywhere(window) == (("0 / 30 séances", 0), 0)

    undo(qtbot, window)  # back as it was: present, with its séance
    assert [s.data.start for s in child_seances(practice.sessions, zorro)] == [time(9, 30)]
    assert day_statuses(window) == ["Présent", "Prévu"] and day_seances(window) == 1
    assert agenda_statuses(window) == ["present", "planned"]
    assert everywhere(window) == (("1 / 30 séances", 1), 1)


def test_an_appointment_planned_or_dragged_in_the_agenda_reaches_the_day_view(qtbot: QtBot,
                                                                              practice: Practice) -> None:
    window, _, slot = day_window(qtbot, practice)
    page = window.seances_page
    page.tabs.setCurrentWidget(page.agenda)
    qtbot.waitUntil(page.agenda.grid.isVisible)
    qtbot.mouseClick(page.agenda.new_button, Qt.MouseButton.LeftButton)
    dialog = page.agenda.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.picker.search, "merc")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    dialog.day.set_value(TODAY)
    dialog.start.setText("17h")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert agenda_statuses(window) == ["planned", "planned", "planned"]
    assert day_statuses(window) == ["Prévu", "Prévu", "Prévu"], "the day view, in the other tab, read too"

    undo(qtbot, window)  # the appointment planned is cancelled again
    assert agenda_statuses(window) == ["planned", "planned"] and len(day_statuses(window)) == 2

    grid = page.agenda.grid  # Zorro's 9:30 dragged to tomorrow, same time
    row = next(r for r in grid.rows if r.id == slot)
    start = grid.block_rect(row).center().toPoint()
    offset = start.y() - int(grid.block_rect(row).top())
    column = (TODAY + timedelta(days=1) - grid.monday).days
    quarter = (9 - grid.first_hour) * 4 + 2
    target = QPoint(int(GUTTER + (column + 0.5) * grid.column_width()),
                    int(HEADER + quarter * grid.quarter_px()) + offset + 3)
    QTest.mousePress(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(grid, start + QPoint(0, 20))
    QTest.mouseMove(grid, target)
    QTest.mouseRelease(grid, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)
    [moved] = appointments.between(practice.sessions, TODAY + timedelta(days=1), TODAY + timedelta(days=1))
    assert (moved.id, moved.start) == (slot, time(9, 30))
    view = page.today_view
    assert [view.model.cell(r, 1) for r in range(view.model.rowCount())] == ["MERCIER Lina"]


def test_a_series_planned_in_another_week_shows_that_week(qtbot: QtBot, practice: Practice) -> None:
    window, _, _ = day_window(qtbot, practice)
    agenda = window.seances_page.agenda
    window.seances_page.tabs.setCurrentWidget(agenda)
    agenda.new_appointment()
    dialog = agenda.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.picker.search, "merc")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    next_monday = agenda.monday + timedelta(weeks=1)
    dialog.day.set_value(next_monday + timedelta(days=1))
    dialog.start.setText("10h")
    dialog.repeat.setChecked(True)
    dialog.weeks.setValue(3)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert agenda.monday == next_monday
    assert [(r.day, r.start) for r in agenda.grid.rows] == [(next_monday + timedelta(days=1), time(10, 0))]
    undo(qtbot, window)
    assert agenda.grid.rows == [] and appointments.between(
        practice.sessions, next_monday, next_monday + timedelta(weeks=3)) == []


# -- the quick entry
def quick_entry(qtbot: QtBot, window: MainWindow, letters: str = "zor") -> QuickSeanceDialog:
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL_SHIFT)
    dialog = window.quick_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.picker.search, letters)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)  # picks the child
    return dialog


def test_the_quick_entry_reaches_the_day_view_shown(qtbot: QtBot, practice: Practice) -> None:
    window, zorro, _ = day_window(qtbot, practice)
    dialog = quick_entry(qtbot, window)
    dialog.start.setText("11h")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)  # records; the form stays for the next séance
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    view = window.seances_page.today_view
    assert day_seances(window) == 1 and view.seances_model.cell(0, 1) == "ZORRO Test"
    assert view.seances_title.text() == "Séances enregistrées ce jour : 1 (1 à facturer, 0 non facturable)"
    assert everywhere(window) == (("1 / 30 séances", 1), 1)
    undo(qtbot, window)
    assert child_seances(practice.sessions, zorro) == [] and day_seances(window) == 0


def test_the_quick_entry_from_another_page_shows_when_the_day_view_is_shown(qtbot: QtBot,
                                                                           practice: Practice) -> None:
    window, _, _ = day_window(qtbot, practice)
    window.show_page("dashboard")
    dialog = quick_entry(qtbot, window)
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    assert held_this_month(window) == 1, "the dashboard, shown, read at once"
    assert window.refresher.is_stale(window.seances_page), "the Séances page, hidden, reads when shown"
    window.show_page("seances")
    assert day_seances(window) == 1


# -- attestations
def two_children_last_month(practice: Practice) -> list[int]:
    """Dupont (3 séances) and Martin (2) last month, with a prescription still valid."""
    return [child_with_seances(practice, last, "Léa", inclusion, [LAST_MONTH.first + timedelta(days=7 * n)
                                                                  for n in range(count)], today=TODAY,
                               birth=TODAY - timedelta(days=400),
                               valid=(LAST_MONTH.first - timedelta(days=20), TODAY + timedelta(days=200)))
            for last, inclusion, count in (("Dupont", "RPO-2025-0001", 3), ("Martin", "RPO-2025-0002", 2))]


def attestations_window(qtbot: QtBot, practice: Practice) -> tuple[MainWindow, list[int]]:
    children = two_children_last_month(practice)
    window = children_window(qtbot, practice)
    window.show_page("dashboard")
    assert attestations_due(window) == 2
    window.show_page("attestations")
    page = window.attestations_page
    page.pin_asker = lambda _: pytest.fail("a key held in the database needs no PIN")
    assert page.picker.period() == LAST_MONTH and page.table.rowCount() == 0
    return window, children


def test_a_batch_shows_its_progress_can_be_cancelled_and_the_register_follows(qtbot: QtBot,
                                                                              practice: Practice) -> None:
    window, _ = attestations_window(qtbot, practice)
    page = window.attestations_page
    panel = page.progress
    assert not panel.isVisible()
    seen: list[tuple[str, bool, bool]] = []

    def cancel_at_the_second(done: int, total: int) -> None:
        seen.append((panel.bar.format(), panel.isVisible(), page.batch_button.isEnabled() or
                     page.picker.isEnabled()))
        if done == 1:  # the first child's attestation is issued: « Annuler » now
            qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
            assert not panel.cancel_button.isEnabled() and panel.cancel_button.text() == "Annulation…"

    panel.relay.progressed.connect(cancel_at_the_second)
    qtbot.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)
    panel.relay.progressed.disconnect(cancel_at_the_second)
    assert seen == [("Attestation 1 sur 2", True, False), ("Attestation 2 sur 2", True, False)]
    assert page.message.text().startswith("Arrêté : 1 attestation émise sur 2")
    assert not panel.isVisible() and page.batch_button.isEnabled() and page.picker.isEnabled()
    assert page.table.rowCount() == 1 and page.table.item(0, 0).text() == f"ATT-{TODAY.year}-0001"
    window.show_page("dashboard")
    assert attestations_due(window) == 1

    window.show_page("attestations")
    qtbot.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)  # to the end this time
    # the child attested before the cancel is left out (never issued twice by mistake: issue 18, #10)
    assert page.message.text() == (f"1 attestation émise : ATT-{TODAY.year}-0002. "
                                   "1 enfant l'avait déjà : laissé de côté.")
    assert page.table.rowCount() == 2
    window.show_page("dashboard")
    assert attestations_due(window) == 0


def test_an_attestation_issued_from_the_childs_file_reaches_the_register(qtbot: QtBot,
                                                                          practice: Practice) -> None:
    window, (dupont, _) = attestations_window(qtbot, practice)
    window.show_page("children")
    window.children_page.open_child(dupont)
    file = window.children_page.file
    qtbot.waitUntil(lambda: file.current_child() is not None)
    file.attestations_button.click()
    dialog = file.attestation_dialog
    assert dialog is not None and dialog.picker.period() == LAST_MONTH
    dialog.pin_asker = lambda _: pytest.fail("a key held in the database needs no PIN")
    dialog.issue_button.click()
    assert dialog.table.rowCount() == 1, "the dialog's own register"
    dialog.reject()
    window.show_page("attestations")
    assert window.attestations_page.table.rowCount() == 1
    assert [a.child_id for a in attestations.list_attestations(practice.sessions)] == [dupont]
    window.show_page("dashboard")
    assert attestations_due(window) == 1
