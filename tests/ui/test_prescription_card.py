"""A prescription corrected, renewed and deleted from its card in the child's file, and the séances it grants
bounded by the forfait at the field (issue 18, #3). The card's buttons are driven with the mouse and the keyboard;
the file follows each write through run_op's Changes (no signal between pages)."""

from __future__ import annotations

from datetime import time, timedelta

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import list_prescriptions
from cocon_desktop.services.seances import record_seance
from cocon_desktop.ui.dialogs.prescription_dialog import PrescriptionDialog
from cocon_desktop.ui.pages.child_file import ChildFile
from cocon_desktop.ui.widgets.forfait_card import ForfaitCard
from tests.ui.child_helpers import TODAY, children_window
from tests.ui.seance_helpers import prescribed_child

START = TODAY - timedelta(days=30)
END = TODAY + timedelta(days=300)


def open_file(qtbot: QtBot, practice: Practice, *, seance: bool = False) -> tuple[ChildFile, int]:
    child_id = prescribed_child(practice, sessions=30)
    if seance:
        record_seance(practice.sessions, SeanceData(child_id, TODAY - timedelta(days=7), time(10, 0)))
    page = children_window(qtbot, practice, active=True).children_page
    page.open_child(child_id)
    page.file.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: len(page.file.cards) == 1 and page.file.cards[0].isVisible())
    return page.file, child_id


def the_card(file: ChildFile) -> ForfaitCard:
    [card] = file.cards
    return card


def opened_dialog(file: ChildFile) -> PrescriptionDialog:
    dialog = file.prescription_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def type_sessions(qtbot: QtBot, dialog: PrescriptionDialog, value: str) -> None:
    dialog.sessions_spin.setFocus()
    dialog.sessions_spin.selectAll()
    qtbot.keyClicks(dialog.sessions_spin, value)


def test_999_sessions_refused_at_the_field_as_one_types(qtbot: QtBot, practice: Practice) -> None:
    file, child_id = open_file(qtbot, practice)
    file.new_prescription_button.click()
    dialog = opened_dialog(file)
    dialog.valid_until.setText(END.strftime("%d/%m/%Y"))
    type_sessions(qtbot, dialog, "999")
    assert dialog.sessions_spin.value() == 999
    assert dialog.field_text("sessions_authorised") == (
        "999 séances, c'est plus que le maximum de 70 (deux fois les 35 séances du forfait) : vérifiez le nombre "
        "sur l'ordonnance.")
    assert not dialog.boxes["over_forfait_reason"].isVisible()  # no reason makes 999 right
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and len(list_prescriptions(practice.sessions, child_id)) == 1


def test_above_the_forfait_a_reason_is_asked_then_kept_on_the_card(qtbot: QtBot, practice: Practice) -> None:
    file, child_id = open_file(qtbot, practice)
    file.new_prescription_button.click()
    dialog = opened_dialog(file)
    dialog.valid_from.setText((END + timedelta(days=1)).strftime("%d/%m/%Y"))
    dialog.valid_until.setText((END + timedelta(days=200)).strftime("%d/%m/%Y"))
    reason_row = dialog.boxes["over_forfait_reason"]
    assert not reason_row.isVisible()
    type_sessions(qtbot, dialog, "40")
    assert reason_row.isVisible()
    assert "au-delà des 35 séances du forfait" in dialog.field_text("sessions_authorised")
    qtbot.keyClick(dialog.sessions_spin, Qt.Key.Key_Return)  # Enter saves: refused, the reason is missing
    assert dialog.isVisible()
    assert dialog.field_text("over_forfait_reason").startswith("40 séances dépassent les 35 séances du forfait")
    qtbot.keyClicks(dialog.reason, "Accord du reseau du 02/01")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    first = list_prescriptions(practice.sessions, child_id)[0].data
    assert (first.sessions_authorised, first.over_forfait_reason) == (40, "Accord du reseau du 02/01")
    qtbot.waitUntil(lambda: len(file.cards) == 2)
    assert "Au-delà du forfait, motif : Accord du reseau du 02/01" in file.cards[0].details.text()


