"""Paramètres › Réseaux: for each network, what the practice needs to invoice it and to send it batches — its postal
address (the buyer's address on every invoice) and its SIREN or SIRET, checked at the field (python-stdnum, through
services/invoice_documents.set_network_address), then its address of reception, access token and server
certificate (the « Adresse de réception » dialog, services/network_endpoints). Nothing here asks for a command.

A form tab: it reads the chosen network when the practice comes and when another network is picked; its writes go
through `runner.run_op` (PROFILE for the address, ENDPOINTS for the reception), so the Synchronisation page, the
dashboard and the invoice run read again from their Changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import ValidationError
from cocon_desktop.services.invoice_documents import (
    NetworkAddress,
    set_network_address,
    stored_network_address,
)
from cocon_desktop.services.network_endpoints import describe_server_ca, endpoint
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.endpoint_dialog import EndpointDialog
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE
from cocon_desktop.ui.widgets.network_address_form import NetworkAddressForm
from cocon_desktop.ui.widgets.scrolled_tab import scrolled_content

# (url, a token is stored, the server certificate described or "")
Reception = tuple[str, bool, str]


def reception_of(practice: Practice, network: str) -> Reception:
    """What the tab shows of the network's reception: never the token itself."""
    point = practice.read(endpoint, network)
    if point is None:
        return "", False, ""
    try:
        ca = describe_server_ca(point.server_ca) if point.server_ca else ""
    except ValueError:
        ca = tr("certificat enregistré illisible")
    return point.url, bool(point.token), ca


