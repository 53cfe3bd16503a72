"""Quick entry of a séance (Ctrl+Shift+S): a few letters of the name, Enter, Enter.

Everything else is prefilled (today, now rounded to the quarter hour, a séance of 45 minutes at the practice).
Errors show at their field; a séance that cannot be billed says why and may be recorded "hors forfait".
The form keeps what was typed whatever happens.

A day's séances are typed one after the other: « Enregistrer » (Entrée) records one and keeps the form open,
the same day, the time moved on by the séance's length, only the child (and the note, which was about that
child) cleared; « Enregistrer et fermer » (Ctrl+Entrée) or « Fermer » (Échap) closes it. Opened from a child's
file, that child chosen, it closes after the save. What is typed here is a séance that took place: one dated
after today is asked about once (a typo of the year, usually) and recorded if Entrée is pressed again on the
same date — not refused, since a wrong clock on the laptop must not stop the work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from itertools import pairwise

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.seance import DEFAULT_DURATION, KINDS, PLACES, SeanceData
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.services.children import ChildRow
from cocon_desktop.services.seances import OutOfForfait, parse_time, record_seance
from cocon_desktop.ui.formatting import clock, french_date
from cocon_desktop.ui.i18n import error_text, message, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.child_picker import ChildPicker
from cocon_desktop.ui.widgets.date_field import DateField
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE, FieldBox, show_field_errors
from cocon_desktop.ui.widgets.out_of_forfait_bar import OutOfForfaitBar


def rounded_quarter(now: datetime) -> time:
    """Now, to the nearest quarter hour (10:07 → 10:00, 10:08 → 10:15), never past 23:45."""
    minutes = min((now.hour * 60 + now.minute + 7) // 15 * 15, 23 * 60 + 45)
    return time(minutes // 60, minutes % 60)


def next_start(start: time, duration_min: int) -> time:
    """The time of the séance that follows one (10:15 + 45 min → 11:00), never past 23:45."""
    minutes = min(start.hour * 60 + start.minute + duration_min, 23 * 60 + 45)
    return time(minutes // 60, minutes % 60)


class QuickSeanceDialog(QDialog):
    recorded = Signal(int, str)  # the séance's id, "ZORRO Test, 24/11/2026 10:15"

    def __init__(self, practice: PracticeSource, runner: TaskRunner, today: Callable[[], date] = date.today,
                 now: Callable[[], datetime] = datetime.now, child: ChildRow | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.today = practice, runner, today
        self.boxes: dict[str, FieldBox] = {}
        self.setObjectName("quick_seance_dialog")
        self.setWindowTitle(tr("Saisie rapide d'une séance"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Quelques lettres du nom, <b>Entrée</b> pour choisir l'enfant, <b>Entrée</b> pour "
                          "enregistrer. Le reste est déjà rempli : changez-le au besoin."), self)
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #334;")
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(form)

        def add(name: str, label: str, editor: QWidget) -> None:
            editor.setObjectName(f"field_{name}")
            self.boxes[name] = FieldBox(editor, parent=self)
            self.boxes[name].setFocusProxy(editor)  # the label's Alt+letter reaches the editor
            form.addRow(tr(label), self.boxes[name])

        self.picker = ChildPicker(practice, runner, today, self)
        self.picker.picked.connect(lambda _: self._child_picked())
        add("child_id", "&Enfant", self.picker)
        self.day = DateField(self, today=today)
        self.day.set_value(today())
        add("day", "&Date", self.day)
        self.start = QLineEdit(clock(rounded_quarter(now())), self)
        self.start.setMaximumWidth(90)
        self.start.setToolTip(tr("Par exemple 9h30, 09:30 ou 14h"))
        add("start", "&Heure", self.start)
        self.duration = QSpinBox(self)
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(15)
        self.duration.setValue(DEFAULT_DURATION)
        self.duration.setSuffix(tr(" min"))
        add("duration_min", "D&urée", self.duration)
        self.kind = QComboBox(self)
        for code, label in KINDS.items():
            self.kind.addItem(tr(label), code)
        add("kind", "&Type", self.kind)
        self.place = QComboBox(self)
        for code, label in PLACES.items():
            self.place.addItem(tr(label), code)
        add("place", "&Lieu", self.place)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(tr("Facultative ; reste au cabinet, n'est jamais transmise"))
        add("note", "&Note", self.note)

        self._closing = False  # the save under way closes the form when it succeeds
        self.keep_open = child is None  # from a child's file: one séance for that child, then it closes
        self.bar = OutOfForfaitBar(self)
        self.bar.accepted.connect(lambda: self.save(out_of_forfait=True, close=self._closing))
        self.bar.closed.connect(self._close_up)
        layout.addWidget(self.bar)
        self.status, self.save_button = add_footer(self, layout, "seance", self.save,
                                                   save_text="Enregistrer (Entrée)", cancel_text="Fermer (Échap)")
        buttons = self.save_button.parentWidget()
        assert isinstance(buttons, QDialogButtonBox)
        self.save_close_button = buttons.addButton(tr("Enregistrer et fermer (Ctrl+Entrée)"),
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.save_close_button.setObjectName("save_close_seance")
        self.save_close_button.setAutoDefault(False)
        self.save_close_button.clicked.connect(lambda: self.save(close=True))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, lambda: self.save(close=True))
        self._future_confirmed: date | None = None  # the future day Entrée was pressed again for
        self.day.edited.connect(self._day_edited)
        self.day.line.textChanged.connect(self._day_edited)
        self._tab_order()
        if child is not None:  # opened from a child's file: the child is already chosen
            self.picker.set_child(child)
            self.start.setFocus(Qt.FocusReason.OtherFocusReason)

    def _tab_order(self) -> None:
        """Child, date, time, length, kind, place, note, then the buttons (the calendar button is off the chain:
        Alt+↓ in the date opens it)."""
        cancel = self.findChild(QPushButton, "cancel_seance")
        assert cancel is not None
        chain: list[QWidget] = [self.picker.search, self.day.line, self.start, self.duration, self.kind,
                                self.place, self.note, self.bar.record_button, self.bar.drop_button,
                                self.save_button, self.save_close_button, cancel]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _child_picked(self) -> None:
        self.boxes["child_id"].clear()
        self.start.setFocus(Qt.FocusReason.OtherFocusReason)
        self.start.selectAll()

    # -- saving
    def collect(self, out_of_forfait: bool = False) -> tuple[SeanceData | None, list[FieldError]]:
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
            return None, problems
        return SeanceData(child_id=child.id, day=day, start=start, duration_min=self.duration.value(),
                          kind=str(self.kind.currentData()), place=str(self.place.currentData()),
                          note=self.note.text().strip(), out_of_forfait=out_of_forfait), []

    def save(self, out_of_forfait: bool = False, close: bool = False) -> None:
        practice = self.practice()
        if practice is None or not self.save_button.isEnabled():
            return
        data, problems = self.collect(out_of_forfait)
        if data is None:
            self._show(problems)
            return
        if data.day > self.today() and self._future_confirmed != data.day:
            self._ask_future(data.day)
            return
        show_field_errors(self.boxes, [])
        self.bar.setVisible(False)
        self._close_up()
        self.status.clear()
        self._closing = close or not self.keep_open
        self.save_button.setEnabled(False)
        self.runner.run_op(lambda report: practice.write(record_seance, data),
                           lambda seance_id: self._saved(seance_id, data), self._failed)

    def describe(self, data: SeanceData) -> str:
        name = self.picker.child.display_name if self.picker.child else ""
        return f"{name}, {french_date(data.day)} {clock(data.start)}"

    def _saved(self, seance_id: int, data: SeanceData) -> None:
        self.save_button.setEnabled(True)
        label = self.describe(data)
        self.recorded.emit(seance_id, label)
        if self._closing:
            self.accept()
            return
        # the next séance: same day, the time moved on, another child
        self.picker.reset()
        self.note.clear()
        self.start.setText(clock(next_start(data.start, data.duration_min)))
        self._future_confirmed = None
        self.status.setStyleSheet(DONE_STYLE)
        self.status.setText(tr("Séance enregistrée : {0}. La suivante ? (Échap pour fermer)").format(label))
        self._close_up()  # the line says what was recorded: measured with it
        self.picker.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _ask_future(self, day: date) -> None:
        """A séance typed here took place: one after today is asked about, recorded on a second Entrée."""
        self._future_confirmed = day
        show_field_errors(self.boxes, [])
        self.boxes["day"].show_text(tr("Cette date est après aujourd'hui : une séance saisie ici est une séance "
                                       "faite."), warning=True)
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(tr("Rien n'a été enregistré. Appuyez de nouveau sur Entrée pour enregistrer la "
                               "séance du {0} quand même, ou corrigez la date.").format(french_date(day)))
        self._close_up()
        self.day.setFocus(Qt.FocusReason.OtherFocusReason)

    def _day_edited(self, *_: object) -> None:
        """Another date: the question about a future date, if any, is asked again for it."""
        if self._future_confirmed is not None and self.day.value() != self._future_confirmed:
            self._future_confirmed = None
            if self.boxes["day"].warning:
                self.boxes["day"].clear()
                self.status.clear()

    def _close_up(self) -> None:
        """Messages or the refusal panel came or went: the form takes the height it needs, no blank left where
        the panel was (measured once the layout has placed them)."""
        QTimer.singleShot(0, self, self._fit_height)

    def _fit_height(self) -> None:
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else \
            layout.totalSizeHint().height()
        needed = max(needed, self.minimumSizeHint().height())
        if needed != self.height():
            self.resize(self.width(), needed)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, OutOfForfait):
            data, _ = self.collect()
            self.bar.show_reason(message(error.reason, error.data), self.describe(data) if data else "")
        elif isinstance(error, ValidationError):
            self._show(error.errors)
        else:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText(error_text(error))
        self._close_up()

    def _show(self, errors: list[FieldError]) -> None:
        orphans = show_field_errors(self.boxes, errors)
        lines = [tr("Corrigez les champs signalés : rien n'a été enregistré.")]
        lines += [error_text(ValidationError([e])) for e in orphans]
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(" ".join(lines))
        self._close_up()

    def field_text(self, name: str) -> str:
        box = self.boxes.get(name)
        return box.text if box else ""