def test_edit_before_the_first_seance_changes_everything(qtbot: QtBot, practice: Practice) -> None:
    file, child_id = open_file(qtbot, practice)
    card = the_card(file)
    assert card.delete_button.isEnabled()
    qtbot.mouseClick(card.edit_button, Qt.MouseButton.LeftButton)
    dialog = opened_dialog(file)
    assert dialog.windowTitle() == "Modifier la prescription"
    assert (dialog.sessions_spin.value(), dialog.valid_until.text()) == (30, END.strftime("%d/%m/%Y"))
    assert dialog.sessions_spin.isEnabled() and not dialog.locked_note.isVisible()
    type_sessions(qtbot, dialog, "20")
    qtbot.keyClicks(dialog.note, "ordonnance recopiee")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [record] = list_prescriptions(practice.sessions, child_id)
    assert (record.data.sessions_authorised, record.data.note) == (20, "ordonnance recopiee")
    qtbot.waitUntil(lambda: the_card(file).gauge.text() == "0 / 20 séances")
    assert "Note : ordonnance recopiee" in the_card(file).details.text()


def test_after_the_first_seance_only_the_end_and_the_note(qtbot: QtBot, practice: Practice) -> None:
    file, child_id = open_file(qtbot, practice, seance=True)
    card = the_card(file)
    assert not card.delete_button.isEnabled() and "ne peut plus être supprimée" in card.delete_button.toolTip()
    qtbot.mouseClick(card.edit_button, Qt.MouseButton.LeftButton)
    dialog = opened_dialog(file)
    assert dialog.locked_note.isVisible()
    assert "1 séance est déjà comptée sur cette prescription" in dialog.locked_note.text()
    for editor in (dialog.sessions_spin, dialog.discipline, dialog.forfait, dialog.valid_from,
                   dialog.prescribed_on, dialog.bilan, dialog.prescriber):
        assert not editor.isEnabled()
    assert dialog.valid_until.isEnabled() and dialog.note.isEnabled()
    later = END + timedelta(days=60)
    dialog.valid_until.setText(later.strftime("%d/%m/%Y"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [record] = list_prescriptions(practice.sessions, child_id)
    assert (record.data.valid_until, record.data.sessions_authorised) == (later, 30)
    qtbot.waitUntil(lambda: later.strftime("%d/%m/%Y") in the_card(file).origin.text())


def test_renew_by_keyboard_starts_the_day_after(qtbot: QtBot, practice: Practice) -> None:
    file, child_id = open_file(qtbot, practice)
    card = the_card(file)
    file.new_prescription_button.setFocus()
    for _ in range(12):  # Tab from « Nouvelle prescription » reaches the card's buttons
        if QApplication.focusWidget() is card.renew_button:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is card.renew_button
    qtbot.keyClick(card.renew_button, Qt.Key.Key_Space)
    dialog = opened_dialog(file)
    assert dialog.windowTitle() == "Renouveler la prescription"
    start = END + timedelta(days=1)
    assert dialog.valid_from.text() == start.strftime("%d/%m/%Y")
    assert dialog.valid_until.text() == (start + (END - START)).strftime("%d/%m/%Y")
    assert dialog.discipline.currentData() == "orthophonie" and dialog.sessions_spin.value() == 35
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    records = list_prescriptions(practice.sessions, child_id)
    assert [r.data.valid_from for r in records] == [start, START]
    qtbot.waitUntil(lambda: len(file.cards) == 2)


def test_delete_asks_first_then_the_card_goes(qtbot: QtBot, practice: Practice) -> None:
    file, child_id = open_file(qtbot, practice)
    card = the_card(file)
    qtbot.mouseClick(card.delete_button, Qt.MouseButton.LeftButton)
    confirm = file.confirm
    assert confirm is not None and confirm.isVisible()
    assert confirm.defaultButton() is confirm.button(QMessageBox.StandardButton.No)
    qtbot.keyClick(confirm, Qt.Key.Key_Return)  # Enter keeps it: « Garder » is the default
    assert not confirm.isVisible() and len(list_prescriptions(practice.sessions, child_id)) == 1

    card.delete_button.setFocus()
    qtbot.keyClick(card.delete_button, Qt.Key.Key_Space)
    confirm = file.confirm
    assert confirm is not None and confirm.isVisible()
    qtbot.mouseClick(confirm.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert list_prescriptions(practice.sessions, child_id) == []
    qtbot.waitUntil(lambda: not file.cards and file.no_prescription.isVisible())
