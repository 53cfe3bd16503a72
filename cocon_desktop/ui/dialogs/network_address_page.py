"""The first-run wizard's page « Adresse de votre réseau » (issue 18, #6): the postal address of the network chosen on
the page before, and its SIREN or SIRET, which every invoice to it carries. It may be left empty (given later in
Paramètres › Réseaux, or asked at the first invoice run); filled, it is checked at its fields as in Paramètres
(services/invoice_documents.checked_network_address) and written with the new practice."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizardPage

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.services.invoice_documents import NetworkAddress, checked_network_address
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.network_address_form import NetworkAddressForm


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
        self.form = NetworkAddressForm("wizard_network", tr(
            "9 chiffres (SIREN) ou 14 (SIRET), s'il figure dans votre convention ; facultatif."), self)
        self.edits, self.boxes = self.form.edits, self.form.boxes
        layout.addWidget(self.form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        code = self.network()
        network = NETWORKS.get(code)
        self.network_label.setText(tr("Réseau : {0} ({1})").format(network.name if network else code, code))

    def typed(self) -> NetworkAddress:
        return self.form.typed()

    def address(self) -> NetworkAddress | None:
        """The address to write with the practice, None when the page was left empty."""
        return None if self.form.is_empty() else checked_network_address(self.typed())

    def validatePage(self) -> bool:
        self.form.clear_errors()
        return self.form.is_empty() or self.form.checked() is not None
