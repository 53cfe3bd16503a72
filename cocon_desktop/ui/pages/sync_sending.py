"""Sending the outbox from the window: « Envoyer maintenant » (everything waiting, whatever its backoff) and the
automatic sending (when the practice opens, then every few minutes: only the batches that are due, to a network
that has an address). One run at a time, a write run by `runner.run_op` (services/sync_run.sync_now) with its
progress and a Cancel between batches (the page's ProgressPanel); the batches' rows, the documents' states and the
status bar's count read again from its Changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from cocon_desktop.services.outbox import due_with_address
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import message, tr
from cocon_desktop.ui.itemmodels.batches_model import plural
from cocon_desktop.ui.tasks import Report, TaskRunner
from cocon_desktop.ui.widgets.progress_panel import ProgressPanel

if TYPE_CHECKING:  # sync_run imports httpx: only when something is sent
    from cocon_desktop.services.changes import OpResult
    from cocon_desktop.services.sync_run import SyncReport

AUTO_SYNC_INTERVAL_MS = 5 * 60 * 1000  # the automatic sending looks at the outbox every five minutes
SEND_TIMEOUT_S = 30.0


def report_text(report: SyncReport) -> str:
    """"2 lots reçus, 1 en attente : <the first error>" — what a run did, in one line."""
    parts = []
    if report.received:
        parts.append(plural(report.received, tr("{0} lot reçu"), tr("{0} lots reçus")))
    if report.rejected:
        parts.append(plural(report.rejected, tr("{0} lot rejeté"), tr("{0} lots rejetés")))
    if report.paid:
        parts.append(plural(report.paid, tr("{0} lot payé"), tr("{0} lots payés")))
    if report.waiting:
        parts.append(tr("{0} en attente").format(report.waiting))
    text = ", ".join(parts) if parts else tr("Aucun lot à envoyer")
    if report.cancelled:
        text = tr("Envoi interrompu — ") + text
    if report.errors:
        text = f"{text} : {report.errors[0]}"
    else:
        text += "."
    # what the networks decided on single invoices (issue 21): a rejected one is to be corrected
    decided = [message(code, {"count": count}) for code, count in (
        ("sync_documents_refused", report.refused_documents), ("sync_documents_paid", report.paid_documents)) if count]
    # a network holds numbers the database lacks (an older copy was put back: issue 19, #1)
    return " ".join([text, *decided, *report.warnings])


class SyncSender(QObject):
    """Runs sync_now through the runner's `run_op`; signals come back on the GUI thread."""

    started = Signal(bool)  # manual
    finished = Signal(object)  # SyncReport, or None when an automatic check found nothing to send
    failed = Signal(object)  # the exception

    def __init__(self, practice: Callable[[], Practice | None], runner: TaskRunner,
                 now: Callable[[], datetime], progress: ProgressPanel | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.now, self.progress = practice, runner, now, progress
        self.running = False
        self.manual = False
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_SYNC_INTERVAL_MS)
        self.timer.timeout.connect(self.auto)

    def start_timer(self, *, at_once: bool = True) -> None:
        """The practice is open: look at the outbox now (from the event loop) and then every few minutes."""
        self.timer.start()
        if at_once:
            QTimer.singleShot(0, self.auto)

    def stop_timer(self) -> None:
        self.timer.stop()

    def send_now(self) -> bool:
        """Everything waiting, ignoring the backoff (the user asked). False when a run is already going."""
        return self._run(manual=True)

    def auto(self) -> bool:
        """What is due, if a network with an address waits for it; nothing while another run goes."""
        return self._run(manual=False)

    def cancel(self) -> None:
        """Stop after the batch being sent (what was received stays received)."""
        if self.progress is not None:
            self.progress.cancel()

    def _run(self, *, manual: bool) -> bool:
        practice = self.practice()
        if practice is None or self.running:
            return False
        self.running, self.manual = True, manual
        self.started.emit(manual)
        if manual:
            self._send(manual=True)
        else:  # a read first: an automatic look that finds nothing due writes nothing (and refreshes no view)
            now = self.now
            self.runner.run(lambda: practice.read(due_with_address, now()),
                            lambda due: self._send(manual=False) if due else self._done(None), self._failed)
        return True

    def _send(self, *, manual: bool) -> None:
        practice = self.practice()
        if practice is None:  # locked in between
            self._done(None)
            return
        now = self.now

        def work(report: Report) -> OpResult[SyncReport]:
            from cocon_desktop.services.sync_run import sync_now

            return practice.write(sync_now, now, timeout=SEND_TIMEOUT_S, progress=report, force=manual)

        self.runner.run_op(work, self._done, self._failed, progress=self.progress)

    def _done(self, result: SyncReport | None) -> None:
        self.running = False
        self.finished.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self.failed.emit(error)
