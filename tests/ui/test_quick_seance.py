"""Quick entry of a séance: a few letters, then at most five keys; why it cannot be billed; overlaps."""

from __future__ import annotations

from datetime import time, timedelta
from itertools import pairwise

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.seances import child_seances, record_seance
from cocon_desktop.ui.dialogs.quick_seance_dialog import QuickSeanceDialog
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import ThreadPoolRunner
from tests.ui.child_helpers import TODAY, make_child
from tests.ui.seance_helpers import Keyboard, prescribed_child, seances_window, sessions_used

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_quick_entry(qtbot: QtBot, window: MainWindow) -> QuickSeanceDialog:
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL_SHIFT)
    dialog = window.quick_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.picker.search, "the search field has the focus at once"
    return dialog


def test_recording_a_seance_takes_at_most_five_keys_after_the_name(qtbot: QtBot, practice: Practice) -> None:
    zorro = prescribed_child(practice)
    make_child(practice, last_name="Dupont", first_name="Zoé", inclusion_number="RPO-0002")  # also "zo…"
    window = seances_window(qtbot, practice)
    window.show_page("children")
    window.children_page.open_child(zorro)
    file = window.children_page.file
    file.tabs.setCurrentIndex(2)
    assert file.cards[0].gauge.text() == "0 / 30 séances"
    window.show_page("seances")

    dialog = open_quick_entry(qtbot, window)
    qtbot.keyClicks(dialog.picker.search, "zor")
    keys = Keyboard(qtbot)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Return):  # pick the match, save
        if child_seances(practice.sessions, zorro):
            break
        keys.press(key)
    print(f"keystrokes after the name: {keys.count}")
    assert keys.count <= 5
    [seance] = child_seances(practice.sessions, zorro)
    assert dialog.isVisible(), "the form stays open for the next séance"
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    data = seance.data
    assert (data.day, data.kind, data.duration_min, data.place) == (TODAY, "seance", 45, "cabinet")
    assert data.start.minute % 15 == 0 and seance.billing_state == "a_facturer"
    assert sessions_used(practice, zorro) == 1
    assert "ZORRO Test" in window.statusBar().currentMessage()

    page = window.seances_page
    assert page.undo_button.isVisible()
    assert page.undo_button.text().startswith("Annuler : saisie de la séance de ZORRO Test")
    window.show_page("children")
    assert file.cards[0].gauge.text() == "1 / 30 séances", "the open file's gauge moved"
    file.tabs.setCurrentIndex(3)
    assert file.seances.model.rowCount() == 1
    assert file.seances.model.cell(0, 5) == "À facturer"

    window.show_page("seances")
    window.activateWindow()  # the offscreen platform does not give it back when the dialog closes
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(page.today_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert child_seances(practice.sessions, zorro) == []
    assert not page.undo_button.isVisible()
    window.show_page("children")  # the undo's Changes marked the children page stale: it reads when shown
    assert file.cards[0].gauge.text() == "0 / 30 séances"


def test_without_prescription_says_why_and_records_it_hors_forfait(qtbot: QtBot, practice: Practice) -> None:
    # a prescription exists, but for psychomotricité: this practice is an orthophoniste's
    child_id = prescribed_child(practice, last_name="Sansordo", first_name="Noe", discipline="psychomotricite")
    window = seances_window(qtbot, practice)
    dialog = open_quick_entry(qtbot, window)
    qtbot.keyClicks(dialog.picker.search, "sanso")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    dialog.start.setText("8h30")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert child_seances(practice.sessions, child_id) == []
    reason = dialog.bar.shown_text()
    assert "ne peut pas être facturée au réseau" in reason
    assert "Aucune prescription valide à cette date pour cet enfant dans votre discipline." in reason
    assert dialog.picker.child is not None and dialog.picker.child.id == child_id, "the form keeps the child"
    assert dialog.start.text() == "8h30"

    qtbot.mouseClick(dialog.bar.record_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.picker.child is None, "recorded: the form waits for the next child"
    [seance] = child_seances(practice.sessions, child_id)
    assert seance.data.out_of_forfait and seance.data.start == time(8, 30)
    assert seance.billing_state == "non_facturable"
    today = window.seances_page.today_view
    assert today.seances_model.cell(0, 4) == "Non facturable — hors forfait"
    assert today.seances_title.text().startswith("Séances enregistrées ce jour : 1 (0 à facturer")


def test_overlap_is_shown_at_the_time_field_and_the_form_is_kept(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice)
    record_seance(practice.sessions, SeanceData(child_id=child_id, day=TODAY, start=time(10, 0)))
    window = seances_window(qtbot, practice)
    dialog = open_quick_entry(qtbot, window)
    qtbot.keyClicks(dialog.picker.search, "zorro")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.start, "after the child, the time is ready to be retyped"
    qtbot.keyClicks(dialog.start, "10:15")  # replaces the selected time
    dialog.note.setText("Jeux de souffle")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.field_text("start") == "Cet enfant a déjà une séance qui se chevauche avec celle-ci (à 10:00)."
    assert dialog.field_text("day") == ""
    assert (dialog.start.text(), dialog.note.text()) == ("10:15", "Jeux de souffle")
    assert dialog.picker.child is not None and dialog.picker.child.display_name == "ZORRO Test"
    assert len(child_seances(practice.sessions, child_id)) == 1

    dialog.start.setText("10:45")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    assert dialog.status.text().startswith("Séance enregistrée : ZORRO Test")
    assert [s.data.start for s in child_seances(practice.sessions, child_id)] == [time(10, 45), time(10, 0)]


def test_a_time_that_is_not_one_is_refused_at_its_field(qtbot: QtBot, practice: Practice) -> None:
    prescribed_child(practice)
    window = seances_window(qtbot, practice)
    dialog = open_quick_entry(qtbot, window)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)  # nothing typed: nothing picked, nothing saved
    assert dialog.isVisible() and dialog.picker.child is None
    dialog.save()
    assert dialog.field_text("child_id") == "Champ obligatoire."
    qtbot.keyClicks(dialog.picker.search, "zor")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.field_text("child_id") == ""
    dialog.start.setText("25h")
    dialog.save()
    assert dialog.field_text("start") == "Heure invalide : 25h (par exemple 09:30)."


def test_enter_typed_before_the_search_answers_still_picks(qtbot: QtBot, practice: Practice) -> None:
    """With the real background runner: Enter right after the letters waits for the matches, then picks."""
    child_id = prescribed_child(practice)
    runner = ThreadPoolRunner()
    dialog = QuickSeanceDialog(lambda: practice, runner, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.picker.search, "zor")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.picker.child is not None, timeout=5000)
    assert dialog.picker.child is not None and dialog.picker.child.id == child_id
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    assert runner.wait()
    assert len(child_seances(practice.sessions, child_id)) == 1


