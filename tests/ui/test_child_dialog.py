"""The child form: errors next to their field, everything typed kept, warnings not blocking, saving."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from cocon_desktop.services.children import ChildQuery, count_children, get_child
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescribers import list_prescribers
from cocon_desktop.ui.dialogs.child_dialog import ChildDialog
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.widgets.date_field import DateField
from cocon_desktop.ui.widgets.form_field import WARNING_STYLE
from tests.conftest import STRONG_PASSPHRASE
from tests.ui.child_helpers import TODAY, VALID_NIR, children_window, make_child

BIRTH = (TODAY - timedelta(days=120)).strftime("%d/%m/%Y")


def count(practice: Practice) -> int:
    return count_children(practice.sessions, ChildQuery(), TODAY)


def line(dialog: ChildDialog, name: str) -> QLineEdit:
    editor = dialog.editors[name]
    assert isinstance(editor, QLineEdit)
    return editor


def date_field(dialog: ChildDialog, name: str) -> DateField:
    editor = dialog.editors[name]
    assert isinstance(editor, DateField)
    return editor


def choose(dialog: ChildDialog, name: str, code: str) -> None:
    combo = dialog.editors[name]
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(code))


def open_dialog(qtbot: QtBot, practice: Practice) -> tuple[MainWindow, ChildDialog]:
    window = children_window(qtbot, practice, active=True)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.children_page.dialog
    assert dialog is not None and dialog.isVisible(), "Ctrl+N opens the form for a new child"
    return window, dialog


def fill(qtbot: QtBot, dialog: ChildDialog) -> None:
    """A valid child, with one guardian; accented text is set directly (keyClicks cannot type it)."""
    line(dialog, "last_name").setText("Lefèvre")
    line(dialog, "first_name").setText("Éloïse")
    date_field(dialog, "birth_date").setText(BIRTH)
    choose(dialog, "sex", "F")
    dialog.weeks.setText("29")
    dialog.days.setValue(3)
    dialog.weight.setText("1180")
    qtbot.keyClicks(line(dialog, "inclusion_number"), "RPO-2026-0042")
    choose(dialog, "network", "RPO")
    qtbot.mouseClick(dialog.guardians.add_button, Qt.MouseButton.LeftButton)
    card = dialog.guardians.cards[0]
    card.lines["last_name"].setText("Lefèvre")
    card.lines["first_name"].setText("Amélie")
    qtbot.keyClicks(card.lines["email"], "amelie@example.org")


def test_ctrl_n_and_invalid_nir_key_shown_at_the_nir_everything_kept(qtbot: QtBot, practice: Practice) -> None:
    _, dialog = open_dialog(qtbot, practice)
    fill(qtbot, dialog)
    qtbot.keyClicks(line(dialog, "nir"), VALID_NIR[:-1] + "7")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.field_text("nir") == "La clé de ce NIR ne correspond pas au numéro."
    assert dialog.field_text("last_name") == ""
    assert "rien n'a été enregistré" in dialog.status.text()
    assert count(practice) == 0
    assert line(dialog, "last_name").text() == "Lefèvre" and line(dialog, "first_name").text() == "Éloïse"
    assert date_field(dialog, "birth_date").text() == BIRTH
    assert (dialog.weeks.text(), dialog.days.value(), dialog.weight.text()) == ("29", 3, "1180")
    assert line(dialog, "inclusion_number").text() == "RPO-2026-0042"
    assert line(dialog, "nir").text() == VALID_NIR[:-1] + "7"
    card = dialog.guardians.cards[0]
    assert card.lines["first_name"].text() == "Amélie" and card.lines["email"].text() == "amelie@example.org"

    line(dialog, "nir").setText(VALID_NIR)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert count(practice) == 1


def test_gestational_age_45_refused_at_the_field(qtbot: QtBot, practice: Practice) -> None:
    _, dialog = open_dialog(qtbot, practice)
    fill(qtbot, dialog)
    dialog.weeks.setText("45")
    dialog.save()
    assert dialog.field_text("gestational_weeks") == ("Le terme de naissance doit être compris entre 22 et 42 "
                                                      "semaines d'aménorrhée.")
    assert dialog.weeks.text() == "45"
    assert count(practice) == 0


def test_impossible_date_and_guardian_email_at_their_fields(qtbot: QtBot, practice: Practice) -> None:
    _, dialog = open_dialog(qtbot, practice)
    fill(qtbot, dialog)
    qtbot.keyClicks(date_field(dialog, "consent_date").line, "31/02/2025")
    card = dialog.guardians.cards[0]
    card.lines["email"].setText("amelie@")
    dialog.save()
    assert dialog.field_text("consent_date") == "Date invalide : 31/02/2025."
    assert dialog.field_text("guardians[0].email") == "Adresse électronique invalide."
    assert date_field(dialog, "consent_date").text() == "31/02/2025"
    assert count(practice) == 0

    date_field(dialog, "consent_date").setText("")  # an optional date can be emptied
    card.lines["email"].setText("amelie@example.org")
    dialog.save()
    assert count(practice) == 1
    record = get_child(practice.sessions, 1)
    assert record.data.consent_date is None
    assert record.data.guardians[0].email == "amelie@example.org"


def test_valid_child_is_saved_and_listed(qtbot: QtBot, practice: Practice) -> None:
    window, dialog = open_dialog(qtbot, practice)
    fill(qtbot, dialog)
    for code in ("ag_lt_33", "rciu"):
        box = dialog.criteria[code]
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))  # on the box
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    page = window.children_page
    assert page.stack.currentWidget() is page.file, "the new child's file opens"
    assert page.file.title.text() == "LEFÈVRE Éloïse"
    page.show_list()
    assert [page.model.cell(row, 1) for row in page.model.rows] == ["LEFÈVRE Éloïse"]
    assert page.model.cell(page.model.rows[0], 0) == "RPO-2026-0042"
    data = get_child(practice.sessions, page.model.rows[0].id).data
    assert data.inclusion_criteria == ("ag_lt_33", "rciu")
    assert (data.gestational_weeks, data.gestational_days, data.birth_weight_g) == (29, 3, 1180)
    assert data.guardians[0].first_name == "Amélie"


def test_duplicate_child_refused_at_the_name(qtbot: QtBot, practice: Practice) -> None:
    make_child(practice, last_name="Lefèvre", first_name="Éloïse", birth_date=TODAY - timedelta(days=120))
    _, dialog = open_dialog(qtbot, practice)
    fill(qtbot, dialog)
    dialog.save()
    assert dialog.field_text("last_name") == "Un enfant de mêmes nom, prénom et date de naissance existe déjà."
    assert count(practice) == 1


def test_birth_before_the_pathway_warns_in_orange_without_blocking(qtbot: QtBot, practice: Practice) -> None:
    _, dialog = open_dialog(qtbot, practice)
    fill(qtbot, dialog)
    birth = date_field(dialog, "birth_date")
    birth.setText("15/08/2022")
    birth.line.editingFinished.emit()
    box = dialog.boxes["birth_date"]
    assert "vérifiez la date" in box.text
    assert box.message.styleSheet() == WARNING_STYLE
    dialog.save()
    assert not dialog.isVisible()
    assert count(practice) == 1


def test_new_doctor_from_the_referent_combo(qtbot: QtBot, practice: Practice) -> None:
    _, dialog = open_dialog(qtbot, practice)
    combo = dialog.referent
    combo.activated.emit(combo.count() - 1)  # "Nouveau médecin…"
    doctor = combo.dialog
    assert doctor is not None and doctor.isVisible()
    doctor.save()
    assert doctor.boxes["last_name"].text == "Champ obligatoire."
    doctor.lines["last_name"].setText("Achard")
    doctor.lines["first_name"].setText("Hélène")
    doctor.save()
    assert not doctor.isVisible()
    assert combo.currentText() == "Dr Hélène ACHARD"
    assert combo.value() == list_prescribers(practice.sessions)[0].id

    fill(qtbot, dialog)
    dialog.save()
    assert get_child(practice.sessions, 1).data.referent_id == combo.value()


def test_edit_keeps_guardian_ids_and_updates(qtbot: QtBot, practice: Practice) -> None:
    child_id = make_child(practice)
    window = children_window(qtbot, practice)
    page = window.children_page
    page.open_child(child_id)
    page.file.edit()
    dialog = page.file.child_dialog
    assert dialog is not None
    assert line(dialog, "last_name").text() == "Dupont"
    assert dialog.guardians.cards[0].lines["first_name"].text() == "Sarah"
    line(dialog, "first_name").setText("Léane")
    dialog.save()
    assert not dialog.isVisible()
    assert page.file.title.text() == "DUPONT Léane"
    record = get_child(practice.sessions, child_id)
    assert record.data.first_name == "Léane" and len(record.data.guardians) == 1


def test_form_survives_a_lock_and_saves_into_the_reopened_practice(qtbot: QtBot, practice: Practice) -> None:
    window, dialog = open_dialog(qtbot, practice)
    fill(qtbot, dialog)
    window.lock()
    assert not dialog.isVisible()
    assert window.children_page.current_practice() is None
    dialog.save()  # nothing can reach the database while locked
    panel = window.unlock_panel
    panel.passphrase.setText(STRONG_PASSPHRASE)
    qtbot.keyClick(panel.passphrase, Qt.Key.Key_Return)
    assert not window.is_locked and dialog.isVisible()
    assert line(dialog, "first_name").text() == "Éloïse"
    dialog.save()
    assert not dialog.isVisible()
    assert window.practice is not None and window.practice is not practice
    assert count_children(window.practice.sessions, ChildQuery(), TODAY) == 1
    window.close()
