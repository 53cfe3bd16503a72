"""« Adresse de réception »: the network's server certificate chosen from a PEM file, shown, saved with the rest,
and then trusted by « Envoyer maintenant » against a real TLS receiver; an invalid file shows its error."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from pytestqt.qtbot import QtBot

from cocon_desktop.services import batches, network_endpoints
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.endpoint_dialog import EndpointDialog
from cocon_desktop.ui.pages.sync_page import SyncPage
from cocon_desktop.ui.tasks import SyncRunner
from cocon_network.receiver import Receiver
from tests.db.batch_helpers import issue_october
from tests.sync_samples import TOKEN, tls_certificate
from tests.ui.refresh_helpers import follow_writes

NONE = "aucun (autorités du système)"


def open_dialog(qtbot: QtBot, page: SyncPage) -> EndpointDialog:
    page.endpoint_button.click()
    dialog = page.endpoint_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_chosen_certificate_is_saved_and_trusted_for_sending(qtbot: QtBot, practice: Practice,
                                                                  tmp_path: Path) -> None:
    cert, key = tls_certificate(tmp_path)
    expiry = x509.load_pem_x509_certificate(cert.read_bytes()).not_valid_after_utc
    issue_october(practice, ("RPO",))
    runner = SyncRunner()
    page = SyncPage(runner)
    qtbot.addWidget(page)
    follow_writes(runner, page)  # as in the window: reads when shown, and again after a write
    page.set_practice(practice)
    page.show()
    page.close_button.click()
    with Receiver(tmp_path / "reseau", [TOKEN], trust_first_use=True, tls_cert=cert, tls_key=key) as secure:
        dialog = open_dialog(qtbot, page)
        assert dialog.server_ca_text() == NONE and not dialog.server_ca_remove.isEnabled()
        dialog.url.setText(secure.url)
        dialog.token.setText(TOKEN)
        dialog.save_button.click()
        page.send_button.click()  # the system does not trust this server: the batch waits
        assert page.message.text().startswith("1 en attente") and "certificat" in page.message.text()

        dialog = open_dialog(qtbot, page)
        assert dialog.load_server_ca(cert)
        assert dialog.server_ca_text() == f"localhost, valable jusqu'au {expiry:%d/%m/%Y}"
        assert dialog.server_ca_error() == "" and dialog.server_ca_remove.isEnabled()
        dialog.save_button.click()
        assert not dialog.isVisible()
        stored = network_endpoints.endpoint(practice.sessions, "RPO")
        assert stored is not None and stored.server_ca == cert.read_text() and stored.token == TOKEN

        page.send_button.click()
        batch = batches.list_batches(practice.sessions)[0]
        assert batch.state == "recu", page.message.text()
        assert secure.store.batch_ids() == [batch.batch_id]

        again = open_dialog(qtbot, page)  # shown again when the dialog opens
        assert again.server_ca_text() == f"localhost, valable jusqu'au {expiry:%d/%m/%Y}"


def test_an_invalid_file_shows_its_error_and_keeps_the_certificate(qtbot: QtBot, practice: Practice,
                                                                    tmp_path: Path) -> None:
    cert, _key = tls_certificate(tmp_path)
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://127.0.0.1:8443", TOKEN, cert.read_text())
    dialog = EndpointDialog("RPO", lambda: practice, SyncRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    shown = dialog.server_ca_text()
    assert shown.startswith("localhost, valable jusqu'au ")
    not_pem = tmp_path / "serveur.pem"
    not_pem.write_text("ceci n'est pas un certificat\n")
    assert not dialog.load_server_ca(not_pem)
    assert dialog.server_ca_error().startswith("Ce fichier ne contient aucun certificat PEM lisible")
    assert dialog.server_ca_text() == shown
    assert not dialog.load_server_ca(tmp_path / "absent.pem")
    assert "absent.pem" in dialog.server_ca_error()
    dialog.remove_server_ca()
    assert dialog.server_ca_text() == NONE and dialog.server_ca_error() == ""
    dialog.save_button.click()
    stored = network_endpoints.endpoint(practice.sessions, "RPO")
    assert stored is not None and stored.server_ca == "" and stored.token == TOKEN