def test_down_then_enter_picks_the_second_match(qtbot: QtBot, practice: Practice) -> None:
    zorro = prescribed_child(practice)  # ZORRO Test, second in the list
    zorrino = prescribed_child(practice, last_name="Zorrino", first_name="Alba", inclusion="RPO-0101")
    window = seances_window(qtbot, practice)
    dialog = open_quick_entry(qtbot, window)
    qtbot.keyClicks(dialog.picker.search, "zor")
    keys = Keyboard(qtbot)
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Return):  # the second match, pick, save
        keys.press(key)
    assert keys.count <= 5
    assert child_seances(practice.sessions, zorrino) == []
    [seance] = child_seances(practice.sessions, zorro)
    assert seance.child_name == "ZORRO Test"


def test_the_form_stays_open_keeps_the_day_and_moves_the_time_on(qtbot: QtBot, practice: Practice) -> None:
    zorro = prescribed_child(practice)
    alba = prescribed_child(practice, last_name="Albaret", first_name="Alba", inclusion="RPO-0101")
    window = seances_window(qtbot, practice)
    dialog = open_quick_entry(qtbot, window)
    yesterday = TODAY - timedelta(days=1)
    dialog.day.set_value(yesterday)  # typing yesterday's séances
    qtbot.keyClicks(dialog.picker.search, "zor")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.start, "9h00")
    dialog.note.setText("Jeux de souffle")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    [first] = child_seances(practice.sessions, zorro)
    assert (first.data.day, first.data.start) == (yesterday, time(9, 0))

    assert dialog.isVisible() and "ZORRO Test" in dialog.status.text()
    assert dialog.day.value() == yesterday, "the day stays"
    assert dialog.start.text() == "09:45", "the time moved on by the séance's 45 minutes"
    assert dialog.picker.child is None and dialog.picker.search.text() == "" and dialog.note.text() == ""
    assert QApplication.focusWidget() is dialog.picker.search, "ready for the next child"
    keys = Keyboard(qtbot)
    for key in (Qt.Key.Key_A, Qt.Key.Key_L, Qt.Key.Key_B):
        keys.press(key)
    keys.press(Qt.Key.Key_Return)  # pick
    keys.press(Qt.Key.Key_Return)  # save
    [second] = child_seances(practice.sessions, alba)
    assert (second.data.day, second.data.start) == (yesterday, time(9, 45))
    assert dialog.isVisible() and dialog.start.text() == "10:30"
    assert "Séance enregistrée : ALBARET Alba" in window.statusBar().currentMessage()

    qtbot.keyClicks(dialog.picker.search, "zor")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save and close
    assert not dialog.isVisible()
    assert [s.data.start for s in child_seances(practice.sessions, zorro)] == [time(10, 30), time(9, 0)]


