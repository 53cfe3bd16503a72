"""A network's postal address and its SIREN/SIRET, as printed on the invoices: one form for the wizard, Paramètres ›
Réseaux and the invoice tab's « address missing » step. It is checked by the service's own rule
(`services.invoice_documents.checked_network_address`), its errors shown at their fields."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from cocon_desktop.errors import ValidationError
from cocon_desktop.services.invoice_documents import NetworkAddress, checked_network_address
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import FieldBox, show_field_errors

FIELDS = ("street", "postcode", "city", "siret")
TITLES = {"street": "Adresse", "postcode": "Code postal", "city": "Ville", "siret": "SIREN ou SIRET"}


class NetworkAddressForm(QWidget):
    def __init__(self, prefix: str, siret_hint: str, parent: QWidget | None = None) -> None:
        """`prefix` names the fields (`{prefix}_street`…: tests and screenshots find them by name)."""
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QLineEdit] = {}
        self.boxes: dict[str, FieldBox] = {}
        for name in FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"{prefix}_{name}")
            edit.setAccessibleName(tr(TITLES[name]))
            box = FieldBox(edit, hint=siret_hint if name == "siret" else "", parent=self)
            self.edits[name], self.boxes[name] = edit, box
            form.addRow(tr(TITLES[name]), box)
        self.edits["postcode"].setMaxLength(5)

    def typed(self) -> NetworkAddress:
        return NetworkAddress(*(self.edits[name].text() for name in FIELDS))

    def is_empty(self) -> bool:
        return not any(edit.text().strip() for edit in self.edits.values())

    def set_address(self, address: NetworkAddress | None) -> None:
        for name in FIELDS:
            self.edits[name].setText("" if address is None else getattr(address, name))

    def clear_errors(self) -> None:
        for box in self.boxes.values():
            box.clear()

    def show_errors(self, error: ValidationError) -> None:
        """Each error at its field, the first field in error focused."""
        show_field_errors(self.boxes, list(error.errors))

    def checked(self) -> NetworkAddress | None:
        """The address as the service will store it, or None with the errors shown at their fields."""
        self.clear_errors()
        try:
            return checked_network_address(self.typed())
        except ValidationError as error:
            self.show_errors(error)
            return None
