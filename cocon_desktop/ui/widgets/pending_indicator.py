"""The status bar's « N à envoyer »: documents not yet in a batch plus batches the network has not acknowledged.
Hidden when nothing waits; a click leads to the Synchronisation page."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from cocon_desktop.services.batches import pending_count
from cocon_desktop.services.practice_file import PracticeFile
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.tasks import TaskRunner


class PendingIndicator(QPushButton):
    def __init__(self, practice: Callable[[], PracticeFile | None], runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner = practice, runner
        self.count = 0
        self.setObjectName("pending_status")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet("QPushButton { color: #a15c00; font-weight: bold; padding: 2px 8px; }"
                           "QPushButton:hover { text-decoration: underline; }")
        self.setToolTip(tr("Factures et avoirs pas encore mis en lot, et lots sans accusé de réception du réseau : "
                           "cliquez pour ouvrir la page Synchronisation."))
        self.setVisible(False)

    def refresh(self) -> None:
        practice = self.practice()
        if practice is None:
            self.show_count(0)
            return
        sessions = practice.sessions
        self.runner.run(lambda: pending_count(sessions), self.show_count, lambda _: None)

    def show_count(self, count: int) -> None:
        self.count = count
        self.setText(tr("{0} à envoyer").format(count))
        self.setVisible(count > 0)