def test_tab_goes_from_field_to_field(qtbot: QtBot, practice: Practice) -> None:
    prescribed_child(practice)
    window = seances_window(qtbot, practice)
    dialog = open_quick_entry(qtbot, window)
    keys = Keyboard(qtbot)
    order = [dialog.picker.search, dialog.day.line, dialog.start, dialog.duration, dialog.kind, dialog.place,
             dialog.note]
    for current, following in pairwise(order):
        assert QApplication.focusWidget() is current
        keys.press(Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is following or (following is dialog.duration and focused is dialog.duration.lineEdit()), \
            f"Tab from {current.objectName() or current} went to {focused}"
    dialog.start.setFocus()
    keys.press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dialog.day.line, "Shift+Tab from Heure goes to the date, not the calendar"
    keys.press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dialog.picker.search


def test_a_seance_dated_in_the_future_is_asked_about(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice)
    window = seances_window(qtbot, practice)
    dialog = open_quick_entry(qtbot, window)
    qtbot.keyClicks(dialog.picker.search, "zor")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    dialog.day.line.selectAll()
    qtbot.keyClicks(dialog.day.line, "18/11/2030")  # 2030 for 2026
    qtbot.keyClick(dialog.day.line, Qt.Key.Key_Return)
    assert child_seances(practice.sessions, child_id) == [], "not recorded at the first Entrée"
    assert "après aujourd'hui" in dialog.field_text("day")
    assert "Appuyez de nouveau sur Entrée" in dialog.status.text()
    assert QApplication.focusWidget() is dialog.day.line
    qtbot.wait(10)
    layout = dialog.layout()
    assert layout is not None
    assert dialog.height() <= layout.totalHeightForWidth(dialog.width()) + 2, "the form grew more than needed"

    dialog.day.line.selectAll()
    qtbot.keyClicks(dialog.day.line, "18/12/2026")  # another future day (the prescription's): asked again
    assert dialog.field_text("day") == ""
    qtbot.keyClick(dialog.day.line, Qt.Key.Key_Return)
    assert child_seances(practice.sessions, child_id) == []
    qtbot.keyClick(dialog.day.line, Qt.Key.Key_Return)  # confirmed
    [seance] = child_seances(practice.sessions, child_id)
    assert seance.data.day == TODAY + timedelta(days=30)


def test_the_form_closes_up_when_the_refusal_panel_goes(qtbot: QtBot, practice: Practice) -> None:
    prescribed_child(practice, last_name="Sansordo", first_name="Noe", discipline="psychomotricite")
    window = seances_window(qtbot, practice)
    dialog = open_quick_entry(qtbot, window)
    before = dialog.height()
    qtbot.keyClicks(dialog.picker.search, "sanso")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    qtbot.wait(10)
    assert dialog.bar.isVisible() and dialog.height() > before
    qtbot.mouseClick(dialog.bar.drop_button, Qt.MouseButton.LeftButton)
    qtbot.wait(10)
    assert not dialog.bar.isVisible()
    assert dialog.height() <= before + 2, f"a blank where the panel was: {dialog.height()} px, {before} before"


def test_after_a_save_in_the_background_the_form_is_not_squeezed(qtbot: QtBot, practice: Practice) -> None:
    """With the real background runner the « Séance enregistrée » line comes after the form was measured."""
    prescribed_child(practice)
    runner = ThreadPoolRunner()
    dialog = QuickSeanceDialog(lambda: practice, runner, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.picker.search, "zor")
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.picker.child is not None, timeout=5000)
    dialog.start.setText("25h")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)  # refused: the form grows for the error
    dialog.start.setText("10h")
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    assert runner.wait()
    qtbot.wait(50)
    layout = dialog.layout()
    assert layout is not None and "Séance enregistrée" in dialog.status.text()
    needed = layout.totalHeightForWidth(dialog.width())
    assert dialog.height() >= needed - 2, f"squeezed: {dialog.height()} px for {needed} needed"