class NetworksTab(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.practice: Practice | None = None
        self.endpoint_dialog: EndpointDialog | None = None
        inner, layout = scrolled_content(self)

        top = QHBoxLayout()
        label = QLabel(tr("&Réseau"), inner)
        self.network = QComboBox(inner)
        self.network.setObjectName("networks_network")
        self.network.setAccessibleName(tr("Réseau"))
        for code, network in NETWORKS.items():
            self.network.addItem(f"{code} — {network.name}", code)
        label.setBuddy(self.network)
        self.network.currentIndexChanged.connect(lambda _: self.reload())
        top.addWidget(label)
        top.addWidget(self.network, 1)
        layout.addLayout(top)

        postal = QGroupBox(tr("Adresse de facturation du réseau"), inner)
        postal_layout = QVBoxLayout(postal)
        intro = QLabel(tr("Elle figure sur chaque facture adressée au réseau, avec son SIREN ou SIRET s'il vous l'a "
                          "donné (convention)."), postal)
        intro.setWordWrap(True)
        postal_layout.addWidget(intro)
        self.form = NetworkAddressForm("network", tr("9 chiffres (SIREN) ou 14 (SIRET) ; facultatif."), postal)
        self.edits, self.boxes = self.form.edits, self.form.boxes
        for edit in self.edits.values():
            edit.returnPressed.connect(self.save_address)
        postal_layout.addWidget(self.form)
        row = QHBoxLayout()
        self.save_button = QPushButton(tr("Enregistrer l'adresse du réseau"), postal)
        self.save_button.setObjectName("save_network_address")
        self.save_button.clicked.connect(self.save_address)
        row.addWidget(self.save_button)
        self.address_status = QLabel(postal)
        self.address_status.setObjectName("network_address_status")
        self.address_status.setWordWrap(True)
        row.addWidget(self.address_status, 1)
        postal_layout.addLayout(row)
        layout.addWidget(postal)

        reception = QGroupBox(tr("Réception des lots"), inner)
        reception_layout = QVBoxLayout(reception)
        self.reception_label = QLabel(reception)
        self.reception_label.setObjectName("network_reception")
        self.reception_label.setWordWrap(True)
        self.reception_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        reception_layout.addWidget(self.reception_label)
        line = QHBoxLayout()
        self.endpoint_button = QPushButton(tr("Adresse de réception, jeton et certificat…"), reception)
        self.endpoint_button.setObjectName("network_endpoint_button")
        self.endpoint_button.clicked.connect(self.open_endpoint)
        line.addWidget(self.endpoint_button)
        line.addStretch(1)
        reception_layout.addLayout(line)
        self.reception_status = QLabel(reception)
        self.reception_status.setObjectName("network_reception_status")
        self.reception_status.setWordWrap(True)
        self.reception_status.setStyleSheet(DONE_STYLE)
        reception_layout.addWidget(self.reception_status)
        layout.addWidget(reception)
        layout.addStretch(1)
        self._show_reception(("", False, ""))

    # -- reading

    def selected_network(self) -> str:
        return str(self.network.currentData())

    def choose_network(self, code: str) -> None:
        index = self.network.findData(code)
        if index >= 0:
            self.network.setCurrentIndex(index)

    def set_practice(self, practice: Practice | None, *, reload: bool = True, network: str = "") -> None:
        """`network`: the practice's own, shown first (the profile's)."""
        self.practice = practice
        if practice is None or not reload:
            return
        if network and network != self.selected_network():
            self.choose_network(network)  # reads it
        else:
            self.reload()

    def reload(self) -> None:
        practice, network = self.practice, self.selected_network()
        if practice is None:
            return
        self.address_status.clear()
        self.reception_status.clear()
        self.form.clear_errors()
        self.runner.run(lambda: practice.read(stored_network_address, network),
                        lambda address: self._show_address(network, address), self._address_failed)
        self.runner.run(lambda: reception_of(practice, network),
                        lambda shown: self._show_reception(shown) if network == self.selected_network() else None,
                        self._address_failed)

    def _show_address(self, network: str, address: NetworkAddress | None) -> None:
        if network != self.selected_network():
            return  # another network was picked meanwhile
        self.form.set_address(address)
        if address is None:
            self._status(tr("L'adresse du réseau {0} n'est pas encore renseignée : elle est nécessaire pour "
                            "émettre ses factures.").format(network), error=True)

    def _show_reception(self, shown: Reception) -> None:
        url, has_token, ca = shown
        network = self.selected_network()
        if not url:
            self.reception_label.setText(tr(
                "Aucune adresse de réception : les lots du réseau {0} s'exportent (Synchronisation › « Exporter… ») "
                "et se remettent au réseau, sur son portail. S'il vous a donné une adresse https:// et un jeton "
                "d'accès, saisissez-les ici.").format(network))
            return
        token = tr("jeton d'accès enregistré") if has_token else tr("aucun jeton d'accès")
        certificate = ca or tr("autorités du système")
        self.reception_label.setText(tr("Les lots du réseau {0} lui sont envoyés à {1} ({2} ; certificat du "
                                        "serveur : {3}).").format(network, url, token, certificate))

    def _status(self, text: str, *, error: bool = False) -> None:
        self.address_status.setText(text)
        self.address_status.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)

    def _address_failed(self, error: BaseException) -> None:
        self._status(error_text(error), error=True)

    # -- writing

    def address(self) -> NetworkAddress:
        return self.form.typed()

    def save_address(self) -> None:
        practice = self.practice
        if practice is None:
            return
        network, address = self.selected_network(), self.address()
        if self.form.checked() is None:  # checked here first: a refused form writes nothing (nor announces)
            self.address_status.clear()  # each error is at its field: not said twice
            return
        self.save_button.setEnabled(False)
        self.runner.run_op(lambda _report: practice.write(set_network_address, network, address),
                           lambda _: self._saved(network), self._save_failed)

    def _saved(self, network: str) -> None:
        self.save_button.setEnabled(True)
        self._status(tr("Adresse du réseau {0} enregistrée.").format(network))
        if network == self.selected_network():
            self.reload_address_only(network)

    def reload_address_only(self, network: str) -> None:
        practice = self.practice
        if practice is not None:  # the SIRET as stored (digits only)
            self.runner.run(lambda: practice.read(stored_network_address, network),
                            lambda address: self._show_saved(network, address), self._address_failed)

    def _show_saved(self, network: str, address: NetworkAddress | None) -> None:
        if address is not None and network == self.selected_network():
            self.edits["siret"].setText(address.siret)

    def _save_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.form.show_errors(error)
            self.address_status.clear()  # each error is at its field: not said twice
            return
        self._status(error_text(error), error=True)

    def field_error(self, name: str) -> str:
        return self.boxes[name].text

    def open_endpoint(self) -> None:
        if self.practice is None:
            return
        self.endpoint_dialog = EndpointDialog(self.selected_network(), lambda: self.practice, self.runner, self)
        self.endpoint_dialog.saved.connect(self._endpoint_saved)
        self.endpoint_dialog.open()

    def _endpoint_saved(self, network: str) -> None:
        self.reception_status.setText(tr("Adresse de réception du réseau {0} enregistrée.").format(network))
        practice = self.practice
        if practice is not None and network == self.selected_network():
            self.runner.run(lambda: reception_of(practice, network), self._show_reception, self._address_failed)
