"""A child's file: header (name, inclusion number, age and corrected age, network) and its tabs.

It reads again when the Enfants page does (ChildrenPage.reload, called after a write that changed what it shows,
ui/views.py): the writes made from it (the child edited, a prescription, a séance, an export, an erasure) reach it
that way, like those made anywhere else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.services.child_documents import DocumentInfo, list_documents
from cocon_desktop.services.child_relay import RelayInfo, prescription_payers, relay_info
from cocon_desktop.services.children import ChildRecord, ChildRow, get_child
from cocon_desktop.services.forfaits import ForfaitLine, child_forfaits
from cocon_desktop.services.pathway_store import enabled_pathways
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescribers import list_prescribers
from cocon_desktop.services.prescriptions import PrescriptionRecord, StoredDocument, delete_prescription, get_document
from cocon_desktop.services.seances import SeanceRow, child_seances
from cocon_desktop.ui.dialogs.attestation_dialog import AttestationDialog
from cocon_desktop.ui.dialogs.child_dialog import ChildDialog
from cocon_desktop.ui.dialogs.document_viewer import DocumentViewer
from cocon_desktop.ui.dialogs.prescription_dialog import PrescriptionDialog
from cocon_desktop.ui.dialogs.quick_seance_dialog import QuickSeanceDialog
from cocon_desktop.ui.dialogs.relay_dialog import RelayDialog
from cocon_desktop.ui.formatting import age_text, file_size, french_date
from cocon_desktop.ui.i18n import agreed, error_text, tr
from cocon_desktop.ui.pages.child_history_tab import ChildHistoryTab
from cocon_desktop.ui.pages.child_privacy import ChildPrivacyBar
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.child_seances_view import ChildSeancesView
from cocon_desktop.ui.widgets.child_summary import FamilyView, IdentityView
from cocon_desktop.ui.widgets.forfait_card import ForfaitCard
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

DOCUMENT_KINDS = {"prescription_scan": "Ordonnance scannée"}


@dataclass(frozen=True)
class ChildFileContent:
    record: ChildRecord
    forfaits: list[ForfaitLine]
    prescribers: dict[int, str]  # id → "Dr Prénom NOM"
    documents: list[DocumentInfo]
    seances: list[SeanceRow]
    pathways: tuple[str, ...] = ()  # the pathways the practice works with (« Relais vers une PCO » needs pco-tnd)
    relay: RelayInfo | None = None  # the child was handed over to another pathway's payer (a PCO)
    payers: dict[int, str] = field(default_factory=dict)  # prescription id → who pays it (RPM, PCO1)


def load_file(practice: Practice, child_id: int, today: date) -> ChildFileContent:
    """Runs in the background: everything the file shows, read at once."""
    return ChildFileContent(
        record=practice.read(get_child, child_id), forfaits=practice.read(child_forfaits, child_id, today),
        prescribers={p.id: p.display_name for p in practice.read(list_prescribers) if p.id is not None},
        documents=practice.read(list_documents, child_id), seances=practice.read(child_seances, child_id),
        pathways=tuple(p.id for p in practice.read(enabled_pathways)), relay=practice.read(relay_info, child_id),
        payers=practice.read(prescription_payers, child_id))


class ChildFile(QWidget):
    back_requested = Signal()
    seance_recorded = Signal(int, str)  # from the Séances tab: the séance's id, what it was (for undo)

    def __init__(self, practice: PracticeSource, runner: TaskRunner, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.open_practice, self.runner, self.today = practice, runner, today
        self.content: ChildFileContent | None = None
        self.child_id: int | None = None
        self.cards: list[ForfaitCard] = []
        self.child_dialog: ChildDialog | None = None
        self.prescription_dialog: PrescriptionDialog | None = None
        self.confirm: QMessageBox | None = None
        self.viewer: DocumentViewer | None = None
        self.seance_dialog: QuickSeanceDialog | None = None
        self.attestation_dialog: AttestationDialog | None = None
        self.relay_dialog: RelayDialog | None = None
        self.setObjectName("child_file")
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.back_button = QPushButton(tr("← Retour à la liste"), self)
        self.back_button.setObjectName("back_to_list")
        self.back_button.clicked.connect(self.back_requested)
        top.addWidget(self.back_button)
        top.addStretch(1)
        self.attestations_button = QPushButton(tr("Attestations…"), self)
        self.attestations_button.setObjectName("child_attestations_button")
        self.attestations_button.setToolTip(tr("Attestations pour la famille : prise en charge, séances, annuelle"))
        self.attestations_button.clicked.connect(self.open_attestations)
        top.addWidget(self.attestations_button)
        self.relay_button = QPushButton(tr("Relais vers une PCO…"), self)
        self.relay_button.setObjectName("relay_button")
        self.relay_button.setToolTip(tr("COCON jusqu'à la veille, puis le forfait de la plateforme (PCO-TND)"))
        self.relay_button.clicked.connect(self.open_relay)
        self.relay_button.setVisible(False)  # only for a practice working with PCO-TND, once the file is read
        top.addWidget(self.relay_button)
        self.privacy = ChildPrivacyBar(practice, runner, today, self)
        top.addWidget(self.privacy)
        self.edit_button = QPushButton(tr("Modifier le dossier"), self)
        self.edit_button.setObjectName("edit_child")
        self.edit_button.clicked.connect(self.edit)
        top.addWidget(self.edit_button)
        layout.addLayout(top)
        self.title = QLabel(self)
        self.title.setObjectName("child_title")
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(self.title)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("child_subtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet("color: #334; font-size: 11pt;")
        layout.addWidget(self.subtitle)
        self.status = QLabel(self)
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("child_tabs")
        self.identity = IdentityView(self.tabs)
        self.tabs.addTab(self._scrolled(self.identity), tr("Identité"))
        self.family = FamilyView(self.tabs)
        self.tabs.addTab(self._scrolled(self.family), tr("Famille"))
        self.tabs.addTab(self._prescriptions_tab(), tr("Prescriptions et forfaits"))
        self.seances = ChildSeancesView(self.tabs)
        self.seances.new_requested.connect(self.new_seance)
        self.tabs.addTab(self.seances, tr("Séances"))
        self.tabs.addTab(self._documents_tab(), tr("Documents"))
        self.history = ChildHistoryTab(practice, runner, self.tabs)
        self.tabs.addTab(self.history, tr("Historique"))
        layout.addWidget(self.tabs, 1)

    def _scrolled(self, widget: QWidget) -> QScrollArea:
        scroll = QScrollArea(self.tabs)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(widget)
        return scroll

    def _prescriptions_tab(self) -> QWidget:
        tab = QWidget(self.tabs)
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.new_prescription_button = QPushButton(tr("Nouvelle prescription"), tab)
        self.new_prescription_button.setObjectName("new_prescription")
        self.new_prescription_button.clicked.connect(lambda: self.new_prescription())
        row.addWidget(self.new_prescription_button)
        row.addStretch(1)
        layout.addLayout(row)
        scroll = QScrollArea(tab)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget(scroll)
        self.cards_layout = QVBoxLayout(inner)
        self.no_prescription = QLabel(tr("Aucune prescription enregistrée pour cet enfant."), inner)
        self.no_prescription.setStyleSheet("color: #555;")
        self.cards_layout.addWidget(self.no_prescription)
        self.cards_layout.addStretch(1)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)
        return tab

    def _documents_tab(self) -> QWidget:
        tab = QWidget(self.tabs)
        layout = QVBoxLayout(tab)
        self.documents = QListWidget(tab)
        self.documents.setObjectName("documents")
        self.documents.setToolTip(tr("Double-cliquez (ou Entrée) pour ouvrir le document."))
        self.documents.itemActivated.connect(
            lambda item: self.open_document(int(item.data(Qt.ItemDataRole.UserRole))))
        layout.addWidget(self.documents, 1)
        self.no_document = QLabel(tr("Aucun document : les ordonnances scannées jointes aux prescriptions "
                                     "apparaissent ici."), tab)
        self.no_document.setWordWrap(True)
        self.no_document.setStyleSheet("color: #555;")
        self.no_document.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.no_document, 1)
        return tab

    # -- loading
    def show_child(self, child_id: int) -> None:
        self.child_id = child_id
        self.reload()

    def reload(self) -> None:
        practice = self.open_practice()
        if self.child_id is None or practice is None:
            return
        child_id, today = self.child_id, self.today()
        self.runner.run(lambda: load_file(practice, child_id, today), self._loaded, self._failed)
        self.history.show_child(child_id)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(error_text(error))
        self.status.setVisible(True)

    def _loaded(self, content: ChildFileContent) -> None:
        if content.record.id != self.child_id:
            return  # another child was opened meanwhile
        self.content = content
        self.status.setVisible(False)
        data, today = content.record.data, self.today()
        self.title.setText(data.display_name)
        parts = [tr("N° d'inclusion {0}").format(data.inclusion_number)]
        if data.birth_date is not None:
            parts.append(agreed(data.sex, "né le {0}", "née le {0}").format(french_date(data.birth_date)))
            parts.append(age_text(data.birth_date, data.gestational_weeks, today))
        network = NETWORKS.get(data.network)
        second = [tr("Réseau : {0}").format(f"{data.network} — {network.name}" if network else data.network)]
        relay = content.relay
        if relay is not None:  # « relais vers PCO1 — PCO-TND de la Gironde depuis le 20/10/2026 (dossier …) »
            said = tr("relais vers {0} — {1} depuis le {2}") if relay.started_on <= today else \
                tr("relais vers {0} — {1} à partir du {2}")
            second.append(said.format(relay.payer, relay.payer_name, french_date(relay.started_on))
                          + (" " + tr("(dossier {0})").format(relay.reference) if relay.reference else ""))
        elif data.exit_date is not None and data.exit_date <= today:
            second.append(agreed(data.sex, "sorti du parcours le {0}", "sortie du parcours le {0}").format(
                french_date(data.exit_date)))
        if content.record.erased_at is not None:
            second.append(tr("données effacées le {0}").format(french_date(content.record.erased_at.date())))
        self.subtitle.setText("  ·  ".join(parts) + "\n" + "  ·  ".join(second))
        referent = content.prescribers.get(data.referent_id or 0, "")
        self.identity.show_child(data, referent)
        self.family.show_guardians(data.guardians)
        self._show_cards(content)
        self._show_documents(content.documents)
        self.seances.show_seances(content.seances)
        self.privacy.show_record(content.record)
        self.edit_button.setEnabled(content.record.erased_at is None)
        self.relay_button.setVisible("pco-tnd" in content.pathways and content.record.erased_at is None)

    def _show_cards(self, content: ChildFileContent) -> None:
        for card in self.cards:
            self.cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for line in content.forfaits:
            prescriber = content.prescribers.get(line.prescription.data.prescriber_id or 0, "")
            two = content.relay is not None  # forfaits of two pathways: each says who pays it
            payer = content.payers.get(line.prescription.data.id or 0, "") if two else ""
            card = ForfaitCard(line, prescriber, self.cards_layout.parentWidget(), payer)
            card.show_document.connect(self.open_document)
            card.edit_requested.connect(self.edit_prescription)
            card.renew_requested.connect(self.renew_prescription)
            card.delete_requested.connect(self.confirm_delete)
            self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
            self.cards.append(card)
        self.no_prescription.setVisible(not self.cards)

    def _show_documents(self, documents: list[DocumentInfo]) -> None:
        self.documents.clear()
        for document in documents:
            kind = tr(DOCUMENT_KINDS.get(document.kind, document.kind))
            text = tr("{0} — {1}, ajouté le {2} ({3})").format(
                document.filename, kind, french_date(document.added_at.date()), file_size(document.size))
            item = QListWidgetItem(text, self.documents)
            item.setData(Qt.ItemDataRole.UserRole, document.id)
        self.documents.setVisible(bool(documents))
        self.no_document.setVisible(not documents)

    # -- actions
    def edit(self) -> None:
        if self.content is None:
            return
        self.child_dialog = ChildDialog(self.open_practice, self.runner, self.content.record, self.today,
                                        self.window())
        self.child_dialog.open()

    def new_prescription(self, record: PrescriptionRecord | None = None, renew: bool = False) -> None:
        """A new prescription; with `record`, that one corrected, or (`renew`) renewed from the day after it."""
        data = self.content.record.data if self.content is not None else None
        if self.content is None or data is None or data.birth_date is None:
            return
        self.prescription_dialog = PrescriptionDialog(
            self.open_practice, self.runner, self.content.record.id, data.network, data.birth_date, self.today,
            self.window(), record=record if not renew else None,
            renew=record.data if record is not None and renew else None)
        self.prescription_dialog.open()

    def edit_prescription(self, record: PrescriptionRecord) -> None:
        self.new_prescription(record)

    def renew_prescription(self, record: PrescriptionRecord) -> None:
        self.new_prescription(record, renew=True)

    def confirm_delete(self, record: PrescriptionRecord) -> None:
        """Asked first (No is the default); the file reads again from the write's Changes."""
        p = record.data
        self.confirm = QMessageBox(QMessageBox.Icon.Question, tr("Supprimer la prescription"), tr(
            "Supprimer la prescription du {0} (valable du {1} au {2}, {3} séances) ? Aucune séance n'y est "
            "comptée ; l'ordonnance scannée, s'il y en a une, reste dans les documents de l'enfant.").format(
                french_date(p.prescribed_on), french_date(p.valid_from), french_date(p.valid_until),
                p.sessions_authorised),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.window())
        self.confirm.setObjectName("confirm_delete_prescription")
        yes = self.confirm.button(QMessageBox.StandardButton.Yes)
        yes.setText(tr("Supprimer"))
        self.confirm.button(QMessageBox.StandardButton.No).setText(tr("Garder"))
        self.confirm.setDefaultButton(QMessageBox.StandardButton.No)
        self.confirm.buttonClicked.connect(lambda button: self.delete_prescription(record) if button is yes else None)
        self.confirm.open()

    def delete_prescription(self, record: PrescriptionRecord) -> None:
        practice = self.open_practice()
        if practice is None or record.data.id is None:
            return
        prescription_id = record.data.id
        self.runner.run_op(lambda report: practice.write(delete_prescription, prescription_id),
                           lambda _: None, self._failed)

    def current_child(self) -> ChildRow | None:
        """The child shown, as the quick entry of a séance takes it."""
        data = self.content.record.data if self.content is not None else None
        if self.content is None or data is None or data.birth_date is None:
            return None
        return ChildRow(self.content.record.id, data.inclusion_number, data.last_name, data.first_name,
                        data.birth_date, data.gestational_weeks or 0, data.network, data.exit_date)

    def open_attestations(self) -> None:
        child = self.current_child()
        if child is None:
            return
        label = f"{child.display_name} — {child.inclusion_number}"
        self.attestation_dialog = AttestationDialog(self.open_practice, self.runner, child.id, label, self.today,
                                                    self.window())
        self.attestation_dialog.open()

    def open_relay(self) -> None:
        child = self.current_child()
        if child is None:
            return
        label = f"{child.display_name} — {child.inclusion_number}"
        self.relay_dialog = RelayDialog(self.open_practice, self.runner, child.id, label, self.today, self.window())
        self.relay_dialog.open()

    def new_seance(self) -> None:
        child = self.current_child()
        if child is None:
            return
        self.seance_dialog = QuickSeanceDialog(self.open_practice, self.runner, self.today, child=child,
                                               parent=self.window())
        self.seance_dialog.recorded.connect(self._seance_recorded)
        self.seance_dialog.open()

    def _seance_recorded(self, seance_id: int, label: str) -> None:
        self.seance_recorded.emit(seance_id, label)  # for Ctrl+Z on the Séances page; the file reads again itself

    def open_document(self, document_id: int) -> None:
        practice = self.open_practice()
        if practice is None:
            return
        self.runner.run(lambda: practice.read(get_document, document_id), self._show_document, self._failed)

    def _show_document(self, document: StoredDocument) -> None:
        if self.viewer is not None:
            self.viewer.close()
            self.viewer.deleteLater()
        self.viewer = DocumentViewer(document, self.window())
        self.viewer.show()
