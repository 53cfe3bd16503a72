"""A new appointment, or a weekly series (e.g. every Tuesday at 10:00 for 12 weeks) that skips the French public
holidays unless « Inclure les jours fériés » is ticked; the summary says which dates are skipped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

from babel.dates import format_date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.public_holidays import Series, public_holidays, series_days
from cocon_desktop.domain.seance import DEFAULT_DURATION, PLACES
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.services.appointments import holiday_region, plan
from cocon_desktop.services.seances import parse_time
from cocon_desktop.ui.fit import grow_to_content
from cocon_desktop.ui.formatting import clock, french_date
from cocon_desktop.ui.i18n import error_text, message, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.child_picker import ChildPicker
from cocon_desktop.ui.widgets.date_field import DateField
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox, show_field_errors

DEFAULT_WEEKS = 12


class AppointmentDialog(QDialog):
    planned = Signal(list, str)  # the appointments' ids, what was planned (for undo)

    def __init__(self, practice: PracticeSource, runner: TaskRunner, today: Callable[[], date] = date.today,
                 day: date | None = None, start: time | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner = practice, runner
        self.boxes: dict[str, FieldBox] = {}
        self.first_day: date | None = None
        self.region: str | None = None  # the practice's region for public holidays, read below
        self.setObjectName("appointment_dialog")
        self.setWindowTitle(tr("Nouveau rendez-vous"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(form)

        def add(name: str, label: str, editor: QWidget) -> None:
            editor.setObjectName(f"field_{name}")
            self.boxes[name] = FieldBox(editor, parent=self)
            self.boxes[name].setFocusProxy(editor)
            form.addRow(tr(label), self.boxes[name])

        self.picker = ChildPicker(practice, runner, today, self)
        self.picker.picked.connect(lambda _: self._child_picked())
        add("child_id", "&Enfant", self.picker)
        self.day = DateField(self, today=today)
        self.day.set_value(day or today())
        self.day.line.textChanged.connect(lambda _: self._summarise())
        add("day", "&Premier jour", self.day)
        self.start = QLineEdit(clock(start or time(9, 0)), self)
        self.start.setMaximumWidth(90)
        self.start.setToolTip(tr("Par exemple 9h30, 09:30 ou 14h"))
        self.start.textChanged.connect(lambda _: self._summarise())
        add("start", "&Heure", self.start)
        self.duration = QSpinBox(self)
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(15)
        self.duration.setValue(DEFAULT_DURATION)
        self.duration.setSuffix(tr(" min"))
        add("duration_min", "D&urée", self.duration)
        self.place = QComboBox(self)
        for code, label in PLACES.items():
            self.place.addItem(tr(label), code)
        add("place", "&Lieu", self.place)
        repeat = QWidget(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.repeat = QCheckBox(tr("&Répéter chaque semaine pendant"), repeat)
        self.repeat.setObjectName("repeat_weekly")
        self.weeks = QSpinBox(repeat)
        self.weeks.setObjectName("repeat_weeks")
        self.weeks.setAccessibleName(tr("Nombre de semaines"))
        self.weeks.setRange(2, 104)
        self.weeks.setValue(DEFAULT_WEEKS)
        self.weeks.setSuffix(tr(" semaines"))
        self.weeks.setEnabled(False)
        self.holidays = QCheckBox(tr("Inclure les jours &fériés"), repeat)
        self.holidays.setObjectName("include_holidays")
        self.holidays.setToolTip(tr("Décoché : la série saute les jours fériés (11 novembre, Noël…)."))
        self.holidays.setEnabled(False)
        self.repeat.toggled.connect(self.weeks.setEnabled)
        self.repeat.toggled.connect(self.holidays.setEnabled)
        self.repeat.toggled.connect(lambda _: self._summarise())
        self.weeks.valueChanged.connect(lambda _: self._summarise())
        self.holidays.toggled.connect(lambda _: self._summarise())
        row.addWidget(self.repeat)
        row.addWidget(self.weeks)
        row.addStretch(1)
        holidays_row = QHBoxLayout()  # its own line: beside the weeks it squeezed « Répéter chaque semaine pendant »
        holidays_row.setContentsMargins(0, 0, 0, 0)
        holidays_row.addWidget(self.holidays)
        holidays_row.addStretch(1)
        lines = QVBoxLayout()
        lines.setContentsMargins(0, 0, 0, 0)
        lines.addLayout(row)
        lines.addLayout(holidays_row)
        repeat.setLayout(lines)
        add("weeks", "Récurrence", repeat)
        self.boxes["weeks"].setFocusProxy(self.repeat)
        self.summary = QLabel(self)
        self.summary.setObjectName("appointment_summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #1f4e8c;")
        layout.addWidget(self.summary)
        self.status, self.save_button = add_footer(self, layout, "appointment", self.save, save_text="Planifier",
                                                   default=True)
        self._summarise()
        self._read_region()

    def _read_region(self) -> None:
        practice = self.practice()
        if practice is not None:
            self.runner.run(lambda: practice.read(holiday_region), self._region_read, lambda _: None)

    def _region_read(self, region: str | None) -> None:
        self.region = region
        self._summarise()

    def _child_picked(self) -> None:
        self.boxes["child_id"].clear()
        self._summarise()
        self.start.setFocus(Qt.FocusReason.OtherFocusReason)
        self.start.selectAll()

    def weeks_wanted(self) -> int:
        return self.weeks.value() if self.repeat.isChecked() else 1

    def series(self) -> Series | None:
        """The days the series keeps and the holidays it skips (or keeps, when asked), as `plan` will."""
        day = self.day.value()
        if day is None:
            return None
        return series_days(day, self.weeks_wanted(), include_holidays=self.holidays.isChecked(), region=self.region)

    def describe(self) -> str:
        """"11 rendez-vous pour PERRIN Ilyès : chaque mercredi à 10:00, du 04/11/2026 au 20/01/2027"."""
        day, start, series = self.day.value(), parse_time(self.start.text()), self.series()
        name = self.picker.child.display_name if self.picker.child else tr("l'enfant choisi")
        if day is None or start is None or series is None:
            return ""
        if self.weeks_wanted() == 1:
            return tr("Rendez-vous pour {0} le {1} à {2}").format(name, french_date(day), clock(start))
        last = day + timedelta(weeks=self.weeks_wanted() - 1)
        weekday = format_date(day, "EEEE", locale="fr_FR")
        return tr("{0} rendez-vous pour {1} : chaque {2} à {3}, du {4} au {5}").format(
            len(series.days), name, weekday, clock(start), french_date(day), french_date(last))

    def holidays_text(self) -> str:
        """The sentence about public holidays: those the series skips, or keeps when asked; a single slot on one."""
        series, day = self.series(), self.day.value()
        if series is None or day is None:
            return ""
        if self.weeks_wanted() == 1:
            name = public_holidays(day, day, self.region).get(day)
            return tr("Le {0} est férié ({1}).").format(french_date(day), name) if name else ""
        if not series.days:
            return message("series_all_holidays")
        if series.skipped:
            dates = listed(series.skipped)
            if len(series.skipped) == 1:
                return tr("Le {0} est férié : pas de rendez-vous ce jour-là.").format(dates)
            return tr("Les {0} sont fériés : pas de rendez-vous ces jours-là.").format(dates)
        if series.holidays_kept:
            dates = listed(series.holidays_kept)
            if len(series.holidays_kept) == 1:
                return tr("Le {0}, férié, est gardé comme demandé.").format(dates)
            return tr("Les {0}, fériés, sont gardés comme demandé.").format(dates)
        return tr("Aucun jour férié dans cette série.")

    def _summarise(self) -> None:
        described, holidays = self.describe(), self.holidays_text()
        self.summary.setText(f"{described}. {holidays}" if described and holidays else described or holidays)
        grow_to_content(self)

    # -- saving
    def save(self) -> None:
        practice = self.practice()
        if practice is None or not self.save_button.isEnabled():
            return
        problems: list[FieldError] = []
        child = self.picker.child
        if child is None:
            problems.append(FieldError("child_id", "required"))
        day_error, day = self.day.error("day"), self.day.value()
        if day_error is not None:
            problems.append(day_error)
        elif day is None:
            problems.append(FieldError("day", "required"))
        start = parse_time(self.start.text())
        if start is None:
            problems.append(FieldError("start", "time_invalid", {"value": self.start.text().strip()}))
        if problems or child is None or day is None or start is None:
            self._show(problems)
            return
        show_field_errors(self.boxes, [])
        self.status.clear()
        self.save_button.setEnabled(False)
        child_id, minutes, place, weeks = child.id, self.duration.value(), str(self.place.currentData()), \
            self.weeks_wanted()
        include = self.holidays.isChecked()
        label = self.describe()
        self.first_day = day
        self.runner.run_op(lambda report: practice.write(plan, child_id, day, start, minutes, place, weeks, 7,
                                                         include), lambda ids: self._saved(ids, label), self._failed)

    def _saved(self, ids: list[int], label: str) -> None:
        self.save_button.setEnabled(True)
        self.planned.emit(ids, label)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self._show(error.errors)
        else:
            self.status.setText(error_text(error))
        grow_to_content(self)

    def _show(self, errors: list[FieldError]) -> None:
        orphans = show_field_errors(self.boxes, errors)
        lines = [tr("Corrigez les champs signalés : rien n'a été planifié.")]
        lines += [error_text(ValidationError([e])) for e in orphans]
        self.status.setText(" ".join(lines))
        grow_to_content(self)

    def field_text(self, name: str) -> str:
        box = self.boxes.get(name)
        return box.text if box else ""


def listed(days: tuple[tuple[date, str], ...]) -> str:
    """"25/12/2026 (Noël) et 01/01/2027 (Jour de l'an)"."""
    texts = [f"{french_date(day)} ({name})" for day, name in days]
    return texts[0] if len(texts) == 1 else tr("{0} et {1}").format(", ".join(texts[:-1]), texts[-1])
