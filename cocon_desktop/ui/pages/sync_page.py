"""Synchronisation: per network, the documents waiting for a batch and the button that closes one (signs its
manifest); the batches with their state, receipt and attempts; « Envoyer maintenant » (in the background, with
its progress and a Cancel; greyed while no network has an address of reception, its tooltip says why), « Exporter… »
(the batch becomes « Exporté (à remettre au réseau) »), « Vérifier un fichier de lot… »; the network's address of
reception (the dialog Paramètres › Réseaux also opens).
Every service call goes through the runner; the practice is asked for when needed, None while locked. Closing,
sending, exporting and saving an address are writes run by `runner.run_op`: this page, the status bar's « N à
envoyer » and the dashboard read again from their Changes (ui/views.py), not from a signal of this page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.services.batches import (
    BatchSummary,
    PendingDocument,
    close_batch,
    export_batch,
    list_batches,
    pending_documents,
)
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.network_endpoints import endpoint, networks_with_endpoint
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.ui.dialogs.endpoint_dialog import EndpointDialog
from cocon_desktop.ui.formatting import money
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.itemmodels.batches_model import COLUMNS, STRETCHED, BatchesModel, details_text, documents_text
from cocon_desktop.ui.itemmodels.paged_rows_model import SIZE_SAMPLE
from cocon_desktop.ui.pages.sync_sending import SyncSender, report_text
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.column_fit import fit_columns
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.pin_prompt import pin_after
from cocon_desktop.ui.widgets.progress_panel import ProgressPanel

if TYPE_CHECKING:  # the checks import factur-x and pyHanko: only when a file is verified
    from cocon_desktop.services.sync_run import SyncReport
    from cocon_exchange.batch_verify import BatchCheck


def utc_now() -> datetime:
    return datetime.now(UTC)


class SyncPage(QWidget):
    # ui/views.py: what this page shows; it reads again after a write that changed any of it
    SHOWS = Changes.BATCHES | Changes.INVOICES | Changes.PAYMENTS | Changes.ENDPOINTS | Changes.PROFILE

    def __init__(self, runner: TaskRunner, now: Callable[[], datetime] = utc_now,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.now = runner, now
        self.practice: Practice | None = None
        self.pending_total = (0, Decimal("0.00"))
        self.select_next: int | None = None
        self.endpoint_dialog: EndpointDialog | None = None
        self._network_chosen = False
        self.sendable: list[str] = []  # the networks with an address of reception: « Envoyer maintenant » needs one
        self.sending_now = False
        # the bar and « Annuler » of a sending, driven by runner.run_op (shown while a run sends)
        self.progress = ProgressPanel(lambda n, total: tr("{0} sur {1}").format(n, total), self)
        self.progress.setObjectName("sync_progress")
        self.cancel_button = self.progress.cancel_button
        self.sending = SyncSender(self.current_practice, runner, now, self.progress, self)
        self.sending.started.connect(self._send_started)
        self.sending.finished.connect(self._sent)
        self.sending.failed.connect(self._send_failed)
        layout = QVBoxLayout(self)
        heading = QLabel(tr("Synchronisation"), self)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(heading)

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Réseau"), self))
        self.network = QComboBox(self)
        self.network.setObjectName("sync_network")
        for code, network in NETWORKS.items():
            self.network.addItem(f"{code} — {network.name}", code)
        self.network.currentIndexChanged.connect(self._network_changed)
        top.addWidget(self.network)
        top.addSpacing(12)
        self.pending_label = QLabel(self)
        self.pending_label.setObjectName("pending_label")
        top.addWidget(self.pending_label, 1)
        self.close_button = self._button("", "close_batch", self.close_batch, top)
        layout.addLayout(top)
        address = QHBoxLayout()
        self.endpoint_label = QLabel(self)
        self.endpoint_label.setObjectName("endpoint_label")
        self.endpoint_label.setStyleSheet("color: #4b5563;")
        self.endpoint_label.setWordWrap(True)  # a long sentence must not widen the page past a 1366 px screen
        address.addWidget(self.endpoint_label, 1)
        self.endpoint_button = self._button("Adresse de réception…", "endpoint_button", self.open_endpoint, address)
        layout.addLayout(address)

        self.model = BatchesModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("batches_table")
        self.table.setAccessibleName(tr("Lots de facturation"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(SIZE_SAMPLE)  # 50 rows sized, not the 355 batches of a large practice
        for name in STRETCHED:
            header.setSectionResizeMode(COLUMNS.index(name), QHeaderView.ResizeMode.Stretch)
        fit_columns(self.table)  # sized when the batches arrive, not at every resize
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        layout.addWidget(self.table, 1)
        self.details = QLabel(self)
        self.details.setObjectName("batch_details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # holds the network's words: never rich text (#8)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setStyleSheet("background: #f3f5f8; padding: 8px; border-radius: 4px;")
        layout.addWidget(self.details)

        self.message = QLabel(self)
        self.message.setObjectName("sync_message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # a run's report quotes the network (issue 19, #8)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        actions = QHBoxLayout()
        actions.addWidget(self.progress, 1)
        actions.addStretch(1)
        self.verify_button = self._button("Vérifier un fichier de lot…", "verify_batch", self.choose_verify, actions)
        self.export_button = self._button("Exporter…", "export_batch", self.choose_export, actions)
        self.send_button = self._button("Envoyer maintenant", "send_now", self.send_now, actions)
        layout.addLayout(actions)
        self._show_pending([])
        self._selection_changed()
        self._update_send_button()

    def _button(self, text: str, name: str, slot: Callable[[], object], row: QHBoxLayout) -> QPushButton:
        button = QPushButton(tr(text) if text else "", self)
        button.setObjectName(name)
        button.clicked.connect(lambda _=False: slot())
        row.addWidget(button)
        return button

    # -- state -------------------------------------------------------------------------------------------------

    def current_practice(self) -> Practice | None:
        return self.practice

    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        """None while locked (the automatic sending stops); after an unlock (reload=False) the views stay."""
        self.practice = practice
        if practice is None:
            self.sending.stop_timer()
            return
        self.sending.start_timer(at_once=reload)
        if reload and self.isVisible():
            self.reload()

    def selected_network(self) -> str:
        return str(self.network.currentData())

    def choose_network(self, code: str) -> None:
        """Show `code`'s batches (a dashboard line's network), as if the user had picked it: the practice's own
        network, loaded on the first showing, does not replace it."""
        index = self.network.findData(code)
        if index < 0:
            return
        self._network_chosen = True
        if index != self.network.currentIndex():
            self.network.setCurrentIndex(index)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setVisible(bool(text))

    def reload(self) -> None:
        practice = self.practice
        if practice is None:
            return
        network = self.selected_network()
        if not self._network_chosen:  # first the practice's own network, then what the user picks
            self._network_chosen = True
            self.runner.run(lambda: practice.read(load_profile).network, self._default_network,
                            lambda _: self.reload())
            return
        failed = self._failed
        # a PCO's batches are exported only, never sent (issue 22): not listed here, where batches go to networks
        self.runner.run(lambda: practice.read(list_batches, sendable_only=True), self._show_batches, failed)
        self.runner.run(lambda: practice.read(pending_documents, network), self._show_pending, failed)

        def address() -> str:
            point = practice.read(endpoint, network)
            return point.url if point is not None else ""

        self.runner.run(address, lambda url: self._show_endpoint(network, url), failed)
        self.runner.run(lambda: practice.read(networks_with_endpoint), self._show_sendable, failed)

    def _default_network(self, code: str) -> None:
        index = self.network.findData(code)
        if index >= 0 and index != self.network.currentIndex():
            self.network.blockSignals(True)
            self.network.setCurrentIndex(index)
            self.network.blockSignals(False)
        self.reload()

    def _network_changed(self) -> None:
        self._network_chosen = True
        self.reload()

    def _failed(self, error: BaseException) -> None:
        self.say(error_text(error), error=True)

    def _show_pending(self, documents: list[PendingDocument]) -> None:
        count = len(documents)
        total = sum((d.total if d.kind == "invoice" else -d.total for d in documents), Decimal("0.00"))
        self.pending_total = (count, total)
        self.pending_label.setText(
            tr("Aucun document n'attend d'être mis en lot.") if not count else
            tr("{0} en attente de lot — {1}").format(documents_text(count), money(total)))
        self.close_button.setText(tr("Clore un lot ({0})").format(documents_text(count)))
        self.close_button.setEnabled(count > 0 and self.practice is not None)

    def _show_endpoint(self, network: str, url: str) -> None:
        self.endpoint_label.setText(
            tr("Les lots du réseau {0} lui sont envoyés à {1}.").format(network, url) if url else
            tr("Aucune adresse de réception pour le réseau {0} : exportez ses lots et remettez-les au réseau "
               "(son portail), ou donnez son adresse de réception (« Adresse de réception… », ou Paramètres › "
               "Réseaux).").format(network))

    def _show_sendable(self, networks: list[str]) -> None:
        self.sendable = list(networks)
        self._update_send_button()

    def _update_send_button(self) -> None:
        """« Envoyer maintenant » only when a network has an address of reception (and no sending runs): without
        one, nothing can be sent — the tooltip says why and what to do instead."""
        can = bool(self.sendable) and not self.sending_now and self.practice is not None
        self.send_button.setEnabled(can)
        if self.sendable:
            self.send_button.setToolTip(tr("Envoyer maintenant les lots en attente aux réseaux qui ont une adresse "
                                           "de réception : {0}.").format(", ".join(self.sendable)))
        else:
            self.send_button.setToolTip(tr("Aucun réseau n'a d'adresse de réception : rien ne peut être envoyé. "
                                           "Donnez-la avec « Adresse de réception… » ou dans Paramètres › Réseaux, "
                                           "ou exportez les lots (« Exporter… ») pour les remettre au réseau."))

    def _show_batches(self, rows: list[BatchSummary]) -> None:
        selected = self.current()
        self.model.set_rows(rows)
        target = self.select_next if self.select_next is not None else selected.id if selected is not None else None
        self.select_next = None
        if target is not None:
            self.select(target)
        self._selection_changed()

    def current(self) -> BatchSummary | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.rows):
            return None
        return self.model.rows[rows[0].row()]

    def select(self, batch_pk: int) -> None:
        row = self.model.row_of(batch_pk)
        if row >= 0:
            self.table.selectRow(row)

    def _selection_changed(self) -> None:
        batch = self.current()
        self.details.setText(details_text(batch) if batch is not None else
                             tr("Sélectionnez un lot pour voir son détail."))
        self.export_button.setEnabled(batch is not None)

    # -- closing a batch ---------------------------------------------------------------------------------------

    def close_batch(self, pin: str | None = None) -> None:
        practice = self.practice
        if practice is None or not self.pending_total[0]:
            return
        network, moment = self.selected_network(), self.now()
        self.close_button.setEnabled(False)
        self.say(tr("Préparation et signature du lot…"))
        self.runner.run_op(lambda _report: practice.write(close_batch, network, moment, pin), self._closed,
                           self._close_failed)

    def _closed(self, batch: BatchSummary) -> None:
        """The page is reading its lists again (the write's Changes came first): the new batch is selected."""
        self.say(tr("Lot clos pour le réseau {0} : {1}, {2} — fichier {3}. Envoyez-le, ou exportez-le pour le "
                    "portail du réseau.").format(
            batch.network, documents_text(batch.documents), money(batch.total),
            batch.file_name))
        if self.model.row_of(batch.id) >= 0:
            self.select(batch.id)
        else:
            self.select_next = batch.id  # once the list is back (from the background)

    def _close_failed(self, error: BaseException) -> None:
        pin = pin_after(self, error)
        if pin:
            self.close_batch(pin)
            return
        self.say(error_text(error), error=True)

    # -- sending -------------------------------------------------------------------------------------------------

    def send_now(self) -> None:
        self.sending.send_now()

    def cancel_send(self) -> None:
        self.sending.cancel()

    def _send_started(self, manual: bool) -> None:
        self.sending_now = True
        self._update_send_button()
        if manual:
            self.say(tr("Envoi en cours…"))

    def _sent(self, report: SyncReport | None) -> None:
        self.sending_now = False
        self._update_send_button()
        if report is None:  # an automatic look at the outbox: nothing due
            return
        self.say(report_text(report), error=bool(report.errors or report.rejected or report.behind
                                                  or report.refused_documents))

    def _send_failed(self, error: BaseException) -> None:
        self.sending_now = False
        self._update_send_button()
        self.say(error_text(error), error=True)

    # -- export and verification -----------------------------------------------------------------------------------

    def choose_export(self) -> None:
        batch = self.current()
        if batch is None:
            return
        folder = QFileDialog.getExistingDirectory(self, tr("Exporter le lot dans le dossier"), str(Path.home()))
        if folder:
            self.export(batch.id, Path(folder))

    def export(self, batch_pk: int, folder: Path) -> None:
        practice = self.practice
        if practice is None:
            return
        moment = self.now()
        self.runner.run_op(lambda _report: practice.write(export_batch, batch_pk, folder, moment), self._exported,
                           self._failed)

    def _exported(self, path: Path) -> None:
        self.say(tr("Lot exporté : {0} — à remettre au réseau (son portail, un dépôt).").format(path))

    def choose_verify(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Vérifier un fichier de lot"), str(Path.home()),
                                              tr("Lots de facturation (*.zip)"))
        if path:
            self.verify(Path(path))

    def verify(self, path: Path) -> None:
        self.verify_button.setEnabled(False)
        self.say(tr("Vérification de {0}…").format(path.name))
        from cocon_exchange.batch_verify import verify_batch

        self.runner.run(lambda: verify_batch(path.read_bytes()), lambda check: self._verified(path, check),
                        self._verify_failed)

    def _verified(self, path: Path, check: BatchCheck) -> None:
        self.verify_button.setEnabled(True)
        fault = check.first_fault
        if fault is None:
            self.say(tr("Lot valide : {0} — réseau {1}, {2}, {3} ; empreintes, signatures et totaux "
                        "vérifiés.").format(path.name, check.network,
                                            documents_text(check.documents),
                                            money(check.total)))
        else:
            self.say(tr("Lot invalide : {0} — {1}").format(path.name, fault.message), error=True)

    def _verify_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.say(error_text(error), error=True)

    # -- address of reception ---------------------------------------------------------------------------------------

    def open_endpoint(self) -> None:
        if self.practice is None:
            return
        self.endpoint_dialog = EndpointDialog(self.selected_network(), self.current_practice, self.runner, self)
        self.endpoint_dialog.saved.connect(lambda network: self._endpoint_saved(network))
        self.endpoint_dialog.open()

    def _endpoint_saved(self, network: str) -> None:
        self.say(tr("Adresse de réception du réseau {0} enregistrée.").format(network))
