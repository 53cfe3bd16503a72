"""« Aujourd'hui »: the day's appointments in time order, pointed with one key (P present, A then E/N absent),
and the séances recorded that day with their billing state. ← and → (Alt+←, Alt+→) change the day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.services import appointments, seances
from cocon_desktop.services.appointments import AppointmentRow
from cocon_desktop.services.seances import SeanceRow
from cocon_desktop.ui.formatting import long_date
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.itemmodels.appointments_model import AppointmentsModel
from cocon_desktop.ui.itemmodels.seances_model import DAY_COLUMNS, SeancesModel
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.seance_actions import SeanceActions
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

if TYPE_CHECKING:
    from cocon_desktop.services.practice_handle import Practice

DayContent = tuple[list[AppointmentRow], list[SeanceRow]]


def load_day(practice: Practice, day: date) -> DayContent:
    """Runs in the background."""
    return practice.read(appointments.between, day, day), practice.read(seances.seances_between, day, day)


def _table(parent: QWidget, name: str) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(tr("Rendez-vous du jour") if name == "today_appointments" else tr("Séances du jour"))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    table.horizontalHeader().setHighlightSections(False)
    return table


class TodayView(QWidget):
    quick_entry_requested = Signal()

    def __init__(self, practice: PracticeSource, runner: TaskRunner, actions: SeanceActions,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.seance_actions, self.today = practice, runner, actions, today
        self.day = today()
        self._advance_from: int | None = None  # after a mark, the next appointment is selected
        self.setObjectName("today_view")
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.previous_button = QPushButton("←", self)
        self.previous_button.setToolTip(tr("Jour précédent (Alt+←)"))
        self.previous_button.clicked.connect(lambda: self.show_day(self.day - timedelta(days=1)))
        self.today_button = QPushButton(tr("Aujourd'hui"), self)
        self.today_button.setToolTip(tr("Revenir à aujourd'hui (Alt+Origine)"))
        self.today_button.clicked.connect(lambda: self.show_day(self.today()))
        self.next_button = QPushButton("→", self)
        self.next_button.setToolTip(tr("Jour suivant (Alt+→)"))
        self.next_button.clicked.connect(lambda: self.show_day(self.day + timedelta(days=1)))
        for button in (self.previous_button, self.today_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays on the list
            top.addWidget(button)
        self.previous_button.setFixedWidth(44)
        self.next_button.setFixedWidth(44)
        self.day_label = QLabel(self)
        self.day_label.setObjectName("day_label")
        self.day_label.setStyleSheet("font-size: 14pt; font-weight: bold; padding-left: 8px;")
        top.addWidget(self.day_label, 1)
        layout.addLayout(top)

        self.model = AppointmentsModel(self)
        self.table = _table(self, "today_appointments")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        layout.addWidget(self.table, 3)
        self.empty = QLabel(tr("Aucun rendez-vous ce jour. Planifiez-les dans l'onglet « Agenda », ou saisissez "
                               "une séance faite avec Ctrl+Maj+S."), self)
        self.empty.setObjectName("today_empty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #555; padding: 6px;")
        layout.addWidget(self.empty)

        buttons = QHBoxLayout()
        self.present_button = QPushButton(tr("Présent (P)"), self)
        self.present_button.setObjectName("mark_present")
        self.present_button.clicked.connect(self.mark_present)
        self.absent_button = QPushButton(tr("Absent… (A)"), self)
        self.absent_button.setObjectName("mark_absent")
        self.absent_button.clicked.connect(self.ask_absence)
        self.quick_button = QPushButton(tr("Saisir une séance faite (Ctrl+Maj+S)"), self)
        self.quick_button.setObjectName("quick_entry")
        self.quick_button.clicked.connect(self.quick_entry_requested)
        for button in (self.present_button, self.absent_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.quick_button)
        layout.addLayout(buttons)
        layout.addWidget(self._absence_prompt())

        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.seances_title = QLabel(self)
        self.seances_title.setObjectName("day_seances_title")
        self.seances_title.setStyleSheet("font-weight: bold; padding-top: 6px;")
        layout.addWidget(self.seances_title)
        self.seances_model = SeancesModel(DAY_COLUMNS, self)
        self.seances_table = _table(self, "day_seances")
        self.seances_table.setModel(self.seances_model)
        self.seances_table.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reads it; a click leaves the keys on the list
        header = self.seances_table.horizontalHeader()
        for column in range(self.seances_model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.seances_table, 2)

        for keys, slot in (("P", self.mark_present), ("A", self.ask_absence),
                           ("Alt+Left", lambda: self.show_day(self.day - timedelta(days=1))),
                           ("Alt+Right", lambda: self.show_day(self.day + timedelta(days=1))),
                           ("Alt+Home", lambda: self.show_day(self.today()))):
            self._shortcut(keys, slot)
        self.absence_keys = [self._shortcut("E", lambda: self.mark_absent(True)),
                             self._shortcut("N", lambda: self.mark_absent(False)),
                             self._shortcut("Escape", self.close_absence_prompt)]
        self.close_absence_prompt()
        self._show_title()
        self._enable()

    def _shortcut(self, keys: str, slot: Callable[[], None]) -> QShortcut:
        """Active whenever this view is shown, wherever the focus is in the window (Qt ignores the shortcuts
        of hidden widgets; a text field keeps its letters)."""
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _absence_prompt(self) -> QFrame:
        self.absence_prompt = QFrame(self)
        self.absence_prompt.setObjectName("absence_prompt")
        self.absence_prompt.setStyleSheet("QFrame#absence_prompt { background: #fff4e0; border-radius: 6px; }")
        row = QHBoxLayout(self.absence_prompt)
        self.absence_question = QLabel(self.absence_prompt)
        row.addWidget(self.absence_question, 1)
        for text, excused in ((tr("Excusée (E)"), True), (tr("Non excusée (N)"), False)):
            button = QPushButton(text, self.absence_prompt)
            button.setObjectName("absence_excused" if excused else "absence_unexcused")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, e=excused: self.mark_absent(e))
            row.addWidget(button)
        back = QPushButton(tr("Retour (Échap)"), self.absence_prompt)
        back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        back.clicked.connect(self.close_absence_prompt)
        row.addWidget(back)
        return self.absence_prompt

    # -- loading
    def show_day(self, day: date) -> None:
        self.day = day
        self.close_absence_prompt()
        self._show_title()
        self.reload()

    def _show_title(self) -> None:
        text = long_date(self.day)
        self.day_label.setText(tr("Aujourd'hui, {0}").format(text) if self.day == self.today() else text.capitalize())

    def reload(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        day = self.day
        self.runner.run(lambda: load_day(practice, day), lambda content: self._loaded(day, content), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.error.setText(error_text(error))
        self.error.setVisible(True)

    def _loaded(self, day: date, content: DayContent) -> None:
        if day != self.day:
            return  # another day was asked for meanwhile
        rows, day_seances = content
        kept = self.selected()
        self.error.setVisible(False)
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.seances_model.set_rows(day_seances)
        billable = sum(1 for s in day_seances if s.billing_state == "a_facturer")
        package = sum(1 for s in day_seances if s.billing_state == "au_forfait")  # a PCO's: its milestones billed
        if day_seances:
            others = len(day_seances) - billable - package
            title = tr("Séances enregistrées ce jour : {0} ({1} à facturer, {2} {3})").format(
                len(day_seances), billable, others, tr("non facturables") if others > 1 else tr("non facturable"))
            if package:
                title = title[:-1] + tr(", {0} compris dans un forfait)").format(package)
            self.seances_title.setText(title)
        else:
            self.seances_title.setText(tr("Aucune séance enregistrée ce jour."))
        ids = [r.id for r in rows]
        index = 0
        if self._advance_from in ids:
            index = min(len(rows) - 1, ids.index(self._advance_from) + 1)
        elif kept is not None and kept.id in ids:
            index = ids.index(kept.id)
        else:
            index = next((i for i, r in enumerate(rows) if r.status == "planned"), 0)
        self._advance_from = None
        if rows:
            self.table.selectRow(index)
        self._enable()

    # -- pointing
    def selected(self) -> AppointmentRow | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and index.row() < len(self.model.rows) else None

    def _enable(self) -> None:
        has_row = self.selected() is not None
        self.present_button.setEnabled(has_row)
        self.absent_button.setEnabled(has_row)

    def mark_present(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.close_absence_prompt()
        self._advance_from = row.id
        self.seance_actions.mark(row, "present")

    def ask_absence(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.absence_question.setText(tr("Absence de {0} : excusée (E) ou non excusée (N) ?").format(row.child_name))
        self.absence_prompt.setVisible(True)
        for shortcut in self.absence_keys:
            shortcut.setEnabled(True)

    def mark_absent(self, excused: bool) -> None:
        row = self.selected()
        if row is None or self.absence_prompt.isHidden():
            return
        self.close_absence_prompt()
        self._advance_from = row.id
        self.seance_actions.mark(row, "absence_excusee" if excused else "absence_non_excusee")

    def close_absence_prompt(self) -> None:
        self.absence_prompt.setVisible(False)
        for shortcut in self.absence_keys:
            shortcut.setEnabled(False)
