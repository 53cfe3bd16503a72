"""Children with (or without) a valid orthophonie prescription, a main window on the Séances page, keys counted."""

from __future__ import annotations

from datetime import date, timedelta

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.services.forfaits import child_forfaits
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import save_prescription
from cocon_desktop.ui.main_window import MainWindow
from tests.ui.child_helpers import TODAY, children_window, make_child


def prescribed_child(practice: Practice, last_name: str = "Zorro", first_name: str = "Test",
                     inclusion: str = "RPO-0099", sessions: int = 30, discipline: str = "orthophonie") -> int:
    """A child (200 days old, RPO) with a prescription valid from a month ago, in the practice's discipline."""
    child_id = make_child(practice, last_name=last_name, first_name=first_name, inclusion_number=inclusion)
    save_prescription(practice.sessions, PrescriptionData(
        child_id=child_id, discipline=discipline, forfait_kind="precoce_0_24", sessions_authorised=sessions,
        valid_from=TODAY - timedelta(days=30), valid_until=TODAY + timedelta(days=300),
        prescribed_on=TODAY - timedelta(days=31)), TODAY)
    return child_id


def sessions_used(practice: Practice, child_id: int) -> int:
    return sum(line.status.sessions_used for line in child_forfaits(practice.sessions, child_id, TODAY))


def seances_window(qtbot: QtBot, practice: Practice) -> MainWindow:
    window = children_window(qtbot, practice, active=True)
    window.show_page("seances")
    return window


def this_week_day(weekday: int) -> date:
    """Monday (0) … Sunday (6) of the current week."""
    return TODAY - timedelta(days=TODAY.weekday()) + timedelta(days=weekday)


class Keyboard:
    """Keys sent where the focus is, as a user types them, and counted."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot, self.count = qtbot, 0

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        target = QApplication.focusWidget()
        assert target is not None, "no widget has the keyboard focus"
        self.qtbot.keyClick(target, key, modifiers)
        self.count += 1
