"""« Relais vers une PCO » from the child's file (issue 22, S4): the button only for a practice working with PCO-TND,
the dialog driven with the keyboard and the mouse, a refusal at its field with what was typed kept, then the relay
and the file read again (COCON closed the day before, the PCO forfait shown)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop import settings
from cocon_desktop.domain.payers import PayerData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import payers, prescriptions, seances, settings_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import list_prescriptions
from tests.pco_samples import psychomotricienne
from tests.ui.child_helpers import TODAY, children_window, make_child


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    with psychomotricienne(data_dir, recovery) as opened:
        yield opened


def _child(practice: Practice) -> int:
    child_id = make_child(practice, network="RPM", inclusion_number="RPM-2026-0001",
                          inclusion_date=date(2026, 7, 1))
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=child_id, discipline="psychomotricite", forfait_kind="precoce_0_24", sessions_authorised=30,
        valid_from=date(2026, 9, 1), valid_until=date(2027, 2, 28), prescribed_on=date(2026, 8, 25)), TODAY)
    seances.record_seance(practice.sessions, SeanceData(child_id, date(2026, 10, 23), time(10, 0)))
    return child_id


def test_the_button_only_for_a_practice_with_pco_tnd(qtbot: QtBot, practice: Practice) -> None:
    child_id = _child(practice)
    window = children_window(qtbot, practice)
    window.children_page.open_child(child_id)
    assert not window.children_page.file.relay_button.isVisible()


def test_relay_typed_refused_at_its_field_then_done(qtbot: QtBot, practice: Practice) -> None:
    settings_store.put(practice.sessions, settings.PATHWAYS, "cocon,pco-tnd")
    payers.add_payer(practice.sessions, "pco-tnd", PayerData(
        name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux"))
    child_id = _child(practice)
    window = children_window(qtbot, practice, active=True)
    window.children_page.open_child(child_id)
    file = window.children_page.file
    assert file.relay_button.isVisible()
    qtbot.mouseClick(file.relay_button, Qt.MouseButton.LeftButton)
    dialog = file.relay_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.payer.currentText() == "PCO-TND de la Gironde (PCO1)"
    qtbot.keyClicks(dialog.day.line, "01/07/2026")  # the inclusion's day: refused
    qtbot.keyClicks(dialog.reference, "PCO33-0042")
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.field_error("day") == "Le relais doit commencer après l'inclusion dans COCON (le 01/07/2026)."
    assert dialog.reference.text() == "PCO33-0042"
    assert len(list_prescriptions(practice.sessions, child_id)) == 1  # nothing written
    dialog.day.line.selectAll()
    qtbot.keyClicks(dialog.day.line, "20/10/2026")
    qtbot.keyClick(dialog.day.line, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    records = list_prescriptions(practice.sessions, child_id)
    assert sorted((r.data.valid_from, r.data.valid_until) for r in records) == [
        (date(2026, 9, 1), date(2026, 10, 19)), (date(2026, 10, 20), date(2027, 10, 19))]
    # the file read again from the write's Changes: the child at the PCO, two forfaits, each saying who pays it
    assert "relais vers PCO1 — PCO-TND de la Gironde depuis le 20/10/2026 (dossier PCO33-0042)" in \
        file.subtitle.text()
    assert "sortie du parcours" not in file.subtitle.text()
    assert len(file.cards) == 2
    assert sorted(card.origin.text().rsplit(" · ", 1)[1] for card in file.cards) == ["payé par PCO1",
                                                                                     "payé par RPM"]
