"""A progress bar with its « Annuler » button, driven by `runner.run_op(…, progress=panel)`.

Hidden until a write starts; busy until the first step is known, then « Facture 3 sur 12 » (the page gives the
words); « Annuler » asks the service to stop at its next safe point (what is done stays done). The page listens to
`running` to grey its own inputs while the work runs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.tasks import ProgressRelay


class ProgressPanel(QWidget):
    running = Signal(bool)

    def __init__(self, step_text: Callable[[int, int], str], parent: QWidget | None = None) -> None:
        """`step_text(n, total)`: the bar's words at step n (1-based) of total."""
        super().__init__(parent)
        self.step_text = step_text
        self.is_running = False
        self.relay = ProgressRelay(self)
        self.relay.progressed.connect(self._progressed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("progress_bar")
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(tr("Annuler"), self)
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.clicked.connect(self.cancel)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)

    def begin(self) -> None:
        self.relay.cancelled.clear()
        self.is_running = True
        self.bar.setRange(0, 0)  # busy until the first step is known
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(tr("Annuler"))
        self.setVisible(True)
        self.running.emit(True)

    def end(self) -> None:
        self.is_running = False
        self.setVisible(False)
        self.running.emit(False)

    def report(self, done: int, total: int) -> bool:
        """From the worker's thread (services/progress.Progress): False once « Annuler » was pressed."""
        return self.relay.report(done, total)

    def cancel(self) -> None:
        self.relay.cancelled.set()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(tr("Annulation…"))

    def _progressed(self, done: int, total: int) -> None:
        if not self.is_running:
            return
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(self.step_text(min(done + 1, total), total))
