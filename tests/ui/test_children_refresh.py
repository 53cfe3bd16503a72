"""Every write made from the children area reaches every view that shows its data, through the write's Changes
(ui/views.py), with no signal from the dialog or the file to the pages: the list, the open file, the Séances page
and the dashboard agree after a child is created, edited, prescribed for, seen, exported, imported or erased."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.models import Child
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.children import get_child
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.seances import child_seances, record_seance
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.children_page import ChildrenPage
from cocon_desktop.ui.widgets.prescriber_combo import NEW
from tests.ui.child_helpers import BASE, TODAY, children_window, make_child
from tests.ui.seance_helpers import prescribed_child, sessions_used


def names(page: ChildrenPage) -> list[str]:
    return [page.model.cell(row, 1) for row in page.model.rows]


def announced(window: MainWindow) -> list[Changes]:
    """What the writes run from now on announce (the window's runner tells every subscriber)."""
    seen: list[Changes] = []
    window.runner.subscribe(seen.append)
    return seen


def dashboard_lines(window: MainWindow) -> list[tuple[str, int | None]]:
    model = window.dashboard_page.model
    return [(item.kind, item.child_id) for row in range(model.rowCount()) if (item := model.item(row)) is not None]


def test_a_child_created_from_the_form_is_listed_and_the_dashboard_reads_again(qtbot: QtBot,
                                                                                 practice: Practice) -> None:
    make_child(practice)
    window = children_window(qtbot, practice)
    page, dashboard = window.children_page, window.dashboard_page
    assert names(page) == ["DUPONT Léa"] and not window.refresher.is_stale(dashboard), "the dashboard read at start"
    seen = announced(window)

    page.new_button.click()
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.set_values(replace(BASE, last_name="Martin", first_name="Noé", inclusion_number="RPO-0002", guardians=()))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible() and seen == [Changes.CHILDREN]
    assert page.stack.currentWidget() is page.file and page.file.title.text() == "MARTIN Noé", "the new file opens"
    page.show_list()
    assert names(page) == ["DUPONT Léa", "MARTIN Noé"] and page.count_label.text() == "2 enfants"
    assert window.refresher.is_stale(dashboard), "off screen: it reads when next shown"
    window.show_page("dashboard")
    assert not window.refresher.is_stale(dashboard)


def test_a_prescription_saved_from_the_file_shows_on_its_card_and_on_the_dashboard(qtbot: QtBot,
                                                                                     practice: Practice) -> None:
    child_id = make_child(practice)
    window = children_window(qtbot, practice)
    assert dashboard_lines(window) == []
    window.children_page.open_child(child_id)
    file = window.children_page.file
    file.tabs.setCurrentIndex(2)
    assert file.cards == []

    file.new_prescription_button.click()
    dialog = file.prescription_dialog
    assert dialog is not None
    dialog.valid_until.setText((TODAY + timedelta(days=12)).strftime("%d/%m/%Y"))  # ends within the month
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    [card] = file.cards
    assert card.gauge.text() == "0 / 35 séances" and "dans 12 jours" in card.warnings.text()
    window.show_page("dashboard")
    assert ("forfait_ending", child_id) in dashboard_lines(window), "the dashboard read the new forfait"


def test_a_seance_recorded_from_the_file_moves_its_gauge_and_is_on_the_seances_page(qtbot: QtBot,
                                                                                      practice: Practice) -> None:
    child_id = prescribed_child(practice, sessions=10)
    window = children_window(qtbot, practice)
    window.show_page("seances")
    day_seances = window.seances_page.today_view.seances_model
    assert day_seances.rows == []
    window.show_page("children")
    window.children_page.open_child(child_id)
    file = window.children_page.file
    file.tabs.setCurrentIndex(3)
    assert file.cards[0].gauge.text() == "0 / 10 séances" and file.seances.model.rowCount() == 0

    file.new_seance()
    dialog = file.seance_dialog
    assert dialog is not None and dialog.picker.child is not None and dialog.picker.child.id == child_id
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible() and sessions_used(practice, child_id) == 1
    assert file.seances.model.rowCount() == 1
    assert file.cards[0].gauge.text() == "1 / 10 séances"
    assert window.seances_page.undo_button.text().startswith("Annuler : saisie de la séance de ZORRO Test"), \
        "Ctrl+Z on the Séances page can still undo it"
    window.show_page("seances")
    assert [(row.inclusion_number, row.data.day) for row in day_seances.rows] == [("RPO-0099", TODAY)]
    assert len(day_seances.rows) == file.cards[0].gauge.value(), "the file and the Séances page agree"


def test_a_child_edited_from_the_file_is_renamed_in_the_list_and_on_the_seances_page(qtbot: QtBot,
                                                                                       practice: Practice) -> None:
    child_id = prescribed_child(practice)
    record_seance(practice.sessions, SeanceData(child_id=child_id, day=TODAY, start=time(9, 0)))
    window = children_window(qtbot, practice)
    window.show_page("seances")
    day_seances = window.seances_page.today_view.seances_model
    assert [row.child_name for row in day_seances.rows] == ["ZORRO Test"]
    window.show_page("children")
    page = window.children_page
    page.open_child(child_id)
    page.file.edit()
    dialog = page.file.child_dialog
    assert dialog is not None
    last_name = dialog.editors["last_name"]
    assert isinstance(last_name, QLineEdit)
    last_name.setText("Durand")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible() and get_child(practice.sessions, child_id).data.last_name == "Durand"
    assert page.file.title.text() == "DURAND Test", "the open file read again"
    page.show_list()
    assert names(page) == ["DURAND Test"]
    window.show_page("seances")
    assert [row.child_name for row in day_seances.rows] == ["DURAND Test"]


def test_a_new_doctor_from_the_child_form_reaches_the_open_file(qtbot: QtBot, practice: Practice) -> None:
    child_id = make_child(practice)
    window = children_window(qtbot, practice)
    page = window.children_page
    page.open_child(child_id)
    assert page.file.content is not None and page.file.content.prescribers == {}
    seen = announced(window)
    page.file.edit()
    dialog = page.file.child_dialog
    assert dialog is not None
    combo = dialog.referent
    combo.activated.emit(combo.findData(NEW))
    doctor = combo.dialog
    assert doctor is not None
    doctor.lines["last_name"].setText("Achard")
    qtbot.mouseClick(doctor.save_button, Qt.MouseButton.LeftButton)

    assert not doctor.isVisible() and combo.currentText() == "Dr ACHARD" and seen == [Changes.PRESCRIBERS]
    dialog.reject()  # the child itself is not saved: the doctor is in the directory all the same
    assert list(page.file.content.prescribers.values()) == ["Dr ACHARD"], "the file read the directory again"


def test_an_export_enters_the_history_and_no_other_page_reads_again(qtbot: QtBot, practice: Practice,
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    child_id = make_child(practice)
    window = children_window(qtbot, practice)
    window.children_page.open_child(child_id)
    file = window.children_page.file
    assert file.history.table.rowCount() == 1
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "dossier.zip"), ""))
    seen = announced(window)
    file.privacy.export_action.trigger()

    assert (tmp_path / "dossier.zip").exists() and seen == [Changes.DOCUMENTS]
    assert file.history.table.rowCount() == 2
    assert file.history.table.item(0, 3).text() == "Dossier — export pour la famille"
    assert not window.refresher.is_stale(window.dashboard_page), "the dashboard shows no document"


