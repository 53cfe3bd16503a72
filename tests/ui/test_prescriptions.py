"""Prescriptions in the child's file: the dialog, its errors, the forfait gauge, the scan viewer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import list_prescriptions
from cocon_desktop.ui.dialogs.prescription_dialog import PrescriptionDialog
from cocon_desktop.ui.formatting import money
from cocon_desktop.ui.pages.child_file import ChildFile
from tests.ui.child_helpers import TODAY, children_window, make_child, small_pdf


def open_file(qtbot: QtBot, practice: Practice) -> tuple[ChildFile, int]:
    child_id = make_child(practice)  # RPO, 200 days old
    page = children_window(qtbot, practice).children_page
    page.open_child(child_id)
    page.file.tabs.setCurrentIndex(2)
    return page.file, child_id


def new_prescription(file: ChildFile) -> PrescriptionDialog:
    file.new_prescription_button.click()
    dialog = file.prescription_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_dialog_proposes_the_forfait_of_the_childs_age_and_its_sessions(qtbot: QtBot,
                                                                        practice: Practice) -> None:
    file, _ = open_file(qtbot, practice)
    assert file.no_prescription.isVisible()
    dialog = new_prescription(file)
    assert dialog.discipline.currentData() == "orthophonie", "the practice's own discipline"
    assert dialog.forfait.currentData() == "precoce_0_24"
    assert dialog.forfait.currentText() == "Forfait de soins précoces 0–24 mois"
    assert dialog.sessions_spin.value() == 35
    assert dialog.prescribed_on.text() == TODAY.strftime("%d/%m/%Y")


def test_end_before_start_refused_at_the_field(qtbot: QtBot, practice: Practice) -> None:
    file, child_id = open_file(qtbot, practice)
    dialog = new_prescription(file)
    dialog.valid_until.setText((TODAY - timedelta(days=10)).strftime("%d/%m/%Y"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.field_text("valid_until") == "La fin de validité précède son début."
    assert dialog.valid_until.text() == (TODAY - timedelta(days=10)).strftime("%d/%m/%Y")
    assert list_prescriptions(practice.sessions, child_id) == []


def test_missing_end_date_is_required(qtbot: QtBot, practice: Practice) -> None:
    file, child_id = open_file(qtbot, practice)
    dialog = new_prescription(file)
    dialog.save()
    assert dialog.field_text("valid_until") == "Champ obligatoire."
    assert list_prescriptions(practice.sessions, child_id) == []


def test_valid_prescription_with_a_pdf_scan_shows_its_gauge_and_opens(qtbot: QtBot, practice: Practice,
                                                                     tmp_path: Path) -> None:
    file, child_id = open_file(qtbot, practice)
    dialog = new_prescription(file)
    dialog.valid_until.setText((TODAY + timedelta(days=300)).strftime("%d/%m/%Y"))
    dialog.sessions_spin.setValue(30)
    dialog.attach(small_pdf(tmp_path / "ordonnance.pdf"))
    assert dialog.scan_label.text() == "ordonnance.pdf"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    [record] = list_prescriptions(practice.sessions, child_id)
    assert record.data.sessions_authorised == 30 and record.document_name == "ordonnance.pdf"
    [card] = file.cards
    qtbot.waitUntil(card.isVisible)
    assert not file.no_prescription.isVisible()
    assert not card.warnings.isVisible()
    assert (card.gauge.value(), card.gauge.maximum()) == (0, 30)
    assert card.gauge.text() == "0 / 30 séances"
    total = money(Decimal("39.00") * 30 + Decimal("140.00"))
    assert total == "1\u202f310,00\xa0€"
    assert f"Reste : {total} sur {total}" in card.amounts.text()
    assert f"valable du {TODAY.strftime('%d/%m/%Y')}" in card.origin.text()
    assert file.documents.count() == 1 and "ordonnance.pdf" in file.documents.item(0).text()

    qtbot.mouseClick(card.view_button, Qt.MouseButton.LeftButton)
    viewer = file.viewer
    assert viewer is not None and viewer.isVisible()
    qtbot.waitUntil(viewer.is_ready, timeout=3000)
    assert viewer.page_count() == 1
    assert viewer.pdf_view is not None
    viewer.close()


def test_image_scan_opens_from_the_documents_tab(qtbot: QtBot, practice: Practice, tmp_path: Path) -> None:
    file, _ = open_file(qtbot, practice)
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    path = tmp_path / "scan.png"
    assert image.save(str(path))
    dialog = new_prescription(file)
    dialog.valid_until.setText((TODAY + timedelta(days=100)).strftime("%d/%m/%Y"))
    dialog.attach(path)
    dialog.save()
    file.tabs.setCurrentIndex(4)
    file.documents.itemActivated.emit(file.documents.item(0))
    viewer = file.viewer
    assert viewer is not None and viewer.is_ready() and viewer.image is not None
    assert viewer.image.pixmap().width() == 120


def test_forfait_warning_is_shown_on_the_card(qtbot: QtBot, practice: Practice) -> None:
    file, _ = open_file(qtbot, practice)
    dialog = new_prescription(file)
    dialog.valid_until.setText((TODAY + timedelta(days=12)).strftime("%d/%m/%Y"))
    dialog.save()
    [card] = file.cards
    qtbot.waitUntil(card.isVisible)
    assert card.warnings.isVisible()
    assert "dans 12 jours" in card.warnings.text()


def test_sessions_typed_are_kept_when_the_start_date_changes(qtbot: QtBot, practice: Practice) -> None:
    file, _ = open_file(qtbot, practice)
    dialog = new_prescription(file)
    dialog.sessions_spin.setValue(12)
    dialog.valid_from.line.clear()
    qtbot.keyClicks(dialog.valid_from.line, (TODAY - timedelta(days=3)).strftime("%d/%m/%Y"))
    assert dialog.forfait.currentData() == "precoce_0_24"
    assert dialog.sessions_spin.value() == 12
