"""The fields of a plateforme (a payer typed by the practice, issue 22): its name, invoicing address, SIRET and
convention number, each with its error under it. Shared by the payer dialog (Paramètres › Parcours et payeurs) and
the first-run wizard's PCO page; the checks are domain/payers.validate_payer's, the sentences message_texts'."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from cocon_desktop.domain.payers import LIMITS, PayerData, normalised, validate_payer
from cocon_desktop.errors import FieldError
from cocon_desktop.ui.accessibility import make_accessible
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import FieldBox, show_field_errors

# (field, label with its Alt+letter, hint); the order of the form and of PayerData
FIELDS = (("name", "&Nom de la plateforme", "Tel qu'il figurera sur les factures (ex. : PCO-TND de la Gironde)."),
          ("street", "A&dresse", "Numéro et voie de la structure porteuse, qui reçoit les factures."),
          ("postcode", "Code &postal", ""),
          ("city", "&Commune", ""),
          ("siret", "SI&RET", "14 chiffres, ceux de la structure porteuse (convention) ; facultatif."),
          ("reference", "N° de con&vention", "Le numéro de la convention signée avec la plateforme ; facultatif."))


class PayerForm(QWidget):
    """`prefix` names the editors (`{prefix}_name`…) for tests and screenshots."""

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.edits: dict[str, QLineEdit] = {}
        self.boxes: dict[str, FieldBox] = {}
        for name, label, hint in FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"{prefix}_{name}")
            if name in LIMITS:
                edit.setMaxLength(LIMITS[name])
            self.edits[name] = edit
            self.boxes[name] = FieldBox(edit, tr(hint) if hint else "", self)
            form.addRow(tr(label), self.boxes[name])
        self.edits["postcode"].setMaxLength(5)
        self.edits["siret"].setPlaceholderText(tr("14 chiffres (facultatif)"))
        self.edits["siret"].setMaxLength(20)  # « 123 456 789 00012 » as printed: reduced to its 14 digits
        make_accessible(self)  # each field takes its label's name

    def typed(self) -> PayerData:
        return PayerData(**{name: edit.text() for name, edit in self.edits.items()})

    def set_data(self, data: PayerData) -> None:
        for name, edit in self.edits.items():
            edit.setText(str(getattr(data, name)))

    def is_empty(self) -> bool:
        return not any(edit.text().strip() for edit in self.edits.values())

    def errors(self) -> list[FieldError]:
        """What the core would refuse, checked here first (a refused form writes nothing)."""
        return validate_payer(normalised(self.typed()))

    def show_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Each error under its field; those no field shows are returned."""
        return show_field_errors(self.boxes, errors)

    def clear_errors(self) -> None:
        for box in self.boxes.values():
            box.clear()
