"""What the day view, the agenda and the quick entry do to appointments and séances, with a one-step undo.

Every change is a write through the practice handle run by `runner.run_op`, whose Changes make the views showing
séances and appointments read again. A "present" that cannot be billed comes back as `out_of_forfait_needed` (the
reason in French): the page shows it and may `retry_out_of_forfait`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from cocon_desktop.services import appointments, seances
from cocon_desktop.services.appointments import STATUSES, AppointmentRow
from cocon_desktop.services.seances import OutOfForfait
from cocon_desktop.ui.formatting import clock, french_date
from cocon_desktop.ui.i18n import error_text, message, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from cocon_desktop.services.changes import OpResult
    from cocon_desktop.services.practice_handle import Practice

Write = Callable[["Practice"], "OpResult[Any]"]  # practice.write(use_case, …), run in the background


@dataclass(frozen=True)
class UndoStep:
    label: str  # "Présent — DUPONT Léa, 10:00"
    run: Write


@dataclass(frozen=True)
class PendingMark:
    """A mark refused because the séance cannot be billed: what to retry "hors forfait"."""

    row: AppointmentRow
    status: str
    reason: str  # the French sentence


def describe(row: AppointmentRow) -> str:
    return f"{row.child_name}, {french_date(row.day)} {clock(row.start)}"


def _restore(appointment_id: int, status: str) -> Write:
    """Put an appointment back in the state it had (a present that is no longer billable stays hors forfait)."""
    return lambda practice: practice.write(appointments.restore, appointment_id, status)


class SeanceActions(QObject):
    """Every write goes through `runner.run_op`: the pages showing séances or appointments read again from the
    write's Changes (ui/views.py), not from a signal of this object."""

    failed = Signal(str)  # a French sentence
    done = Signal(str)  # a French sentence saying what was done
    out_of_forfait_needed = Signal(object)  # PendingMark
    undo_changed = Signal(str)  # the label of the step Ctrl+Z would undo, "" when none

    def __init__(self, practice: PracticeSource, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner = practice, runner
        self.undo_step: UndoStep | None = None
        self.pending: PendingMark | None = None
        self.busy = False  # one change at a time: a key pressed twice does not point twice

    def _run(self, work: Write, on_done: Callable[[object], None],
             on_error: Callable[[BaseException], None]) -> None:
        practice = self.practice()
        if practice is None or self.busy:
            return
        self.busy = True

        def done(value: object) -> None:
            self.busy = False
            on_done(value)

        def failed(error: BaseException) -> None:
            self.busy = False
            on_error(error)

        self.runner.run_op(lambda report: work(practice), done, failed)

    # -- undo
    def _remember(self, step: UndoStep | None) -> None:
        self.undo_step = step
        self.undo_changed.emit(step.label if step else "")

    def remember_seance(self, seance_id: int, label: str) -> None:
        """A séance recorded by the quick entry: Ctrl+Z deletes it again."""
        self._remember(UndoStep(tr("saisie de la séance de {0}").format(label),
                                lambda practice: practice.write(seances.delete_seance, seance_id)))

    def undo(self) -> None:
        step = self.undo_step
        if step is None or self.practice() is None or self.busy:
            return
        self._remember(None)
        self._run(step.run, lambda _: self.done.emit(tr("Annulé : {0}.").format(step.label)), self._failed)

    # -- marks
    def mark(self, row: AppointmentRow, status: str, *, out_of_forfait: bool = False) -> None:
        """Present (records the séance), absent excusé / non excusé, or back to planned."""
        if self.practice() is None:
            return
        self.pending = None
        label = f"{tr(STATUSES[status])} — {describe(row)}"
        previous = row.status

        def marked(_: object) -> None:
            self._remember(UndoStep(label, _restore(row.id, previous)))
            suffix = tr(" (hors forfait)") if out_of_forfait else ""
            self.done.emit(tr("Pointé : {0}{1}.").format(label, suffix))

        def refused(error: BaseException) -> None:
            if isinstance(error, OutOfForfait):
                self.pending = PendingMark(row, status, message(error.reason, error.data))
                self.out_of_forfait_needed.emit(self.pending)
            else:
                self._failed(error)

        self._run(lambda practice: practice.write(appointments.mark, row.id, status, out_of_forfait=out_of_forfait),
                  marked, refused)

    def retry_out_of_forfait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            self.mark(pending.row, pending.status, out_of_forfait=True)

    def drop_pending(self) -> None:
        self.pending = None

    def cancel(self, row: AppointmentRow) -> None:
        """Cancel an appointment (a pointed one loses its séance); Ctrl+Z puts it back as it was."""
        label = tr("Rendez-vous annulé — {0}").format(describe(row))
        previous = row.status

        def cancelled(_: object) -> None:
            self._remember(UndoStep(label, _restore(row.id, previous)))
            self.done.emit(label + ".")

        self._run(lambda practice: practice.write(appointments.call_off, row.id), cancelled, self._failed)

    def move(self, row: AppointmentRow, day: date, start: time) -> None:
        """Refused (a pointed appointment), the block goes back where it was: the page reads the week again from
        the changes the failed write declares."""
        label = tr("Rendez-vous déplacé — {0} → {1} {2}").format(describe(row), french_date(day), clock(start))

        def moved(_: object) -> None:
            self._remember(UndoStep(label, lambda practice: practice.write(appointments.move, row.id, row.day,
                                                                            row.start)))
            self.done.emit(label + ".")

        self._run(lambda practice: practice.write(appointments.move, row.id, day, start), moved, self._failed)

    def planned(self, ids: list[int], label: str) -> None:
        """A slot or a series was planned (by the appointment dialog): Ctrl+Z cancels it again."""
        self._remember(UndoStep(label, lambda practice: practice.write(appointments.cancel_all, ids)))
        self.done.emit(label + ".")

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(error_text(error))
