"""Automatic lock: no key or mouse activity for the configured time → the main window locks.

The activity is watched on the top-level windows (QWindow: every key and mouse event of the program passes there
first, and little else does), not on the whole application: a Python event filter on QApplication is called for
every event of every widget — paints, layouts, timers — and cost 40–60 ms on the main window's first paint alone."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QApplication

_ACTIVITY: list[frozenset[QEvent.Type]] = []


def _activity() -> frozenset[QEvent.Type]:
    """The input events (built at the first event, not at import: QEvent.Type costs 5 ms to build)."""
    if not _ACTIVITY:
        _ACTIVITY.append(frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                                    QEvent.Type.Wheel, QEvent.Type.TouchBegin}))
    return _ACTIVITY[0]


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self.watch)  # dialogs too, as they come
            for window in app.topLevelWindows():
                self.watch(window)

    def watch(self, window: QWindow | None) -> None:
        """Count this window's input as activity (installing twice is harmless: Qt keeps one)."""
        if window is not None:
            window.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(1, minutes) * 60_000)

    def set_interval_ms(self, msecs: int) -> None:
        self.timer.setInterval(msecs)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        for window in QGuiApplication.topLevelWindows():  # those shown since
            self.watch(window)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _activity() and self.timer.isActive():
            self.timer.start()  # restart the countdown
        return False
