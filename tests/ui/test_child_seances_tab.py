"""The child's file follows the séances: its Séances tab and its forfait gauges move wherever one is recorded."""

from __future__ import annotations

from datetime import time, timedelta

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import appointments
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.seances import child_seances, record_seance
from tests.ui.child_helpers import TODAY
from tests.ui.seance_helpers import prescribed_child, seances_window


def test_pointing_present_moves_the_gauge_of_the_open_file(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice, sessions=10)
    record_seance(practice.sessions, SeanceData(child_id=child_id, day=TODAY - timedelta(days=7), start=time(9, 0),
                                                place="domicile"))
    record_seance(practice.sessions, SeanceData(child_id=child_id, day=TODAY - timedelta(days=3), start=time(9, 0),
                                                kind="rcp", out_of_forfait=True))
    appointments.plan(practice.sessions, child_id, TODAY, time(17, 0))
    window = seances_window(qtbot, practice)
    window.show_page("children")
    window.children_page.open_child(child_id)
    file = window.children_page.file
    file.tabs.setCurrentIndex(3)
    tab = file.seances
    assert tab.summary.text() == "2 séances enregistrées : 1 à facturer, 1 hors forfait."
    assert [tab.model.cell(r, 0) for r in range(2)] == [f"{TODAY - timedelta(days=3):%d/%m/%Y}",
                                                        f"{TODAY - timedelta(days=7):%d/%m/%Y}"], "newest first"
    assert [tab.model.cell(r, 2) for r in range(2)] == ["RCP (réunion de concertation)", "Séance"]
    assert [tab.model.cell(r, 4) for r in range(2)] == ["Cabinet", "Domicile"]
    assert [tab.model.cell(r, 5) for r in range(2)] == ["Non facturable — hors forfait", "À facturer"]
    file.tabs.setCurrentIndex(2)
    assert file.cards[0].gauge.text() == "1 / 10 séances"

    window.show_page("seances")
    qtbot.keyClick(window.seances_page.today_view.table, Qt.Key.Key_P)
    window.show_page("children")
    assert file.cards[0].gauge.text() == "2 / 10 séances"
    assert tab.model.rowCount() == 3 and tab.model.cell(0, 1) == "17:00"


def test_a_seance_typed_from_the_file_needs_only_enter(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice)
    window = seances_window(qtbot, practice)
    window.show_page("children")
    window.children_page.open_child(child_id)
    file = window.children_page.file
    file.tabs.setCurrentIndex(3)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.quick_dialog
    assert dialog is not None and dialog.picker.child is not None
    assert dialog.picker.child.display_name == "ZORRO Test", "the child of the open file is chosen"
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert len(child_seances(practice.sessions, child_id)) == 1
    assert file.seances.model.rowCount() == 1
    assert window.seances_page.undo_button.text().startswith("Annuler : saisie de la séance de ZORRO Test")

