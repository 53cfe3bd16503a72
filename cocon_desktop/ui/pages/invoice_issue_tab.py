"""« Émettre »: the invoices a period would bring, then the run that numbers, signs and stores them (through
`runner.run_op`, with its progress and a Cancel that leaves nothing issued: ui/widgets/progress_panel.py); the
network's address asked for when it is missing. After a run the views showing invoices and séances (this preview,
the documents, the unpaid list, the status bar's count…) read again from the write's Changes (ui/views.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import CoconError
from cocon_desktop.services.invoice_documents import (
    NetworkAddress,
    issue_period,
    set_network_address,
    stored_network_address,
)
from cocon_desktop.services.invoice_drafts import DraftInvoice
from cocon_desktop.services.invoice_payers import PayerChoice, invoice_payers
from cocon_desktop.services.invoicing import IssuedDocument, preview_run
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.ui.dialogs.draft_detail_dialog import DraftDetailDialog
from cocon_desktop.ui.formatting import money, month_year
from cocon_desktop.ui.i18n import error_text, ntr, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.network_address_form import NetworkAddressForm
from cocon_desktop.ui.widgets.period_picker import months
from cocon_desktop.ui.widgets.pin_prompt import pin_after
from cocon_desktop.ui.widgets.progress_panel import ProgressPanel


def issue_button_text(count: int) -> str:
    """« Émettre et signer la facture », « … les 3 factures »; with nothing to issue « Aucune facture à émettre »
    (the button is then disabled), never « les 0 factures »."""
    if count == 0:
        return tr("Aucune facture à émettre")
    return tr("Émettre et signer la facture") if count == 1 else tr("Émettre et signer les {0} factures").format(count)


PREVIEW_COLUMNS = ("Enfant", "N° d'inclusion", "Dates des séances", "Actes", "Montant")


def days_text(days: tuple[date, ...]) -> str:
    """« 02, 09, 16, 23/10 »: the days of one month, the month said once; « 28/09, 05/10 » across months."""
    if not days:
        return ""
    if len({(d.year, d.month) for d in days}) == 1:
        return ", ".join(f"{d:%d}" for d in days[:-1]) + (", " if len(days) > 1 else "") + f"{days[-1]:%d/%m}"
    return ", ".join(f"{d:%d/%m}" for d in days)


def grand_total(drafts: list[DraftInvoice]) -> Decimal:
    return sum((d.total for d in drafts), Decimal("0.00"))


class AddressForm(QWidget):
    """The network's address and SIREN/SIRET when none is stored yet: saved, then the run goes on."""

    submitted = Signal(object)  # NetworkAddress, as the service checked it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("address_form")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = NetworkAddressForm("address", tr("9 chiffres (SIREN) ou 14 (SIRET) ; facultatif."), self)
        self.boxes = self.form.boxes
        self.street, self.postcode, self.city = (self.form.edits[name] for name in ("street", "postcode", "city"))
        layout.addWidget(self.form)
        self.save_button = QPushButton(tr("Enregistrer l'adresse et émettre"), self)
        self.save_button.setObjectName("save_address")
        self.save_button.clicked.connect(self.submit)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)

    def submit(self) -> None:
        address = self.form.checked()
        if address is not None:
            self.submitted.emit(address)


