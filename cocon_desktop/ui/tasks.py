"""The one background helper: `runner.run(fn, on_done, on_error)` for reads, `runner.run_op(work, on_done, on_error)`
for writes.

Workers run on a QThreadPool and never touch widgets; callbacks come back on the GUI thread.
`run_op` runs a write through the practice handle (`work(report)` returns its `OpResult`), shows its progress and
offers to cancel it when given a `ProgressView`, then hands the `Changes` to every subscriber (the pages, the
status-bar count: each reads again what it shows) before `on_done` gets the value. A write that fails hands over the
changes it declared as well: it may have committed part of its work.
Tests use SyncRunner, which runs everything at once on the calling thread."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

if TYPE_CHECKING:
    from cocon_desktop.services.changes import Changes, OpResult

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Report = Callable[[int, int], bool]  # services/progress.Progress: (done, total) → False to stop
ChangesListener = Callable[["Changes"], None]


def _no_progress(done: int, total: int) -> bool:
    return True


class ProgressView(Protocol):
    """What `run_op` drives while a long write runs (ui/widgets/progress_panel.ProgressPanel)."""

    def begin(self) -> None: ...
    def end(self) -> None: ...
    def report(self, done: int, total: int) -> bool: ...  # called from the worker's thread


class TaskRunner:
    def __init__(self) -> None:
        self._listeners: list[ChangesListener] = []

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        raise NotImplementedError

    # -- writes
    def subscribe(self, listener: ChangesListener) -> None:
        """`listener(changes)` after every write run by `run_op` (on the GUI thread)."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangesListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def announce(self, changes: Changes) -> None:
        if changes:
            for listener in list(self._listeners):
                listener(changes)

    def run_op(self, work: Callable[[Report], OpResult[Any]], on_done: Done, on_error: Failed, *,
               progress: ProgressView | None = None) -> None:
        """Run a write in the background: `work(report)` calls `practice.write(use_case, …)` (passing `report` on to
        a use case that reports progress). The subscribers get its changes, then `on_done` its value."""
        from cocon_desktop.services.changes import Changes, OpResult

        if progress is not None:
            progress.begin()
        report = progress.report if progress is not None else _no_progress

        def done(result: object) -> None:
            if progress is not None:
                progress.end()
            if not isinstance(result, OpResult):
                raise TypeError(f"run_op: {result!r} is not an OpResult (call practice.write)")
            self.announce(result.changes)
            on_done(result.value)

        def failed(error: BaseException) -> None:
            if progress is not None:
                progress.end()
            changes = getattr(error, "changes", Changes.NONE)
            if isinstance(changes, Changes):
                self.announce(changes)
            on_error(error)

        self.run(lambda: work(report), done, failed)


class SyncRunner(TaskRunner):
    """Runs the task at once (tests, and the few places where nothing may happen in between)."""

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        try:
            result = fn()
        except Exception as exc:
            on_error(exc)
        else:
            on_done(result)


class _Relay(QObject):
    """Lives on the GUI thread; a signal emitted from a worker is queued to it.

    A result is handed to its callback as soon as it arrives, but at most one per event-loop turn: results queued
    together (a page's loads finishing at once) would otherwise all be delivered in the same turn, and their
    callbacks' work (filling a model, the repaint it asks for) would add up into one stall of the GUI. The others
    wait in arrival order, one per turn of a zero-delay timer."""

    finished = Signal(object, object, object)  # callback, value, task id

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._arrived)
        self.pending: dict[int, QRunnable] = {}
        self._results: deque[tuple[Callable[[Any], None], Any, int]] = deque()
        self._turns = QTimer(self)
        self._turns.setInterval(0)
        self._turns.timeout.connect(self._deliver)

    @Slot(object, object, object)
    def _arrived(self, callback: Callable[[Any], None], value: Any, task_id: int) -> None:
        self._results.append((callback, value, task_id))
        if not self._turns.isActive():  # nothing delivered in this turn yet: at once, as a plain queued call
            self._turns.start()
            self._deliver(keep_turning=True)

    def _deliver(self, *, keep_turning: bool = False) -> None:
        """One result; the timer runs while results wait (and for the turn after an immediate delivery)."""
        if not self._results:
            self._turns.stop()
            return
        callback, value, task_id = self._results.popleft()
        if not self._results and not keep_turning:
            self._turns.stop()
        self.pending.pop(task_id, None)
        callback(value)


class ProgressRelay(QObject):
    """Progress and cancel for long work run by the runner, behind the services' one `Progress` protocol.

    The worker calls `report(done, total)` from its thread: it only emits `progressed`, queued to the GUI thread,
    and answers False once `cancelled` is set (from the GUI), so that the service stops at its next safe point."""

    progressed = Signal(int, int)  # done, total

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancelled = threading.Event()

    def report(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancelled.is_set()


class _Job(QRunnable):
    def __init__(self, relay: _Relay, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.relay, self.fn, self.on_done, self.on_error = relay, fn, on_done, on_error

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:
            log.debug("background task failed: %s", type(exc).__name__)
            self.relay.finished.emit(self.on_error, exc, id(self))
        else:
            self.relay.finished.emit(self.on_done, result, id(self))


class ThreadPoolRunner(TaskRunner):
    def __init__(self, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.pool = pool or QThreadPool.globalInstance()
        self.relay = _Relay()

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        job = _Job(self.relay, fn, on_done, on_error)
        self.relay.pending[id(job)] = job
        self.pool.start(job)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
