"""Sending the outbox from the window: « Envoyer maintenant » (everything waiting, whatever its backoff) and the
automatic sending (when the practice opens, then every few minutes: only the batches that are due, to a network
that has an address). One run at a time, in the background, with its progress and a Cancel between batches."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from cocon_desktop.services import network_endpoints, outbox
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.itemmodels.batches_model import plural
from cocon_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:  # sync_run imports httpx: only when something is sent
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
        return f"{text} : {report.errors[0]}"
    return text + "."


def due_with_address(practice: Practice, now: datetime) -> bool:
    """Is a batch due for a network that has an address? (Without one, an automatic run would only repeat that
    the address is missing.)"""
    sessions = practice.sessions
    networks = {item.network for item in outbox.due(sessions, now)}
    return any(network_endpoints.endpoint(sessions, network) is not None for network in networks)


class SyncSender(QObject):
    """Runs sync_now through the runner; signals come back on the GUI thread."""

    started = Signal(bool)  # manual
    progressed = Signal(int, int)  # done, total (queued from the worker)
    finished = Signal(object)  # SyncReport, or None when an automatic check found nothing to send
    failed = Signal(object)  # the exception

    def __init__(self, practice: Callable[[], Practice | None], runner: TaskRunner,
                 now: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.now = practice, runner, now
        self.running = False
        self.manual = False
        self.cancelled = threading.Event()
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
        self.cancelled.set()

    def _run(self, *, manual: bool) -> bool:
        practice = self.practice()
        if practice is None or self.running:
            return False
        self.running, self.manual = True, manual
        self.cancelled.clear()
        now, cancelled = self.now, self.cancelled

        def report(done: int, total: int) -> None:
            self.progressed.emit(done, total)

        def run() -> SyncReport | None:
            if not manual and not due_with_address(practice, now()):
                return None
            from cocon_desktop.services.sync_run import sync_now

            return sync_now(practice, now, timeout=SEND_TIMEOUT_S, cancel=cancelled.is_set, progress=report,
                            force=manual)

        self.started.emit(manual)
        self.runner.run(run, self._done, self._failed)
        return True

    def _done(self, result: SyncReport | None) -> None:
        self.running = False
        self.finished.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self.failed.emit(error)
