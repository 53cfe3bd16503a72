"""« Agenda » (issue 18, #16): a weekly series planned through the dialog skips the French public holidays unless
« Inclure les jours fériés » is ticked, and says which dates it skipped (or kept)."""

from __future__ import annotations

from datetime import date

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from cocon_desktop.services import appointments
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.appointment_dialog import AppointmentDialog
from cocon_desktop.ui.pages.agenda_view import AgendaView
from cocon_desktop.ui.widgets.week_grid import GUTTER, HEADER
from tests.dates import SPECIAL_DAYS
from tests.ui.seance_helpers import prescribed_child
from tests.ui.test_agenda import agenda

ARMISTICE, CHRISTMAS, NEW_YEAR = date(2026, 11, 11), date(2026, 12, 25), SPECIAL_DAYS[1]


def series_dialog(qtbot: QtBot, view: AgendaView, first: date, weeks: int) -> AppointmentDialog:
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.picker.search, "zor")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    dialog.day.set_value(first)
    dialog.start.setText("10h")
    assert not dialog.holidays.isEnabled() and not dialog.holidays.isChecked()
    qtbot.mouseClick(dialog.repeat, Qt.MouseButton.LeftButton)
    dialog.weeks.setValue(weeks)
    assert dialog.holidays.isEnabled() and not dialog.holidays.isChecked(), "unchecked by default"
    return dialog


def test_a_weekly_series_across_armistice_day_skips_it_and_says_so(qtbot: QtBot, practice: Practice) -> None:
    prescribed_child(practice)
    view = agenda(qtbot, practice)
    dialog = series_dialog(qtbot, view, date(2026, 11, 4), 12)
    sentence = "Le 11/11/2026 (Armistice) est férié : pas de rendez-vous ce jour-là."
    assert dialog.summary.text() == ("11 rendez-vous pour ZORRO Test : chaque mercredi à 10:00, du 04/11/2026 au "
                                     f"20/01/2027. {sentence}")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    days = [r.day for r in appointments.between(practice.sessions, date(2026, 11, 1), date(2027, 1, 31))]
    assert len(days) == 11 and ARMISTICE not in days
    assert view.message.text() == sentence and view.message.isVisible()
    assert view.monday == date(2026, 11, 2) and [b.day for b in view.grid.blocks] == [date(2026, 11, 4)]
    view.show_week(ARMISTICE)
    grid = view.grid
    assert grid.blocks == [], "nothing the week of 11 November"
    assert grid.holidays == {ARMISTICE: "Armistice"}  # its column is marked « férié », its name on hover
    column = (ARMISTICE - grid.monday).days
    at = QPoint(int(GUTTER + (column + 0.5) * grid.column_width()), HEADER + 40)
    QApplication.sendEvent(grid, QHelpEvent(QEvent.Type.ToolTip, at, grid.mapToGlobal(at)))
    assert QToolTip.text() == "Armistice : jour férié"
    QToolTip.hideText()


def test_christmas_and_new_year_are_skipped_or_kept_when_asked(qtbot: QtBot, practice: Practice) -> None:
    prescribed_child(practice)
    view = agenda(qtbot, practice)
    dialog = series_dialog(qtbot, view, date(2026, 12, 18), 4)
    assert dialog.summary.text().endswith(
        "Les 25/12/2026 (Noël) et 01/01/2027 (Jour de l'an) sont fériés : pas de rendez-vous ces jours-là.")
    assert dialog.summary.text().startswith("2 rendez-vous pour ZORRO Test : chaque vendredi à 10:00")
    qtbot.mouseClick(dialog.holidays, Qt.MouseButton.LeftButton)  # « Inclure les jours fériés »
    assert dialog.holidays.isChecked()
    assert dialog.summary.text() == (
        "4 rendez-vous pour ZORRO Test : chaque vendredi à 10:00, du 18/12/2026 au 08/01/2027. Les 25/12/2026 "
        "(Noël) et 01/01/2027 (Jour de l'an), fériés, sont gardés comme demandé.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    days = [r.day for r in appointments.between(practice.sessions, date(2026, 12, 1), date(2027, 1, 31))]
    assert days == [date(2026, 12, 18), CHRISTMAS, NEW_YEAR, date(2027, 1, 8)]


def test_a_series_of_holidays_only_is_refused_at_its_field(qtbot: QtBot, practice: Practice) -> None:
    prescribed_child(practice)
    view = agenda(qtbot, practice)
    dialog = series_dialog(qtbot, view, date(2027, 5, 1), 2)  # 1 and 8 May 2027 are both Saturdays, both off
    assert dialog.summary.text().endswith("Chaque jour de cette série est férié : cochez « Inclure les jours "
                                          "fériés » ou choisissez un autre jour.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "Chaque jour de cette série est férié" in dialog.field_text("weeks")
    assert appointments.between(practice.sessions, date(2027, 5, 1), date(2027, 5, 8)) == []
