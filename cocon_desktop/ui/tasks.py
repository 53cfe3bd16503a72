"""The one background helper: `runner.run(fn, on_done, on_error)`.

Workers run on a QThreadPool and never touch widgets; callbacks come back on the GUI thread.
Tests use SyncRunner, which runs everything at once on the calling thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class TaskRunner:
    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        raise NotImplementedError


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
    """Lives on the GUI thread; a signal emitted from a worker is queued to it."""

    finished = Signal(object, object, object)  # callback, value, task id

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._deliver)
        self.pending: dict[int, QRunnable] = {}

    @Slot(object, object, object)
    def _deliver(self, callback: Callable[[Any], None], value: Any, task_id: int) -> None:
        self.pending.pop(task_id, None)
        callback(value)


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
        self.pool = pool or QThreadPool.globalInstance()
        self.relay = _Relay()

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        job = _Job(self.relay, fn, on_done, on_error)
        self.relay.pending[id(job)] = job
        self.pool.start(job)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
