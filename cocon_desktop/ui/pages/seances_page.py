"""Séances: « Aujourd'hui » and « Agenda », with what both share: the message line, the "hors forfait"
choice when a séance cannot be billed, and the undo of the last action (Ctrl+Z)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from cocon_desktop.services.changes import Changes
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.pages.agenda_view import AgendaView
from cocon_desktop.ui.pages.today_view import TodayView
from cocon_desktop.ui.seance_actions import PendingMark, SeanceActions, describe
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.out_of_forfait_bar import OutOfForfaitBar


class SeancesPage(QWidget):
    # ui/views.py: what this page shows; it reads again after a write that changed any of it
    SHOWS = Changes.SEANCES | Changes.APPOINTMENTS | Changes.CHILDREN | Changes.PRESCRIPTIONS | Changes.INVOICES

    quick_entry_requested = Signal()

    def __init__(self, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.today = runner, today
        self.practice: Practice | None = None
        self.seance_actions = SeanceActions(self.current_practice, runner, self)
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        heading = QLabel(tr("Séances"), self)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        top.addWidget(heading)
        top.addStretch(1)
        self.undo_button = QPushButton(self)
        self.undo_button.setObjectName("undo_last")
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.clicked.connect(self.seance_actions.undo)
        self.undo_button.setVisible(False)
        top.addWidget(self.undo_button)
        layout.addLayout(top)
        self.message = QLabel(self)
        self.message.setObjectName("seances_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.bar = OutOfForfaitBar(self)
        self.bar.accepted.connect(self.seance_actions.retry_out_of_forfait)
        self.bar.dismissed.connect(self.seance_actions.drop_pending)
        layout.addWidget(self.bar)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("seances_tabs")
        self.today_view = TodayView(self.current_practice, runner, self.seance_actions, today, self.tabs)
        self.today_view.quick_entry_requested.connect(self.quick_entry_requested)
        self.tabs.addTab(self.today_view, tr("Aujourd'hui"))
        self.agenda = AgendaView(self.current_practice, runner, self.seance_actions, today, self.tabs)
        self.tabs.addTab(self.agenda, tr("Agenda"))
        layout.addWidget(self.tabs, 1)
        self.setFocusProxy(self.today_view.table)

        undo = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        undo.setContext(Qt.ShortcutContext.WindowShortcut)  # while the page is shown
        undo.activated.connect(self.seance_actions.undo)
        self.seance_actions.done.connect(lambda text: self.say(text))
        self.seance_actions.failed.connect(lambda text: self.say(text, error=True))
        self.seance_actions.out_of_forfait_needed.connect(self._out_of_forfait)
        self.seance_actions.undo_changed.connect(self._show_undo)

    def current_practice(self) -> Practice | None:
        return self.practice

    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        """None while locked; after an unlock (reload=False) the views stay as they were."""
        self.practice = practice
        if practice is None:
            self.bar.setVisible(False)
            self.seance_actions.drop_pending()
        elif reload and self.isVisible():
            self.reload()

    def reload(self) -> None:
        """Both views read again (ui/views.py calls it after a write that changed what they show)."""
        self.today_view.reload()
        self.agenda.reload()

    def say(self, text: str, *, error: bool = False) -> None:
        self.bar.setVisible(False)  # an action came after the one that could not be billed
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setVisible(bool(text))

    def _out_of_forfait(self, pending: PendingMark) -> None:
        self.message.setVisible(False)
        self.bar.show_reason(pending.reason, describe(pending.row))

    def _show_undo(self, label: str) -> None:
        self.undo_button.setText(tr("Annuler : {0} (Ctrl+Z)").format(label) if label else "")
        self.undo_button.setToolTip(self.undo_button.text())
        self.undo_button.setVisible(bool(label))
