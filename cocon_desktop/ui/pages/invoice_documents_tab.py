"""« Documents émis » : invoices and credit notes with their state; the PDF (shown from memory or saved), a
credit note, a payment, and the integrity check of the whole chain. A credit note or a payment is a write run by
`runner.run_op`: the views showing invoices or payments (this list, the unpaid one, the preview, the dashboard…)
read again from its Changes, not from a signal of this tab."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.errors import DatabaseError
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.services.invoice_documents import issue_credit_note, verify_practice
from cocon_desktop.services.invoice_lines import LineRow, lines_of
from cocon_desktop.services.invoice_verify import VerifyReport
from cocon_desktop.services.invoicing import IssuedDocument, document_pdf
from cocon_desktop.services.payments import STATES, InvoiceStatus, Listing, status_page
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import StoredDocument
from cocon_desktop.ui.dialogs.credit_note_dialog import CreditNoteDialog
from cocon_desktop.ui.dialogs.document_viewer import DocumentViewer, with_stamps
from cocon_desktop.ui.dialogs.payment_dialog import PaymentDialog
from cocon_desktop.ui.formatting import french_date, money, month_year
from cocon_desktop.ui.i18n import error_text, message, ntr, tr
from cocon_desktop.ui.itemmodels.paged_rows_model import Cell, PagedRowsModel, PagedTableView
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.pin_prompt import pin_after

STATE_COLOURS = {"emise": "#1f4e8c", "envoyee": "#00695c", "payee": "#1b5e20", "partiellement_payee": "#a15c00",
                 "rejetee": "#b00020", "annulee": "#6b7280", "acceptee": "#00695c"}
KIND_LABELS = {"invoice": "Facture", "credit_note": "Avoir"}
COLUMNS = ("Numéro", "Type", "Date", "Enfant", "Période", "Réseau", "Total", "État", "Reste dû")


def state_text(status: InvoiceStatus) -> str:
    """« Rejetée par le réseau : <its reason> », « Payée le 24/11/2026 », else the state's name (issue 21)."""
    if status.state == "rejetee" and status.reason:
        return tr("Rejetée par le réseau : {0}").format(status.reason)
    if status.state == "payee" and status.paid_on is not None:
        return tr("Payée le {0}").format(french_date(status.paid_on))
    return tr(STATES.get(status.state, status.state))


def decision_note(status: InvoiceStatus | None) -> str:
    """Under the list, for a document the network rejected: its reason in full and, when it rejected this document
    alone, what to do (a credit note, then a corrected invoice)."""
    if status is None or status.state != "rejetee" or not status.reason:
        return ""
    note = f"{status.number} — " + tr("Rejetée par le réseau : {0}").format(status.reason)
    return f"{note}. {message('invoice_refused_advice')}" if status.refused else note


def period_text(first: date | None, last: date | None) -> str:
    """« octobre 2026 » for a whole month, else « 01/10 – 15/10/2026 » (the séances an invoice covers)."""
    if first is None or last is None:
        return ""
    if first.day == 1 and last == (first + timedelta(days=32)).replace(day=1) - timedelta(days=1):
        return month_year(first)
    return f"{first:%d/%m} – {french_date(last)}" if first.year == last.year else \
        f"{french_date(first)} – {french_date(last)}"


