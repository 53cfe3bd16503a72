"""The practice profile form, whole (settings page) or by section (first-run wizard)."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSizePolicy, QWidget

from cocon_desktop.domain.networks import CIVILITIES, NETWORKS, PROFESSIONS
from cocon_desktop.domain.practice import PracticeProfile, validate_profile
from cocon_desktop.errors import FieldError
from cocon_desktop.ui.accessibility import make_accessible
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import FieldBox, show_field_errors

IDENTITY = ("civility", "name", "trade_name", "profession", "rpps", "adeli", "siret")
CONTACT = ("address", "postcode", "city", "phone", "email", "iban", "bic")
NETWORK = ("network",)

LABELS = {
    "civility": "Civilité", "name": "Nom et prénom *", "trade_name": "Nom du cabinet", "profession": "Profession *",
    "rpps": "N° RPPS", "adeli": "N° ADELI", "siret": "SIRET *", "address": "Adresse *",
    "postcode": "Code postal *", "city": "Ville *", "phone": "Téléphone", "email": "Courriel",
    "iban": "IBAN *", "bic": "BIC", "network": "Réseau de périnatalité *",
}
PLACEHOLDERS = {
    "name": "Prénom Nom (les factures ajoutent « EI »)", "trade_name": "facultatif",
    "rpps": "11 chiffres", "adeli": "9 chiffres, si vous n'avez pas de RPPS", "siret": "14 chiffres",
    "address": "numéro et rue", "postcode": "5 chiffres", "phone": "04 91 00 00 00",
    "email": "vous@exemple.fr", "iban": "FR76 …", "bic": "8 ou 11 caractères",
}


class ProfileForm(QWidget):
    def __init__(self, fields: tuple[str, ...] = IDENTITY + CONTACT + NETWORK,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = fields
        self.boxes: dict[str, FieldBox] = {}
        self.editors: dict[str, QLineEdit | QComboBox] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for name in fields:
            editor = self._editor(name)
            editor.setObjectName(f"field_{name}")
            self.editors[name] = editor
            box = FieldBox(editor, parent=self)
            self.boxes[name] = box
            layout.addRow(tr(LABELS[name]), box)
        make_accessible(self)

    def _editor(self, name: str) -> QLineEdit | QComboBox:
        if name == "profession":
            combo = QComboBox(self)
            for code, label in PROFESSIONS.items():
                combo.addItem(tr(label), code)
            return combo
        if name == "civility":  # what the attestations agree with: « Je soussignée … psychomotricienne »
            combo = QComboBox(self)
            combo.addItem(tr("Non précisée"), "")
            for code, label in CIVILITIES.items():
                combo.addItem(tr(label), code)
            combo.setToolTip(tr("Les attestations l'accordent : « Je soussignée … psychomotricienne »."))
            return combo
        if name == "network":
            combo = QComboBox(self)
            for network in NETWORKS.values():
                combo.addItem(f"{network.code} — {network.name} ({network.region})", network.code)
            # the long names do not squeeze the form's labels (« Réseau de pé… » in the wizard): the box takes
            # ~30 characters and the form's room, its list shows the names whole
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(30)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)  # the row's width, like a line
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
            return combo
        line = QLineEdit(self)
        line.setPlaceholderText(tr(PLACEHOLDERS.get(name, "")))
        return line

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, editor in self.editors.items():
            out[name] = str(editor.currentData()) if isinstance(editor, QComboBox) else editor.text()
        return out

    def set_values(self, profile: PracticeProfile) -> None:
        for name, value in asdict(profile).items():
            editor = self.editors.get(name)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif editor is not None:
                editor.setText(str(value))

    def check(self, profile: PracticeProfile) -> list[FieldError]:
        """Show the problems of this form's fields next to them; returns the blocking ones."""
        mine = [e for e in validate_profile(profile.normalized()) if e.field in self.fields]
        show_field_errors(self.boxes, mine)
        return [e for e in mine if e.blocking]

    def show_errors(self, errors: list[FieldError]) -> None:
        show_field_errors(self.boxes, [e for e in errors if e.field in self.fields])
