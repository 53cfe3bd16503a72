"""One prescription and its forfait: a gauge of sessions used, the amounts, the validity, the warnings, and what
can be done with it: « Modifier », « Renouveler », « Supprimer » (buttons in the tab order; « Supprimer » is
disabled, and says why, once séances count against it)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.messages import warning_text
from cocon_desktop.services.forfaits import ForfaitLine
from cocon_desktop.ui.formatting import french_date, money
from cocon_desktop.ui.i18n import ntr, tr
from cocon_desktop.ui.widgets.form_field import WARNING_STYLE

STATES = {"not_started": "Pas encore commencé", "active": "En cours", "exhausted": "Épuisé",
          "expired": "Terminé"}
STATE_COLOURS = {"not_started": "#4a5568", "active": "#2e7d32", "exhausted": "#a15c00", "expired": "#6b7280"}


class ForfaitCard(QFrame):
    show_document = Signal(int)  # the document id of the scanned prescription
    edit_requested = Signal(object)  # the PrescriptionRecord
    renew_requested = Signal(object)  # the PrescriptionRecord
    delete_requested = Signal(object)  # the PrescriptionRecord

    def __init__(self, line: ForfaitLine, prescriber: str, parent: QWidget | None = None, payer: str = "") -> None:
        """`payer`: who pays this forfait (RPM, PCO1), said once the child has forfaits of two pathways."""
        super().__init__(parent)
        self.line = line
        data, status = line.prescription.data, line.status
        self.setObjectName("forfait_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#forfait_card { background: #fbfcfe; border: 1px solid #cfd8e3; "
                           "border-radius: 6px; }")
        layout = QVBoxLayout(self)
        layout.setSpacing(6)

        top = QHBoxLayout()
        self.title_text = f"{tr(DISCIPLINES.get(data.discipline, data.discipline))} — {line.label}"
        title = QLabel(f"<b>{tr(DISCIPLINES.get(data.discipline, data.discipline))}</b> — {line.label}", self)
        title.setObjectName("forfait_title")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        state = QLabel(tr(STATES.get(status.state, status.state)), self)
        state.setObjectName("forfait_state")
        state.setStyleSheet(f"color: {STATE_COLOURS.get(status.state, '#333')}; font-weight: bold;")
        top.addWidget(state)
        layout.addLayout(top)

        origin = tr("Prescrite le {0}").format(french_date(data.prescribed_on))
        if prescriber:
            origin += " " + tr("par {0}").format(prescriber)
        origin += " · " + tr("valable du {0} au {1}").format(french_date(status.valid_from),
                                                             french_date(status.valid_until))
        if payer:
            origin += " · " + tr("payé par {0}").format(payer)
        self.origin = QLabel(origin, self)
        self.origin.setWordWrap(True)
        self.origin.setStyleSheet("color: #444;")
        layout.addWidget(self.origin)

        self.gauge = QProgressBar(self)
        self.gauge.setObjectName("forfait_gauge")
        self.gauge.setRange(0, max(1, status.sessions_authorised))
        self.gauge.setValue(min(status.sessions_used, status.sessions_authorised))
        self.gauge.setFormat(tr("{0} / {1} séances").format(status.sessions_used, status.sessions_authorised))
        self.gauge.setTextVisible(True)
        self.gauge.setAccessibleName(tr("Séances réalisées"))
        layout.addWidget(self.gauge)

        bilan = tr("bilan inclus, réalisé") if status.bilan_used else (
            tr("bilan inclus, pas encore réalisé") if status.bilan_included else tr("sans bilan"))
        self.amounts = QLabel(
            ntr("Utilisé : {0} · Reste : {1} sur {2} · {3} séance restante, {4}",
                "Utilisé : {0} · Reste : {1} sur {2} · {3} séances restantes, {4}", status.sessions_left).format(
                money(status.amount_used), money(status.amount_left), money(status.amount_authorised),
                status.sessions_left, bilan), self)
        self.amounts.setObjectName("forfait_amounts")
        self.amounts.setWordWrap(True)
        layout.addWidget(self.amounts)

        self.warnings = QLabel("\n".join("⚠ " + warning_text(w) for w in status.warnings), self)
        self.warnings.setObjectName("forfait_warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.setVisible(bool(status.warnings))
        layout.addWidget(self.warnings)

        extra = []
        if data.over_forfait_reason:
            extra.append(tr("Au-delà du forfait, motif : {0}").format(data.over_forfait_reason))
        if data.note:
            extra.append(tr("Note : {0}").format(data.note))
        self.details = QLabel("\n".join(extra), self)
        self.details.setObjectName("forfait_details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setStyleSheet("color: #444;")
        self.details.setVisible(bool(extra))
        layout.addWidget(self.details)

        bottom = QHBoxLayout()
        record = line.prescription
        document_id = record.document_id
        if document_id is not None:
            self.view_button = QPushButton(tr("Voir l'ordonnance"), self)
            self.view_button.setObjectName("view_prescription")
            self.view_button.setToolTip(record.document_name)
            self.view_button.clicked.connect(lambda: self.show_document.emit(document_id))
            bottom.addWidget(self.view_button)
        bottom.addStretch(1)
        self.edit_button = self._button("edit_prescription", tr("Modifier"), bottom, self.edit_requested)
        self.edit_button.setToolTip(tr("Seules la fin de validité et la note peuvent encore changer : des séances "
                                       "sont comptées sur cette prescription.") if record.locked else
                                    tr("Corriger la prescription (aucune séance n'y est encore comptée)."))
        self.renew_button = self._button("renew_prescription", tr("Renouveler"), bottom, self.renew_requested)
        self.renew_button.setToolTip(tr("Une nouvelle prescription qui commence le {0}.").format(
            french_date(data.valid_until + timedelta(days=1))))
        self.delete_button = self._button("delete_prescription", tr("Supprimer"), bottom, self.delete_requested)
        self.delete_button.setEnabled(not record.locked)
        self.delete_button.setToolTip(tr("Des séances sont comptées sur cette prescription : elle ne peut plus être "
                                         "supprimée.") if record.locked else
                                      tr("Supprimer cette prescription saisie par erreur."))
        layout.addLayout(bottom)

    def _button(self, name: str, text: str, row: QHBoxLayout, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.setAccessibleName(f"{text} — {self.title_text}")
        button.clicked.connect(lambda: signal.emit(self.line.prescription))
        row.addWidget(button)
        return button
