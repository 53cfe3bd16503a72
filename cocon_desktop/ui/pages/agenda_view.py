"""« Agenda »: the week's appointments beside the séances done and the absences recorded without one (each kind
distinct), drag to move, double-click, right-click or Entrée to point or cancel; new appointments and weekly series
(which skip public holidays unless asked), and the export of the coming weeks as an ICS calendar file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QScrollArea, QVBoxLayout, QWidget

from cocon_desktop.fsutil import atomic_write
from cocon_desktop.services import appointments, calendar_import
from cocon_desktop.services.appointments import AgendaWeek, AppointmentRow
from cocon_desktop.ui.dialogs.appointment_dialog import AppointmentDialog
from cocon_desktop.ui.dialogs.calendar_import_dialog import CalendarImportDialog
from cocon_desktop.ui.formatting import french_date, week_text
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.seance_actions import SeanceActions, describe
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE
from cocon_desktop.ui.widgets.week_blocks import Legend
from cocon_desktop.ui.widgets.week_grid import WeekGrid

if TYPE_CHECKING:
    from cocon_desktop.services.practice_handle import Practice

EXPORT_WEEKS = 13  # the week shown and the twelve after it: about three months, what a phone calendar needs
MARKS = (("present", "Présent"), ("absence_excusee", "Absent (excusé)"),
         ("absence_non_excusee", "Absent (non excusé)"))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def export_calendar(practice: Practice, first: date, last: date, path: Path) -> int:
    """Runs in the background: writes the ICS file atomically; returns how many appointments it holds."""
    content = practice.read(appointments.export_ics, first, last)
    atomic_write(path, content, private_dir=False)  # the folder is the user's: its permissions stay as they are
    return content.count(b"BEGIN:VEVENT")


class AgendaView(QWidget):
    def __init__(self, practice: PracticeSource, runner: TaskRunner, actions: SeanceActions,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.seance_actions, self.today = practice, runner, actions, today
        self.monday = monday_of(today())
        self.dialog: AppointmentDialog | None = None
        self.import_dialog: CalendarImportDialog | None = None
        self.menu: QMenu | None = None
        self.setObjectName("agenda_view")
        layout = QVBoxLayout(self)
        self.week_label = QLabel(self)
        self.week_label.setObjectName("week_label")
        self.week_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        layout.addWidget(self.week_label)
        top = QHBoxLayout()
        for text, tip, step in (("←", "Semaine précédente", -7), (tr("Cette semaine"), "", 0),
                                ("→", "Semaine suivante", 7)):
            button = QPushButton(text, self)
            if tip:
                button.setToolTip(tr(tip))
                button.setFixedWidth(44)
            button.clicked.connect(lambda _=False, s=step: self.show_week(
                monday_of(self.today()) if s == 0 else self.monday + timedelta(days=s)))
            top.addWidget(button)
        top.addStretch(1)
        self.new_button = QPushButton(tr("Nouveau rendez-vous…"), self)
        self.new_button.setObjectName("new_appointment")
        self.new_button.clicked.connect(lambda: self.new_appointment())
        top.addWidget(self.new_button)
        self.export_button = QPushButton(tr("Exporter le calendrier…"), self)
        self.export_button.setObjectName("export_ics")
        self.export_button.setToolTip(tr("Enregistre les rendez-vous de la semaine affichée et des 12 suivantes "
                                         "dans un fichier de calendrier (.ics) que votre téléphone, Google Agenda "
                                         "ou Outlook importent : heures de Paris avec leur fuseau, initiales et n° "
                                         "d'inclusion seulement, jamais le nom de l'enfant. Un nouvel export met à "
                                         "jour les mêmes rendez-vous au lieu de les doubler."))
        self.export_button.clicked.connect(self.export_ics)
        top.addWidget(self.export_button)
        self.import_button = QPushButton(tr("Importer un calendrier…"), self)
        self.import_button.setObjectName("import_ics")
        self.import_button.setToolTip(tr("Lit un fichier de calendrier (.ics) de Google Agenda, d'Outlook ou d'un "
                                         "service de prise de rendez-vous, de cette semaine aux 12 suivantes, et "
                                         "rapproche chaque rendez-vous d'un enfant par son nom : vous vérifiez "
                                         "avant l'import. Importer de nouveau le même fichier met à jour."))
        self.import_button.clicked.connect(self.import_ics)
        top.addWidget(self.import_button)
        layout.addLayout(top)

        self.grid = WeekGrid(today, self)
        self.grid.move_requested.connect(self._move)
        self.grid.menu_requested.connect(self._menu)
        self.grid.new_requested.connect(lambda day, start: self.new_appointment(day, start))
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid)
        layout.addWidget(scroll, 1)
        self.legend = Legend(self)
        layout.addWidget(self.legend)
        legend = QLabel(tr("Glissez un rendez-vous prévu pour le déplacer (par quarts d'heure) · double-clic, "
                           "clic droit ou Entrée : pointer, annuler · double-clic sur un créneau vide : nouveau "
                           "rendez-vous · ⚠ en rouge : deux rendez-vous se chevauchent."), self)
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #555;")
        layout.addWidget(legend)
        self.message = QLabel(self)
        self.message.setObjectName("agenda_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self._show_title()

    # -- loading
    def show_week(self, monday: date) -> None:
        self.monday = monday_of(monday)
        self._show_title()
        self.reload()

    def _show_title(self) -> None:
        self.week_label.setText(tr("Semaine {0}").format(week_text(self.monday)))

    def reload(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        monday = self.monday
        self.runner.run(lambda: practice.read(appointments.week, monday, monday + timedelta(days=6)),
                        lambda week: self._loaded(monday, week), lambda e: self.say(error_text(e), error=True))

    def _loaded(self, monday: date, week: AgendaWeek) -> None:
        if monday == self.monday:
            self.grid.set_week(monday, week.appointments, week.seances, week.holidays)

    def row(self, appointment_id: int) -> AppointmentRow | None:
        return next((r for r in self.grid.rows if r.id == appointment_id), None)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "color: #1b5e20;")
        self.message.setVisible(bool(text))

    # -- moving, pointing, cancelling
    def _move(self, appointment_id: int, day: date, start: time) -> None:
        row = self.row(appointment_id)
        if row is not None:
            self.seance_actions.move(row, day, start)

    def menu_for(self, row: AppointmentRow) -> QMenu:
        menu = QMenu(self)
        menu.setObjectName("appointment_menu")
        title = menu.addAction(describe(row))
        title.setEnabled(False)
        menu.addSeparator()
        for status, label in MARKS:
            action = menu.addAction(tr(label))
            action.setObjectName(f"mark_{status}")
            action.setCheckable(True)
            action.setChecked(row.status == status)
            action.setEnabled(row.status != status)
            action.triggered.connect(lambda _=False, s=status: self.seance_actions.mark(row, s))
        if row.status != "planned":
            back = menu.addAction(tr("Remettre à « prévu » (supprime la séance pointée)"))
            back.setObjectName("mark_planned")
            back.triggered.connect(lambda: self.seance_actions.mark(row, "planned"))
        menu.addSeparator()
        cancel = QAction(tr("Annuler ce rendez-vous"), menu)
        cancel.setObjectName("cancel_appointment")
        cancel.triggered.connect(lambda: self.seance_actions.cancel(row))
        menu.addAction(cancel)
        return menu

    def _menu(self, appointment_id: int, at: QPoint) -> None:
        row = self.row(appointment_id)
        if row is None:
            return
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = self.menu_for(row)
        self.menu.popup(at)

    # -- new appointments
    def new_appointment(self, day: date | None = None, start: time | None = None) -> None:
        if self.practice() is None:
            return
        if day is None:
            today = self.today()
            day = today if self.monday <= today < self.monday + timedelta(days=7) else self.monday
        self.dialog = AppointmentDialog(self.practice, self.runner, self.today, day, start, self.window())
        self.dialog.planned.connect(self._planned)
        self.dialog.open()

    def _planned(self, ids: list[int], label: str) -> None:
        """The week shown already read the new appointments (the write's Changes); planned in another week, that
        week is shown."""
        dialog = self.dialog
        if dialog is not None and dialog.first_day is not None and monday_of(dialog.first_day) != self.monday:
            self.show_week(dialog.first_day)
        self.seance_actions.planned(ids, label)
        if dialog is not None:  # which public holidays the series skipped (or kept), said after the dialog closed
            self.say(dialog.holidays_text())

    # -- export
    def export_range(self) -> tuple[date, date]:
        return self.monday, self.monday + timedelta(weeks=EXPORT_WEEKS) - timedelta(days=1)

    def export_ics(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        first, last = self.export_range()
        suggested = str(Path.home() / f"cocon-rendez-vous-{first.isoformat()}.ics")
        name, _ = QFileDialog.getSaveFileName(self, tr("Exporter le calendrier"), suggested,
                                              tr("Calendrier (*.ics)"))
        if not name:
            return
        path = Path(name) if name.lower().endswith(".ics") else Path(name + ".ics")
        self.export_button.setEnabled(False)

        def written(count: int) -> None:
            self.export_button.setEnabled(True)
            self.say(tr("{0} rendez-vous du {1} au {2} exportés dans {3}").format(
                count, french_date(first), french_date(last), path))

        def failed(error: BaseException) -> None:
            self.export_button.setEnabled(True)
            self.say(tr("L'export a échoué, aucun fichier n'a été écrit : {0}").format(error_text(error)),
                     error=True)

        self.runner.run(lambda: export_calendar(practice, first, last, path), written, failed)

    # -- import (issue 20, #6)
    def import_ics(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        name, _ = QFileDialog.getOpenFileName(self, tr("Importer un calendrier"), str(Path.home()),
                                              tr("Calendrier (*.ics)"))
        if not name:
            return
        first, last = self.export_range()
        path = Path(name)

        def review() -> tuple[list[calendar_import.ImportLine], dict[int, str]]:
            lines = practice.read(calendar_import.read_preview, path, first, last)
            return lines, practice.read(calendar_import.child_labels, {i for line in lines for i in line.child_ids})

        def failed(error: BaseException) -> None:
            self.import_button.setEnabled(True)
            self.say(tr("L'import a échoué, rien n'a été importé : {0}").format(error_text(error)), error=True)

        def imported(result: calendar_import.ImportResult) -> None:
            self.import_button.setEnabled(True)
            self.say(tr("Calendrier importé : {0} nouveaux rendez-vous, {1} mis à jour, {2} inchangés.").format(
                result.created, result.updated, result.unchanged))

        def reviewed(found: tuple[list[calendar_import.ImportLine], dict[int, str]]) -> None:
            self.import_button.setEnabled(True)
            dialog = CalendarImportDialog(*found, parent=self)
            self.import_dialog = dialog

            def accepted() -> None:
                choices = dialog.choices()
                self.import_button.setEnabled(False)
                self.runner.run_op(lambda _report: practice.write(calendar_import.apply, choices), imported, failed)

            dialog.accepted.connect(accepted)
            dialog.open()

        self.import_button.setEnabled(False)
        self.runner.run(review, reviewed, failed)
