"""« Adresse de réception » of a network: the URL its batches are sent to and the access token. The token is
written, never shown back: left empty, the stored one is kept. « Certificat du serveur »: the network's own
server certificate (PEM), for a server the system's authorities do not vouch for (self-signed)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.errors import CoconError
from cocon_desktop.services.network_endpoints import checked_server_ca, describe_server_ca, endpoint, set_endpoint
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.practice_source import PracticeSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox


class EndpointDialog(QDialog):
    saved = Signal(str)  # the network's code (the page says it; the views showing endpoints read again by Changes)

    def __init__(self, network: str, practice: PracticeSource, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network, self.practice, self.runner = network, practice, runner
        self.has_token = False
        self.server_ca = ""  # the PEM shown; saved only when `server_ca_changed`
        self.server_ca_changed = False
        self.setWindowTitle(tr("Adresse de réception — réseau {0}").format(network))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Les lots du réseau {0} lui sont envoyés à cette adresse (https://…), avec le jeton "
                          "d'accès qu'il vous a remis. Sans adresse, exportez les lots et déposez-les sur son "
                          "portail.").format(network), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url = QLineEdit(self)
        self.url.setObjectName("endpoint_url")
        self.url.setPlaceholderText("https://reseau.example.org/cocon")
        self.token = QLineEdit(self)
        self.token.setObjectName("endpoint_token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.url_box = FieldBox(self.url, parent=self)
        self.token_box = FieldBox(self.token, parent=self)
        form.addRow(tr("Adresse"), self.url_box)
        form.addRow(tr("Jeton d'accès"), self.token_box)
        form.addRow(tr("Certificat du serveur"), self._server_ca_row())
        layout.addLayout(form)
        self.message, self.save_button = add_footer(self, layout, "endpoint", self.save, default=True)
        self.message.setVisible(False)
        self._show_token_hint()
        self.load()

    def _server_ca_row(self) -> FieldBox:
        row = QWidget(self)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.server_ca_label = QLabel(row)
        self.server_ca_label.setObjectName("endpoint_server_ca")
        line.addWidget(self.server_ca_label, 1)
        choose = QPushButton(tr("Choisir un fichier PEM…"), row)
        choose.setObjectName("endpoint_server_ca_choose")
        choose.clicked.connect(self.choose_server_ca)
        self.server_ca_remove = QPushButton(tr("Retirer"), row)
        self.server_ca_remove.setObjectName("endpoint_server_ca_remove")
        self.server_ca_remove.clicked.connect(self.remove_server_ca)
        line.addWidget(choose)
        line.addWidget(self.server_ca_remove)
        self.server_ca_box = FieldBox(row, hint=tr("Seulement si le réseau vous a remis le certificat de son serveur "
                                                   "(certificat auto-signé)."), parent=self)
        self._show_server_ca("", "")
        return self.server_ca_box

    def _show_server_ca(self, pem: str, description: str) -> None:
        self.server_ca = pem
        self.server_ca_label.setText(description or tr("aucun (autorités du système)"))
        self.server_ca_remove.setEnabled(bool(pem))

    def choose_server_ca(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, tr("Certificat du serveur"), "",
                                              tr("Certificats PEM (*.pem *.crt *.cer);;Tous les fichiers (*)"))
        if name:
            self.load_server_ca(Path(name))

    def load_server_ca(self, path: Path) -> bool:
        """Read the certificate from `path`; an unreadable or invalid file shows its error and keeps the current."""
        try:
            pem = checked_server_ca(path.read_bytes())
        except OSError as exc:
            error = CoconError("server_ca_invalid", detail=f"{path.name} : {exc.strerror or exc}")
            self.server_ca_box.show_text(error_text(error))
            return False
        except CoconError as exc:
            self.server_ca_box.show_text(error_text(exc))
            return False
        self.server_ca_box.clear()
        self.server_ca_changed = True
        self._show_server_ca(pem, describe_server_ca(pem))
        return True

    def remove_server_ca(self) -> None:
        self.server_ca_box.clear()
        self.server_ca_changed = True
        self._show_server_ca("", "")

    def server_ca_text(self) -> str:
        return self.server_ca_label.text()

    def server_ca_error(self) -> str:
        return self.server_ca_box.text

    def _show_token_hint(self) -> None:
        self.token.setPlaceholderText(tr("Jeton enregistré — laisser vide pour le garder") if self.has_token
                                      else tr("Aucun jeton enregistré"))

    def load(self) -> None:
        practice, network = self.practice(), self.network
        if practice is None:
            return

        def current() -> tuple[str, bool, str, str]:  # the token itself never reaches the dialog
            point = practice.read(endpoint, network)
            if point is None:
                return "", False, "", ""
            ca = point.server_ca
            try:
                description = describe_server_ca(ca) if ca else ""
            except ValueError:  # damaged: shown as such, replaced or removed here
                description = tr("certificat enregistré illisible")
            return point.url, bool(point.token), ca, description

        self.runner.run(current, self._loaded, self._failed)

    def _loaded(self, current: tuple[str, bool, str, str]) -> None:
        url, self.has_token, ca, description = current
        if not self.url.text():
            self.url.setText(url)
        if not self.server_ca_changed:
            self._show_server_ca(ca, description)
        self._show_token_hint()

    def save(self) -> None:
        practice = self.practice()
        if practice is None:
            return
        network, url, token = self.network, self.url.text(), self.token.text().strip() or None
        server_ca = self.server_ca if self.server_ca_changed else None
        self.url_box.clear()
        self.message.setVisible(False)
        self.save_button.setEnabled(False)
        self.runner.run_op(lambda _report: practice.write(set_endpoint, network, url, token, server_ca),
                           lambda _: self._saved(), self._failed)

    def _saved(self) -> None:
        self.save_button.setEnabled(True)
        self.token.clear()
        self.saved.emit(self.network)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, CoconError) and error.code == "endpoint_url_invalid":
            self.url_box.show_text(error_text(error))
            self.url.setFocus()
            return
        if isinstance(error, CoconError) and error.code == "server_ca_invalid":
            self.server_ca_box.show_text(error_text(error))
            return
        self.message.setText(error_text(error))
        self.message.setVisible(True)

    def url_error(self) -> str:
        return self.url_box.text
