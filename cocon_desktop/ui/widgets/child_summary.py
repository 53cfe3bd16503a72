"""Read-only views of a child's file: identity and inclusion, family."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from cocon_desktop.domain.child import (
    EXIT_REASONS,
    GUARDIAN_RELATIONS,
    IDENTITY_STATUSES,
    INCLUSION_CRITERIA,
    RISK_GROUPS,
    SEXES,
    ChildData,
    GuardianData,
)
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.ui.formatting import french_date
from cocon_desktop.ui.i18n import tr

EMPTY = "—"


def _value_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class _Section(QGroupBox):
    """A titled group of "label: value" rows."""

    def __init__(self, title: str, rows: tuple[tuple[str, str], ...], parent: QWidget | None = None) -> None:
        super().__init__(tr(title), parent)
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for name, label in rows:
            value = _value_label(self)
            value.setObjectName(f"summary_{name}")
            self.values[name] = value
            form.addRow(tr(label), value)

    def set(self, name: str, text: str) -> None:
        self.values[name].setText(text or EMPTY)


class IdentityView(QWidget):
    """The identity, INS identity, inclusion and exit of the child, as the file holds them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        self.identity = _Section("Identité", (
            ("name", "Nom et prénom"), ("birth_date", "Date de naissance"), ("sex", "Sexe"),
            ("term", "Terme de naissance"), ("weight", "Poids de naissance")), self)
        self.ins = _Section("Identité INS", (
            ("nir", "NIR"), ("birth_place_code", "Code du lieu de naissance"),
            ("identity_status", "Statut de l'identité"), ("identity_source", "Source")), self)
        self.inclusion = _Section("Inclusion dans le parcours", (
            ("inclusion_number", "N° d'inclusion"), ("inclusion_date", "Date d'inclusion"),
            ("network", "Réseau"), ("risk_group", "Groupe de risque"), ("criteria", "Critères d'inclusion"),
            ("referent", "Médecin référent"), ("consent_date", "Consentement")), self)
        self.exit = _Section("Sortie du parcours", (("exit_date", "Date de sortie"),
                                                    ("exit_reason", "Motif")), self)
        grid.addWidget(self.identity, 0, 0)
        grid.addWidget(self.ins, 1, 0)
        grid.addWidget(self.inclusion, 0, 1)
        grid.addWidget(self.exit, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)

    def show_child(self, data: ChildData, referent: str) -> None:
        self.identity.set("name", data.display_name)
        self.identity.set("birth_date", french_date(data.birth_date))
        self.identity.set("sex", tr(SEXES.get(data.sex, data.sex)))
        term = "" if data.gestational_weeks is None else tr("{0} SA + {1} j").format(data.gestational_weeks,
                                                                                      data.gestational_days)
        self.identity.set("term", term)
        self.identity.set("weight", "" if data.birth_weight_g is None else
                          f"{data.birth_weight_g:,} g".replace(",", "\u202f"))
        self.ins.set("nir", data.nir)
        self.ins.set("birth_place_code", data.birth_place_code)
        self.ins.set("identity_status", tr(IDENTITY_STATUSES.get(data.identity_status, data.identity_status)))
        self.ins.set("identity_source", data.identity_source)
        self.inclusion.set("inclusion_number", data.inclusion_number)
        self.inclusion.set("inclusion_date", french_date(data.inclusion_date))
        network = NETWORKS.get(data.network)
        self.inclusion.set("network", f"{data.network} — {network.name}" if network else data.network)
        self.inclusion.set("risk_group", tr(RISK_GROUPS.get(data.risk_group, data.risk_group)))
        self.inclusion.set("criteria", "\n".join(tr(INCLUSION_CRITERIA.get(c, c)) for c in data.inclusion_criteria))
        self.inclusion.set("referent", referent)
        self.inclusion.set("consent_date", french_date(data.consent_date))
        self.exit.set("exit_date", french_date(data.exit_date))
        self.exit.set("exit_reason", tr(EXIT_REASONS.get(data.exit_reason, data.exit_reason)))


class FamilyView(QWidget):
    """One read-only card per parent or legal guardian."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.sections: list[_Section] = []
        self.empty = QLabel(tr("Aucun parent ni représentant légal enregistré : « Modifier le dossier » pour "
                               "en ajouter."), self)
        self.empty.setObjectName("no_guardian")
        self.empty.setStyleSheet("color: #555;")
        self.layout_.addWidget(self.empty)
        self.layout_.addStretch(1)

    def show_guardians(self, guardians: tuple[GuardianData, ...]) -> None:
        for section in self.sections:
            self.layout_.removeWidget(section)
            section.deleteLater()
        self.sections = []
        for guardian in guardians:
            title = f"{tr(GUARDIAN_RELATIONS.get(guardian.relation, guardian.relation))} — " \
                    f"{guardian.first_name} {guardian.last_name.upper()}".strip()
            section = _Section(title, (("phone", "Téléphone"), ("email", "Courriel"), ("address", "Adresse"),
                                       ("attestations", "Attestations")), self)
            section.set("phone", guardian.phone)
            section.set("email", guardian.email)
            town = " ".join(part for part in (guardian.postcode, guardian.city) if part)
            section.set("address", ", ".join(part for part in (guardian.address, town) if part))
            section.set("attestations", tr("les reçoit") if guardian.receives_attestations else
                        tr("ne les reçoit pas"))
            self.layout_.insertWidget(self.layout_.count() - 1, section)
            self.sections.append(section)
        self.empty.setVisible(not guardians)
