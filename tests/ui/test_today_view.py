"""« Aujourd'hui »: the day's appointments pointed with one key, the séances of the day, undo, other days."""

from __future__ import annotations

from datetime import time, timedelta

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.services import appointments
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.seances import child_seances
from cocon_desktop.ui.formatting import long_date
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.today_view import TodayView
from tests.ui.child_helpers import TODAY, make_child
from tests.ui.seance_helpers import prescribed_child, seances_window, sessions_used


def statuses(view: TodayView) -> list[str]:
    return [view.model.cell(row, 3) for row in range(view.model.rowCount())]


def day_window(qtbot: QtBot, practice: Practice) -> tuple[MainWindow, TodayView, int, int]:
    zorro = prescribed_child(practice)
    lina = prescribed_child(practice, last_name="Mercier", first_name="Lina", inclusion="RPO-0100")
    appointments.plan(practice.sessions, lina, TODAY, time(14, 0))  # planned first, shown second
    appointments.plan(practice.sessions, zorro, TODAY, time(9, 30))
    window = seances_window(qtbot, practice)
    return window, window.seances_page.today_view, zorro, lina


def test_appointments_in_time_order_with_their_status(qtbot: QtBot, practice: Practice) -> None:
    _, view, _, _ = day_window(qtbot, practice)
    assert view.day_label.text() == f"Aujourd'hui, {long_date(TODAY)}"
    assert [view.model.cell(r, 0) for r in range(2)] == ["09:30 – 10:15", "14:00 – 14:45"]
    assert [view.model.cell(r, 1) for r in range(2)] == ["ZORRO Test", "MERCIER Lina"]
    assert statuses(view) == ["Prévu", "Prévu"]
    assert view.seances_title.text() == "Aucune séance enregistrée ce jour."
    assert view.table.currentIndex().row() == 0, "the first planned appointment is selected"


def test_p_marks_present_a_then_n_absent_and_ctrl_z_undoes(qtbot: QtBot, practice: Practice) -> None:
    window, view, zorro, lina = day_window(qtbot, practice)
    page = window.seances_page
    qtbot.keyClick(view.table, Qt.Key.Key_P)
    assert statuses(view) == ["Présent", "Prévu"]
    assert sessions_used(practice, zorro) == 1
    [seance] = child_seances(practice.sessions, zorro)
    assert seance.billing_state == "a_facturer" and seance.data.start == time(9, 30)
    assert view.seances_model.rowCount() == 1 and view.seances_model.cell(0, 4) == "À facturer"
    assert view.table.currentIndex().row() == 1, "the next appointment is selected"
    assert page.undo_button.isVisible()
    assert page.undo_button.text() == f"Annuler : Présent — ZORRO Test, {TODAY:%d/%m/%Y} 09:30 (Ctrl+Z)"

    qtbot.keyClick(view.table, Qt.Key.Key_A)
    assert view.absence_prompt.isVisible()
    assert view.absence_question.text() == "Absence de MERCIER Lina : excusée (E) ou non excusée (N) ?"
    assert statuses(view) == ["Présent", "Prévu"], "nothing is recorded before E or N"
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    assert not view.absence_prompt.isVisible()
    assert statuses(view) == ["Présent", "Absent (non excusé)"]
    [absence] = child_seances(practice.sessions, lina)
    assert absence.data.kind == "absence_non_excusee" and absence.billing_state == "non_facturable"
    assert view.seances_model.cell(1, 4) == "Non facturable — hors forfait"
    assert view.seances_title.text() == "Séances enregistrées ce jour : 2 (1 à facturer, 1 non facturable)"

    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert statuses(view) == ["Présent", "Prévu"]
    assert child_seances(practice.sessions, lina) == []
    assert not page.undo_button.isVisible(), "one step of undo"
    assert page.message.text() == f"Annulé : Absent (non excusé) — MERCIER Lina, {TODAY:%d/%m/%Y} 14:00."


def test_e_is_ignored_until_a_is_pressed_and_escape_goes_back(qtbot: QtBot, practice: Practice) -> None:
    _, view, zorro, _ = day_window(qtbot, practice)
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert statuses(view) == ["Prévu", "Prévu"]
    qtbot.keyClick(view.table, Qt.Key.Key_A)
    qtbot.keyClick(view.table, Qt.Key.Key_Escape)
    assert not view.absence_prompt.isVisible()
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    assert statuses(view) == ["Prévu", "Prévu"]
    qtbot.keyClick(view.table, Qt.Key.Key_A)
    qtbot.mouseClick(view.absence_prompt.findChild(type(view.present_button), "absence_excused"),
                     Qt.MouseButton.LeftButton)
    assert statuses(view) == ["Absent (excusé)", "Prévu"]
    assert [s.data.kind for s in child_seances(practice.sessions, zorro)] == ["absence_excusee"]


def test_present_without_prescription_says_why_and_offers_hors_forfait(qtbot: QtBot,
                                                                       practice: Practice) -> None:
    child_id = make_child(practice, last_name="Sansordo", first_name="Noe", inclusion_number="RPO-0200")
    appointments.plan(practice.sessions, child_id, TODAY, time(11, 0))
    window = seances_window(qtbot, practice)
    page, view = window.seances_page, window.seances_page.today_view
    view.present_button.click()
    assert statuses(view) == ["Prévu"], "nothing recorded"
    assert child_seances(practice.sessions, child_id) == []
    reason = page.bar.shown_text()
    assert "SANSORDO Noe" in reason and "ne peut pas être facturée au réseau" in reason
    assert "Aucune prescription valide à cette date pour cet enfant dans votre discipline." in reason

    qtbot.mouseClick(page.bar.record_button, Qt.MouseButton.LeftButton)
    assert statuses(view) == ["Présent"]
    [seance] = child_seances(practice.sessions, child_id)
    assert seance.data.out_of_forfait and seance.billing_state == "non_facturable"
    assert page.bar.shown_text() == ""
    assert "(hors forfait)" in page.message.text()


def test_other_days_with_alt_arrows_and_back_to_today(qtbot: QtBot, practice: Practice) -> None:
    _, view, zorro, _ = day_window(qtbot, practice)
    tomorrow = TODAY + timedelta(days=1)
    appointments.plan(practice.sessions, zorro, tomorrow, time(16, 15))
    qtbot.keyClick(view.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.day == tomorrow
    assert view.day_label.text() == long_date(tomorrow).capitalize()
    assert [view.model.cell(0, 0)] == ["16:15 – 17:00"]
    qtbot.mouseClick(view.today_button, Qt.MouseButton.LeftButton)
    assert view.day == TODAY and view.model.rowCount() == 2
    qtbot.mouseClick(view.previous_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 0 and view.empty.isVisible()


def test_overlapping_appointments_are_marked(qtbot: QtBot, practice: Practice) -> None:
    _, view, _, _ = day_window(qtbot, practice)
    other = make_child(practice, last_name="Colin", first_name="Zoe", inclusion_number="RPO-0300")
    appointments.plan(practice.sessions, other, TODAY, time(10, 0))  # 10:00 overlaps 09:30–10:15
    view.reload()
    assert [view.model.cell(r, 4) for r in range(3)] == ["⚠ chevauchement", "⚠ chevauchement", ""]