class IssueTab(QWidget):
    def __init__(self, practice: Callable[[], Practice | None], runner: TaskRunner, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.practice, self.runner, self.today = practice, runner, today
        self.drafts: list[DraftInvoice] = []
        self._network_chosen = False
        self.payers: dict[str, PayerChoice] = {}  # the other pathways' payers the combo offers after the networks
        self._wanted = ""  # a payer asked for (choose) before the payers were read
        layout = QVBoxLayout(self)

        choice = QHBoxLayout()
        self.network = QComboBox(self)
        self.network.setObjectName("issue_network")
        for code, network in NETWORKS.items():
            self.network.addItem(f"{code} — {network.name}", code)
        self.month = QComboBox(self)
        self.month.setObjectName("issue_month")
        for first, last in months(today()):
            self.month.addItem(month_year(first).capitalize(), (first, last))
        self.month.setCurrentIndex(1)  # the previous month
        self.payer_label = QLabel(tr("Réseau"), self)
        choice.addWidget(self.payer_label)
        choice.addWidget(self.network, 1)
        choice.addSpacing(16)
        choice.addWidget(QLabel(tr("Mois des séances"), self))
        choice.addWidget(self.month)
        layout.addLayout(choice)
        self.network.currentIndexChanged.connect(self._choice_changed)
        self.month.currentIndexChanged.connect(lambda _: self.reload())

        # the child's name and the séances' dates: this screen is the practitioner's own (the invoice and the
        # batch keep to the inclusion number and initials); a double-click or Entrée shows the line's séances
        self.table = QTableWidget(0, len(PREVIEW_COLUMNS), self)
        self.table.setObjectName("preview_table")
        self.table.setAccessibleName(tr("Aperçu des factures à émettre"))
        self.table.setHorizontalHeaderLabels([tr(c) for c in PREVIEW_COLUMNS])
        self.table.setToolTip(tr("Double-cliquez (ou Entrée) sur une ligne pour voir ses séances."))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.activated.connect(lambda index: self.show_detail(index.row()))
        self.detail: DraftDetailDialog | None = None
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PREVIEW_COLUMNS.index("Dates des séances"), QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.total = QLabel(self)
        self.total.setObjectName("preview_total")
        self.total.setStyleSheet("font-size: 12pt; font-weight: bold;")
        layout.addWidget(self.total, 0, Qt.AlignmentFlag.AlignRight)

        self.message = QLabel(self)
        self.message.setObjectName("issue_message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.address_form = AddressForm(self)
        self.address_form.setVisible(False)
        self.address_form.submitted.connect(self.save_address)
        layout.addWidget(self.address_form)

        actions = QHBoxLayout()
        self.progress = ProgressPanel(lambda n, total: tr("Facture {0} sur {1}").format(n, total), self)
        self.progress.setObjectName("issue_progress")
        self.progress.running.connect(self._running)
        actions.addWidget(self.progress, 1)
        actions.addStretch(1)
        self.issue_button = QPushButton(issue_button_text(0), self)
        self.issue_button.setObjectName("issue_button")
        self.issue_button.setDefault(True)
        self.issue_button.clicked.connect(self.confirm_and_issue)
        actions.addWidget(self.issue_button)
        layout.addLayout(actions)
        self._show_drafts([])

    @property
    def running(self) -> bool:
        return self.progress.is_running

    def selected_network(self) -> str:
        """The payer chosen: a COCON network (RPM…) or another pathway's payer (PCO1…)."""
        return str(self.network.currentData())

    def choose(self, code: str) -> None:
        """Select the payer `code` (a dashboard line's): now when offered, else once the payers are read."""
        self._wanted, self._network_chosen = code, True
        index = self.network.findData(code)
        if index >= 0:
            self._wanted = ""
            self.network.setCurrentIndex(index)

    def _selected_payer(self) -> PayerChoice | None:
        """The chosen payer when it is not a COCON network."""
        return self.payers.get(self.selected_network())

    def period(self) -> tuple[date, date]:
        first, last = self.month.currentData()
        return first, last

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setVisible(bool(text))

    def _choice_changed(self) -> None:
        self._network_chosen = True
        self.address_form.setVisible(False)
        self.reload()

    def reload(self) -> None:
        practice = self.practice()
        if practice is None or self.running:
            return
        if not self._network_chosen:  # the practice's own network, until the user picks another
            self.runner.run(lambda: practice.read(load_profile).network, self._default_network, lambda _: None)
        self.runner.run(lambda: practice.read(invoice_payers), self._show_payers, lambda _: None)
        network, (first, last) = self.selected_network(), self.period()
        self.runner.run(lambda: practice.read(preview_run, network, first, last), self._show_drafts,
                        lambda e: self.say(error_text(e), error=True))

    def _show_payers(self, choices: list[PayerChoice]) -> None:
        """The networks, then the other pathways' payers (a plateforme added or disabled in Paramètres shows here
        at the next reload); the choice is kept while it is still offered, or becomes the payer asked for."""
        payers = {choice.code: choice for choice in choices}
        if payers == self.payers:
            return
        before = self.selected_network()
        wanted = self._wanted if self._wanted in payers else before
        self.network.blockSignals(True)
        while self.network.count() > len(NETWORKS):
            self.network.removeItem(self.network.count() - 1)
        for choice in choices:
            self.network.addItem(f"{choice.code} — {choice.name}", choice.code)
        self.payers = payers
        index = self.network.findData(wanted)
        self.network.setCurrentIndex(max(index, 0))
        self.network.blockSignals(False)
        self.payer_label.setText(tr("Payeur") if payers else tr("Réseau"))
        if self._wanted in payers:
            self._wanted = ""
        if self.selected_network() != before:  # the preview asked for was of the former choice
            self.reload()

    def _default_network(self, code: str) -> None:
        if self._network_chosen:  # the user (or a dashboard line) chose while the profile was read
            return
        index = self.network.findData(code)
        if index >= 0 and index != self.network.currentIndex():
            self.network.blockSignals(True)
            self.network.setCurrentIndex(index)
            self.network.blockSignals(False)
            self.reload()

    def _show_drafts(self, drafts: list[DraftInvoice]) -> None:
        payer = self._selected_payer()
        if drafts and drafts[0].network != self.selected_network():
            return  # the preview of a payer no longer chosen (the choice changed while it was read)
        milestones = bool(drafts) and all(line.seance_id is None for d in drafts for line in d.lines)
        for column, text in ((1, payer.reference_label if payer else tr(PREVIEW_COLUMNS[1])),
                             (2, tr("Jalons atteints le") if milestones else tr(PREVIEW_COLUMNS[2])),
                             (3, tr("Versements") if milestones else tr(PREVIEW_COLUMNS[3]))):
            header = self.table.horizontalHeaderItem(column)
            if header is not None:
                header.setText(text)
        self.drafts = drafts
        self.table.setRowCount(0)  # items set into empty rows: replacing 192 shown items took 180 ms (large demo)
        self.table.setRowCount(len(drafts))
        for row, draft in enumerate(drafts):
            per_child = draft.child_id is not None and bool(draft.lines)
            cells = (draft.child_name if per_child else tr("tout le réseau"),
                     draft.lines[0].inclusion_number if per_child else "", days_text(draft.days),
                     str(len(draft.lines)), money(draft.total))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        grand = grand_total(drafts)
        nothing = (tr("Aucun versement à facturer pour ce payeur et ce mois.") if payer else
                   tr("Aucune séance à facturer pour ce réseau et ce mois."))
        self.total.setText(tr("Total : {0}").format(money(grand)) if drafts else nothing)
        count = len(drafts)
        self.issue_button.setText(issue_button_text(count))
        self.issue_button.setEnabled(count > 0 and not self.running)

    def show_detail(self, row: int) -> None:
        """The séances of the preview's line `row` (double-click, Entrée)."""
        if not 0 <= row < len(self.drafts):
            return
        self.detail = DraftDetailDialog(self.drafts[row], self.window())
        self.detail.open()

    def confirm_and_issue(self) -> None:
        """The network's address first (issue 18, #6: asked before « Émettre » is confirmed, not after), then the
        confirmation, then the run."""
        practice = self.practice()
        if not self.drafts or self.running or practice is None:
            return
        network = self.selected_network()
        if self._selected_payer() is not None:  # its address is its row in Paramètres (required there)
            self._confirm(network, None, needs_address=False)
            return
        self.runner.run(lambda: practice.read(stored_network_address, network),
                        lambda address: self._confirm(network, address), lambda e: self.say(error_text(e), error=True))

    def _confirm(self, network: str, address: NetworkAddress | None, *, needs_address: bool = True) -> None:
        count = len(self.drafts)
        if not count or self.running or network != self.selected_network():
            return
        if address is None and needs_address:  # given here, or in Paramètres › Réseaux
            self._ask_address(CoconError("network_address_missing", network=network))
            return
        answer = QMessageBox.question(
            self, tr("Émettre les factures"),
            ntr("Émettre et signer {0} facture pour un total de {1} ?", "Émettre et signer {0} factures pour un "
                "total de {1} ?", count).format(count, money(grand_total(self.drafts))) + "\n\n"
            + tr("Les numéros attribués sont définitifs : une facture émise ne peut plus être modifiée ni supprimée, "
                 "seulement annulée par un avoir."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.issue()

    def issue(self, pin: str | None = None) -> None:
        practice = self.practice()
        if practice is None or self.running:
            return
        network, (first, last), day = self.selected_network(), self.period(), self.today()
        self.say("")
        self.runner.run_op(lambda report: practice.write(issue_period, network, first, last, day, report, pin),
                           self._issued, self._failed, progress=self.progress)

    def cancel(self) -> None:
        """« Annuler »: the run stops at its next safe point and nothing is issued."""
        self.progress.cancel()

    def _running(self, running: bool) -> None:
        for widget in (self.network, self.month, self.issue_button):
            widget.setEnabled(not running)
        if not running:
            self.issue_button.setEnabled(bool(self.drafts))

    def _issued(self, documents: list[IssuedDocument]) -> None:
        """The preview, the documents and the unpaid list have read again (the write's Changes): only the sentence."""
        self.address_form.setVisible(False)
        if documents:
            span = documents[0].number if len(documents) == 1 else f"{documents[0].number} à {documents[-1].number}"
            self.say(ntr("{0} facture émise et signée : {1}.", "{0} factures émises et signées : {1}.",
                         len(documents)).format(len(documents), span))

    def _failed(self, error: BaseException) -> None:
        """Nothing was issued (the views read again all the same: a failed write announces its changes)."""
        if isinstance(error, CoconError) and error.code == "network_address_missing":
            self._ask_address(error)
            return
        pin = pin_after(self, error)
        if pin:
            self.issue(pin)
            return
        self.say(error_text(error), error=True)

    def _ask_address(self, error: CoconError) -> None:
        self.say(error_text(error), error=True)
        self.address_form.setVisible(True)
        self.address_form.street.setFocus()

    def save_address(self, address: NetworkAddress) -> None:
        practice = self.practice()
        if practice is None:
            return
        network = self.selected_network()
        self.runner.run_op(lambda _report: practice.write(set_network_address, network, address),
                           lambda _: self._address_saved(), lambda e: self.say(error_text(e), error=True))

    def _address_saved(self) -> None:
        self.address_form.setVisible(False)
        self.say("")
        self.confirm_and_issue()  # now the confirmation, then the run
