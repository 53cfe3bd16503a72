"""The status bar's « N à envoyer »: the issued documents not yet in a batch plus the batches still « Préparé » (closed
but neither sent nor exported: services/batches.pending_count). A batch sent is « Reçu »; a batch exported reads
« Exporté (à remettre au réseau) » on the Synchronisation page and on the dashboard: neither is counted, nor a PCO's
documents, which are exported from the Facturation page, never sent. Hidden when nothing waits; a click leads to the
Synchronisation page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QWidget

from cocon_desktop.services.changes import Changes
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:  # the ORM (and the Qt namespace) are imported after the main window is on screen
    from PySide6.QtCore import Qt

    from cocon_desktop.services.practice_handle import Practice


class PendingIndicator(QPushButton):
    SHOWS = Changes.INVOICES | Changes.BATCHES  # read again after a write that changed these (not a payment: a paid
    # batch was handed over long before)

    def __init__(self, practice: Callable[[], Practice | None], runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner = practice, runner
        self.count = 0
        self.setObjectName("pending_status")
        self.setFlat(True)
        self.setStyleSheet("QPushButton { color: #a15c00; font-weight: bold; padding: 2px 8px; }"
                           "QPushButton:hover { text-decoration: underline; }")
        self.setToolTip(tr("Factures et avoirs émis pas encore mis en lot, et lots « Préparé » (ni envoyés au réseau "
                           "ni exportés ; un lot exporté est à remettre au réseau) : cliquez pour ouvrir la page "
                           "Synchronisation."))
        self.setVisible(False)

    def refresh(self) -> None:
        practice = self.practice()
        if practice is None:
            self.show_count(0)
            return

        def count() -> int:
            from cocon_desktop.services.batches import pending_count

            return practice.read(pending_count)

        self.runner.run(count, self.show_count, lambda _: None)

    @staticmethod
    def _hand() -> Qt.CursorShape:
        """Set when first shown, not at start: the Qt namespace costs 30 ms to build in PySide6."""
        from PySide6.QtCore import Qt

        return Qt.CursorShape.PointingHandCursor

    def show_count(self, count: int) -> None:
        self.count = count
        if count and self.cursor().shape() != self._hand():
            self.setCursor(self._hand())
        self.setText(tr("{0} à envoyer").format(count))
        self.setVisible(count > 0)
