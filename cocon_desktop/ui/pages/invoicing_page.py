"""Facturation: « Émettre », « Documents émis », « Impayés ». Every service call goes through the runner; the
practice is asked for when needed, None while locked. A write from any tab (an invoice run, a credit note, a
payment) reaches the three tabs through the window's refresher (ui/views.py): `reload` reads them all again. Under
the tabs, in a practice with a PCO only, its batches are closed and exported (issue 22: payer_batches_box.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from cocon_desktop.services.changes import Changes
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.pages.invoice_documents_tab import DocumentsTab
from cocon_desktop.ui.pages.invoice_issue_tab import IssueTab
from cocon_desktop.ui.pages.unpaid_tab import UnpaidTab
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.payer_batches_box import PayerBatchesBox


class InvoicingPage(QWidget):
    # ui/views.py: what this page shows; it reads again after a write that changed any of it
    SHOWS = (Changes.SEANCES | Changes.INVOICES | Changes.PAYMENTS | Changes.BATCHES | Changes.CHILDREN
             | Changes.PRESCRIPTIONS | Changes.TARIFFS | Changes.PROFILE)

    def __init__(self, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.today = runner, today
        self.practice: Practice | None = None
        layout = QVBoxLayout(self)
        heading = QLabel(tr("Facturation"), self)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(heading)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("invoicing_tabs")
        self.issue_tab = IssueTab(self.current_practice, runner, today, self.tabs)
        self.documents_tab = DocumentsTab(self.current_practice, runner, today, self.tabs)
        self.unpaid_tab = UnpaidTab(self.current_practice, runner, today, self.tabs)
        self.tabs.addTab(self.issue_tab, tr("Émettre"))
        self.tabs.addTab(self.documents_tab, tr("Documents émis"))
        self.tabs.addTab(self.unpaid_tab, tr("Impayés"))
        layout.addWidget(self.tabs, 1)
        self.payer_batches = PayerBatchesBox(self.current_practice, runner, self)  # hidden without a PCO
        layout.addWidget(self.payer_batches)

    def current_practice(self) -> Practice | None:
        return self.practice

    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        """None while locked; after an unlock (reload=False) the views stay as they were."""
        self.practice = practice
        if practice is not None and reload and self.isVisible():
            self.reload()

    def reload(self) -> None:
        self.issue_tab.reload()
        self.documents_tab.reload()
        self.unpaid_tab.reload()
        self.payer_batches.load()
