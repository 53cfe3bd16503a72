"""Identifiers copied to the clipboard (inclusion number, INS) do not linger there: cleared after a delay, and
when the program quits, unless the user has copied something else meanwhile."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication

CLEAR_AFTER_MS = 30_000


class IdentifierClipboard(QObject):
    def __init__(self, delay_ms: int = CLEAR_AFTER_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.delay_ms = delay_ms
        self.pending: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.clear_if_unchanged)
        app = QGuiApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.clear_if_unchanged)

    @staticmethod
    def clipboard() -> QClipboard:
        return QGuiApplication.clipboard()

    def copy(self, text: str) -> None:
        """Put `text` on the clipboard; it is cleared after the delay if the clipboard still holds it."""
        self.clipboard().setText(text)
        self.pending = text
        self.timer.start(self.delay_ms)

    def clear_if_unchanged(self) -> None:
        if self.pending is not None and self.clipboard().text() == self.pending:
            self.clipboard().clear()
        self.pending = None
        self.timer.stop()