class DocumentsTab(QWidget):
    def __init__(self, practice: Callable[[], Practice | None], runner: TaskRunner, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.today = practice, runner, today
        self._reselect = ""  # the number selected before a reload, selected again when the first page is back
        self.viewer: DocumentViewer | None = None
        self.credit_dialog: CreditNoteDialog | None = None
        self.payment_dialog: PaymentDialog | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("État"), self))
        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("state_filter")
        self.state_filter.addItem(tr("Tous les documents"), "")
        for code, label in STATES.items():
            self.state_filter.addItem(tr(label), code)
        self.state_filter.currentIndexChanged.connect(lambda _: self.reload())
        top.addWidget(self.state_filter)
        top.addStretch(1)
        self.verify_button = QPushButton(tr("Vérifier l'intégrité"), self)
        self.verify_button.setObjectName("verify_button")
        self.verify_button.setToolTip(tr("Contrôle les chaînes des documents, des attestations et de l'historique, "
                                         "leurs empreintes, la numérotation sans trou, chaque signature et les "
                                         "données Factur-X de chaque facture, et les déclencheurs de la base"))
        self.verify_button.clicked.connect(self.verify)
        top.addWidget(self.verify_button)
        layout.addLayout(top)

        # paged in SQL: a page of 200 documents (state computed in SQL) is read as the view scrolls
        self.model: PagedRowsModel[InvoiceStatus] = PagedRowsModel([tr(c) for c in COLUMNS], self._cells, self,
                                                                   runner)
        self.model.page_loaded.connect(self._page_loaded)
        self.model.failed.connect(lambda e: self.say(error_text(e), error=True))
        self.table = PagedTableView(self.model, self)
        self.table.setObjectName("documents_table")
        self.table.setAccessibleName(tr("Documents émis"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("État"), QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.doubleClicked.connect(lambda _: self.view_pdf())
        layout.addWidget(self.table, 1)

        self.decision = QLabel(self)  # the network's reason for the selected document, as plain text (issue 21)
        self.decision.setObjectName("decision_note")
        self.decision.setTextFormat(Qt.TextFormat.PlainText)
        self.decision.setWordWrap(True)
        self.decision.setStyleSheet(f"color: {STATE_COLOURS['rejetee']};")
        self.decision.setVisible(False)
        layout.addWidget(self.decision)
        self.message = QLabel(self)
        self.message.setObjectName("documents_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.view_button = self._button("Voir le PDF", "view_pdf", self.view_pdf, buttons)
        self.save_button = self._button("Enregistrer le PDF…", "save_pdf", self.choose_pdf_file, buttons)
        buttons.addStretch(1)
        self.credit_button = self._button("Émettre un avoir…", "credit_note", self.open_credit_note, buttons)
        self.payment_button = self._button("Enregistrer un paiement…", "record_payment", self.open_payment, buttons)
        layout.addLayout(buttons)
        self._selection_changed()

    def _button(self, text: str, name: str, slot: Callable[[], None], row: QHBoxLayout) -> QPushButton:
        button = QPushButton(tr(text), self)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setVisible(bool(text))

    @property
    def rows(self) -> list[InvoiceStatus]:
        """The documents read so far (the pages the view has asked for), as shown."""
        return self.model.rows

    shown = rows

    def reload(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        listing = Listing(state=str(self.state_filter.currentData() or ""))
        selected = self.current()
        self._reselect = selected.number if selected is not None else self._reselect
        # kept by the model: reaches the practice as it is at each page (none while locked), not the one of now
        self.model.set_source(lambda offset, limit: self._page(listing, offset, limit))

    def _page(self, listing: Listing, offset: int, limit: int) -> list[InvoiceStatus]:
        practice = self.practice()
        if practice is None:
            raise DatabaseError("practice_closed")
        return practice.read(status_page, listing, offset, limit)

    def _page_loaded(self, offset: int) -> None:
        if offset == 0 and self._reselect:
            number, self._reselect = self._reselect, ""
            self.select(number)
        self._selection_changed()

    @staticmethod
    def _cells(status: InvoiceStatus) -> tuple[Cell, ...]:
        remaining = money(status.remaining) if status.kind == "invoice" else ""
        return (Cell(status.number), Cell(tr(KIND_LABELS.get(status.kind, status.kind))),
                Cell(french_date(status.issue_date)), Cell(status.child or (tr("tout le réseau") if status.kind ==
                                                                            "invoice" else "")),
                Cell(period_text(status.period_start, status.period_end)), Cell(status.network),
                Cell(money(status.total), right=True),
                Cell(state_text(status), colour=STATE_COLOURS.get(status.state, "#000000"), bold=True),
                Cell(remaining, right=True))

    def current(self) -> InvoiceStatus | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.shown):
            return None
        return self.shown[rows[0].row()]

    def select(self, number: str) -> None:
        for row, status in enumerate(self.shown):
            if status.number == number:
                self.table.selectRow(row)
                return

    def status_of(self, number: str) -> InvoiceStatus | None:
        """Among the documents read so far."""
        return next((r for r in self.rows if r.number == number), None)

    def _selection_changed(self) -> None:
        status = self.current()
        for button in (self.view_button, self.save_button):
            button.setEnabled(status is not None)
        self.credit_button.setEnabled(status is not None and status.kind == "invoice" and status.state != "annulee")
        self.payment_button.setEnabled(status is not None and status.kind == "invoice" and status.remaining > 0)
        note = decision_note(status)
        self.decision.setText(note)
        self.decision.setVisible(bool(note))

    def view_pdf(self) -> None:
        practice, status = self.practice(), self.current()
        if practice is None or status is None:
            return
        number = status.number
        self.runner.run(lambda: with_stamps(practice.read(document_pdf, number)),
                        lambda pdf: self._show_pdf(number, pdf), lambda e: self.say(error_text(e), error=True))

    def _show_pdf(self, number: str, pdf: bytes) -> None:
        if self.viewer is not None:
            self.viewer.close()
        self.viewer = DocumentViewer(StoredDocument(0, f"{number}.pdf", "application/pdf", pdf), self)
        self.viewer.open()

    def choose_pdf_file(self) -> None:
        status = self.current()
        if status is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Enregistrer le PDF"), str(Path.home() / f"{status.number}.pdf"),
                                              tr("Documents PDF (*.pdf)"))
        if path:
            self.save_pdf(status.number, Path(path))

    def save_pdf(self, number: str, path: Path) -> None:
        practice = self.practice()
        if practice is None:
            return

        def write() -> None:
            atomic_write(path, practice.read(document_pdf, number), private_dir=False)

        self.runner.run(write, lambda _: self.say(tr("{0} enregistré dans {1}.").format(number, path)),
                        lambda e: self.say(error_text(e), error=True))

    def open_credit_note(self) -> None:
        practice, status = self.practice(), self.current()
        if practice is None or status is None or status.kind != "invoice":
            return
        number = status.number
        self.runner.run(lambda: practice.read(lines_of, number), lambda lines: self._credit_dialog(number, lines),
                        lambda e: self.say(error_text(e), error=True))

    def _credit_dialog(self, number: str, lines: list[LineRow]) -> None:
        self.credit_dialog = CreditNoteDialog(number, lines, self)
        self.credit_dialog.submitted.connect(lambda chosen: self.issue_credit_note(number, chosen))
        self.credit_dialog.open()

    def issue_credit_note(self, number: str, line_numbers: list[int], pin: str | None = None) -> None:
        """The dialog stays open until the credit note is signed; a token's PIN is asked when needed."""
        practice = self.practice()
        if practice is None or not line_numbers:
            if self.credit_dialog is not None:
                self.credit_dialog.set_busy(False)
            return
        day = self.today()
        self.runner.run_op(lambda _report: practice.write(issue_credit_note, number, line_numbers, day, pin),
                           lambda document: self._credited(number, document),
                           lambda e: self._credit_failed(number, line_numbers, e))

    def _credit_failed(self, number: str, line_numbers: list[int], error: BaseException) -> None:
        dialog = self.credit_dialog
        if dialog is None or not dialog.isVisible():  # closed while signing: said in the tab
            self.say(error_text(error), error=True)
            return
        pin = pin_after(dialog, error)  # a token's PIN (hidden, never stored), for this credit note only
        if pin:
            self.issue_credit_note(number, line_numbers, pin)
        else:
            dialog.failed(error_text(error))  # the chosen lines stay: try again or cancel

    def _credited(self, number: str, document: IssuedDocument) -> None:
        if self.credit_dialog is not None:
            self.credit_dialog.done_issuing()
        self.say(tr("Avoir {0} émis et signé sur la facture {1} ({2}).").format(document.number, number,
                                                                              money(document.total)))

    def open_payment(self) -> None:
        status = self.current()
        if status is None or self.practice() is None:
            return
        self.payment_dialog = PaymentDialog(status, self.practice, self.runner, self.today, self)
        self.payment_dialog.recorded.connect(self._paid)
        self.payment_dialog.open()

    def _paid(self, status: InvoiceStatus) -> None:
        self.say(tr("Paiement enregistré : facture {0}, {1}.").format(status.number,
                                                                     tr(STATES.get(status.state, status.state))))

    def verify(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        self.verify_button.setEnabled(False)
        self.runner.run(lambda: verify_practice(practice), self._verified, self._verify_failed)

    def _verified(self, report: VerifyReport) -> None:
        self.verify_button.setEnabled(True)
        if report.ok:
            self.say(tr("Vérification réussie : {0}, {1} et {2} de l'historique ; chaînes, empreintes, numérotation, "
                        "signatures et factures électroniques (Factur-X) intactes, déclencheurs conformes.").format(
                ntr("{0} document", "{0} documents", report.checked).format(report.checked),
                ntr("{0} attestation", "{0} attestations", report.attestations).format(report.attestations),
                ntr("{0} entrée", "{0} entrées", report.audit_entries).format(report.audit_entries)))
        else:
            self.say(tr("Vérification échouée : {0}").format(message(report.code, report.data)), error=True)

    def _verify_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.say(error_text(error), error=True)
