"""The first-run wizard's page « Adresse de votre réseau » (issue 18, #6): the postal address of the network chosen on
the page before, and its SIREN or SIRET, which every invoice to it carries. It may be left empty (given later in
Paramètres › Réseaux, or asked at the first invoice run); filled, it is checked at its fields as in Paramètres
(services/invoice_documents.checked_network_address) and written with the new practice."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWizardPage

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import ValidationError
from cocon_desktop.services.invoice_documents import NetworkAddress, checked_network_address
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import FieldBox

FIELDS = ("street", "postcode", "city", "siret")


class NetworkAddressPage(QWizardPage):
    def __init__(self, network: Callable[[], str]) -> None:
        """`network`: the code chosen on the page before."""
        super().__init__()
        self.network = network
        self.setTitle(tr("Adresse de votre réseau"))
        self.setSubTitle(tr("Elle figure sur chaque facture que vous lui adressez. Vous pouvez la laisser vide et "
                            "la donner plus tard, dans Paramètres › Réseaux."))
        layout = QVBoxLayout(self)
        self.network_label = QLabel(self)
        self.network_label.setObjectName("wizard_network_name")
        self.network_label.setWordWrap(True)
        layout.addWidget(self.network_label)
        form = QFormLayout()
        titles = {"street": tr("Adresse"), "postcode": tr("Code postal"), "city": tr("Ville"),
                  "siret": tr("SIREN ou SIRET")}
        hints = {"siret": tr("9 chiffres (SIREN) ou 14 (SIRET), s'il figure dans votre convention ; facultatif.")}
        self.edits: dict[str, QLineEdit] = {}
        self.boxes: dict[str, FieldBox] = {}
        for name in FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"wizard_network_{name}")
            edit.setAccessibleName(titles[name])
            box = FieldBox(edit, hint=hints.get(name, ""), parent=self)
            self.edits[name], self.boxes[name] = edit, box
            form.addRow(titles[name], box)
        self.edits["postcode"].setMaxLength(5)
        layout.addLayout(form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        code = self.network()
        network = NETWORKS.get(code)
        self.network_label.setText(tr("Réseau : {0} ({1})").format(network.name if network else code, code))

    def typed(self) -> NetworkAddress:
        return NetworkAddress(*(self.edits[name].text() for name in FIELDS))

    def address(self) -> NetworkAddress | None:
        """The address to write with the practice, None when the page was left empty."""
        typed = self.typed()
        if not any(part.strip() for part in (typed.street, typed.postcode, typed.city, typed.siret)):
            return None
        return checked_network_address(typed)

    def validatePage(self) -> bool:
        for box in self.boxes.values():
            box.clear()
        try:
            self.address()
        except ValidationError as error:
            first = None
            for field_error in error.errors:
                if field_error.field in self.boxes:
                    self.boxes[field_error.field].show_error(field_error)
                    first = first or self.edits[field_error.field]
            if first is not None:
                first.setFocus()
            return False
        return True
