"""Enfants: search as you type, filters, the count, paging through a long list, opening a file."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import save_prescription
from cocon_desktop.ui.itemmodels.children_model import PAGE_SIZE
from cocon_desktop.ui.pages.children_page import ChildrenPage
from tests.ui.child_helpers import TODAY, children_window, make_child


def names(page: ChildrenPage) -> list[str]:
    return [page.model.cell(row, 1) for row in page.model.rows]


def three_children(practice: Practice) -> None:
    make_child(practice)
    make_child(practice, last_name="Durand", first_name="Noah", inclusion_number="RPM-0002", network="RPM",
               birth_date=TODAY - timedelta(days=400), gestational_weeks=39)
    make_child(practice, last_name="Martin", first_name="Inès", inclusion_number="RPNA-0003", network="RPNA",
               birth_date=TODAY - timedelta(days=90))


def test_search_as_you_type_after_a_pause(qtbot: QtBot, practice: Practice) -> None:
    three_children(practice)
    page = children_window(qtbot, practice).children_page
    assert names(page) == ["DUPONT Léa", "DURAND Noah", "MARTIN Inès"]
    assert page.count_label.text() == "3 enfants"

    qtbot.keyClicks(page.search, "dur")
    assert page.model.rowCount() == 3, "nothing is searched while typing"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert names(page) == ["DURAND Noah"]
    assert page.count_label.text() == "1 enfant"

    page.search.clear()
    qtbot.keyClicks(page.search, "lea")  # accents do not matter
    qtbot.waitUntil(lambda: names(page) == ["DUPONT Léa"], timeout=2000)

    page.search.clear()
    qtbot.keyClicks(page.search, "rpna-0003")  # the inclusion number
    qtbot.waitUntil(lambda: names(page) == ["MARTIN Inès"], timeout=2000)

    page.search.clear()
    qtbot.keyClicks(page.search, "zzz")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=2000)
    assert page.count_label.text() == "Aucun enfant ne correspond."


def test_search_by_birth_date_typed_the_french_way(qtbot: QtBot, practice: Practice) -> None:
    three_children(practice)
    page = children_window(qtbot, practice).children_page
    birth = TODAY - timedelta(days=400)
    qtbot.keyClicks(page.search, birth.strftime("%d/%m/%Y"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert names(page) == ["DURAND Noah"]
    assert page.model.cell(page.model.rows[0], 2) == birth.strftime("%d/%m/%Y")


def test_network_and_active_filters(qtbot: QtBot, practice: Practice) -> None:
    three_children(practice)
    make_child(practice, last_name="Bernard", first_name="Jade", inclusion_number="RPM-0004", network="RPM",
               exit_date=TODAY - timedelta(days=5), exit_reason="relais_camsp")
    page = children_window(qtbot, practice).children_page
    assert page.active_only.isChecked()
    assert "BERNARD Jade" not in names(page), "a child who left the pathway is hidden by default"

    page.network.setCurrentIndex(page.network.findData("RPM"))
    assert names(page) == ["DURAND Noah"]
    page.active_only.setChecked(False)
    assert names(page) == ["BERNARD Jade", "DURAND Noah"]
    left = page.model.rows[0]
    assert page.model.cell(left, 5) == f"Sorti le {(TODAY - timedelta(days=5)).strftime('%d/%m/%Y')}"
    assert page.model.cell(page.model.rows[1], 5) == "Actif"
    assert page.count_label.text() == "2 enfants"


def test_discipline_and_alerts_filters(qtbot: QtBot, practice: Practice) -> None:
    three_children(practice)
    dupont = 1
    save_prescription(practice.sessions, PrescriptionData(
        child_id=dupont, discipline="orthophonie", forfait_kind="precoce_0_24", sessions_authorised=20,
        valid_from=TODAY - timedelta(days=60), valid_until=TODAY + timedelta(days=10),
        prescribed_on=TODAY - timedelta(days=61)), TODAY)  # ends within 30 days: a warning
    page = children_window(qtbot, practice).children_page
    page.discipline.setCurrentIndex(page.discipline.findData("orthophonie"))
    assert names(page) == ["DUPONT Léa"]
    page.discipline.setCurrentIndex(0)
    assert len(names(page)) == 3
    page.alerts.setChecked(True)
    assert names(page) == ["DUPONT Léa"]


def test_corrected_age_shown_for_a_premature_baby(qtbot: QtBot, practice: Practice) -> None:
    three_children(practice)
    page = children_window(qtbot, practice).children_page
    ages = {page.model.cell(row, 1): page.model.cell(row, 3) for row in page.model.rows}
    assert "âge corrigé" in ages["DUPONT Léa"]  # born at 30 SA, 200 days ago
    assert "âge corrigé" not in ages["DURAND Noah"]  # born at term


def test_long_list_is_read_a_page_at_a_time(qtbot: QtBot, practice: Practice) -> None:
    for index in range(450):
        make_child(practice, last_name=f"Enfant{index:03d}", first_name="Test", inclusion_number=f"P-{index:04d}",
                   guardians=())
    page = children_window(qtbot, practice).children_page
    model = page.model
    assert model.rowCount() == PAGE_SIZE
    assert page.count_label.text() == "450 enfants"
    assert model.canFetchMore()

    page.table.scrollToBottom()  # the view asks for the next page when its end is reached
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE, timeout=3000)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 450, timeout=3000)
    assert not model.canFetchMore()
    shown = names(page)
    assert shown == sorted(shown) and len(set(shown)) == 450, "pages follow the order, without repeats"


def test_enter_opens_the_file_and_back_returns_to_the_list(qtbot: QtBot, practice: Practice) -> None:
    three_children(practice)
    page = children_window(qtbot, practice).children_page
    qtbot.keyClicks(page.search, "martin")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # a single match: its file opens
    assert page.stack.currentWidget() is page.file
    assert page.file.title.text() == "MARTIN Inès"
    assert "N° d'inclusion RPNA-0003" in page.file.subtitle.text()
    qtbot.mouseClick(page.file.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is page.list_panel

    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.file
    assert page.file.title.text() == "MARTIN Inès"


def test_ctrl_f_focuses_the_search(qtbot: QtBot, practice: Practice) -> None:
    window = children_window(qtbot, practice, active=True)
    window.show_page("dashboard")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.children_page
    assert window.children_page.search.hasFocus()


def test_in_the_background_only_the_last_search_is_shown(qtbot: QtBot, practice: Practice) -> None:
    from cocon_desktop.services.children import ChildQuery
    from cocon_desktop.ui.itemmodels.children_model import ChildrenModel
    from cocon_desktop.ui.tasks import ThreadPoolRunner

    three_children(practice)
    runner = ThreadPoolRunner()
    model = ChildrenModel(lambda: practice, runner, lambda: TODAY)
    model.set_query(ChildQuery(text="dupont"))
    model.set_query(ChildQuery(text="martin"))  # typed on before the first answer came back
    qtbot.waitUntil(lambda: model.total == 1 and model.rowCount() == 1, timeout=3000)
    runner.wait()
    qtbot.wait(50)  # the first query's answer, if late, must not replace the second's
    assert [row.last_name for row in model.rows] == ["Martin"]