def test_an_erased_child_is_shown_erased_in_the_list(qtbot: QtBot, practice: Practice) -> None:
    make_child(practice)
    with practice.sessions.begin() as session:  # a file closed long ago: its retention period is over
        now = datetime.now(UTC)
        session.add(Child(last_name="Ancien", first_name="Paul", birth_date=date(1996, 5, 2), sex="M",
                          gestational_weeks=31, inclusion_number="RPO-2003-0001", network="RPO",
                          search_key="ancien paul", exit_date=date(2003, 6, 30), created_at=now, updated_at=now))
    window = children_window(qtbot, practice)
    page = window.children_page
    page.active_only.setChecked(False)
    assert names(page) == ["ANCIEN Paul", "DUPONT Léa"]
    page.open_child(page.model.rows[0].id)
    seen = announced(window)
    page.file.privacy.erase_action.trigger()
    confirm = page.file.privacy.dialog
    assert confirm is not None
    confirm.typed.setText("RPO-2003-0001")
    qtbot.mouseClick(confirm.erase_button, Qt.MouseButton.LeftButton)

    assert len(seen) == 1 and Changes.CHILDREN in seen[0] and Changes.SEANCES in seen[0]
    assert page.file.title.text() == "A P" and "données effacées le" in page.file.subtitle.text()
    page.show_list()
    assert names(page) == ["A P", "DUPONT Léa"], "the list read again, its filters kept"
    assert window.refresher.is_stale(window.dashboard_page)


def test_children_imported_are_listed_and_the_dashboard_reads_again(qtbot: QtBot, practice: Practice) -> None:
    window = children_window(qtbot, practice)
    page = window.children_page
    assert page.count_label.text().startswith("Aucun enfant")
    page.import_button.click()
    dialog = page.import_dialog
    assert dialog is not None
    birth = (TODAY - timedelta(days=200)).strftime("%d/%m/%Y")
    dialog.load_bytes("liste.csv", "\r\n".join([
        "N° d'inclusion;Nom;Prénom;Né(e) le;Sexe;AG;Réseau",
        f"RPO-2025-0001;Lefèvre;Léa;{birth};Fille;28+3;RPO",
        f"RPO-2025-0002;Martin;Noé;{birth};Garçon;30;RPO"]).encode("utf-8"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert dialog.import_done
    assert names(page) == ["LEFÈVRE Léa", "MARTIN Noé"] and page.count_label.text() == "2 enfants"
    assert window.refresher.is_stale(window.dashboard_page)


def test_the_open_file_follows_a_seance_recorded_elsewhere(qtbot: QtBot, practice: Practice) -> None:
    child_id = prescribed_child(practice, sessions=10)
    window = children_window(qtbot, practice)
    window.children_page.open_child(child_id)
    file = window.children_page.file
    assert file.cards[0].gauge.text() == "0 / 10 séances"
    window.quick_seance()  # Ctrl+Shift+S over the open file: the file's child is chosen
    dialog = window.quick_dialog
    assert dialog is not None and dialog.picker.child is not None
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(child_seances(practice.sessions, child_id)) == 1
    assert file.cards[0].gauge.text() == "1 / 10 séances" and file.seances.model.rowCount() == 1
