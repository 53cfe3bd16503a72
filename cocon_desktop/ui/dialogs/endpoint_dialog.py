"""« Adresse de réception » of a network: the URL its batches are sent to and the access token. The token is
written, never shown back: left empty, the stored one is kept."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from cocon_desktop.errors import CoconError
from cocon_desktop.services.network_endpoints import endpoint, set_endpoint
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.sessions import SessionsSource
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.dialog_footer import add_footer
from cocon_desktop.ui.widgets.form_field import FieldBox


class EndpointDialog(QDialog):
    saved = Signal(str)  # the network's code

    def __init__(self, network: str, sessions: SessionsSource, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.network, self.sessions, self.runner = network, sessions, runner
        self.has_token = False
        self.setWindowTitle(tr("Adresse de réception — réseau {0}").format(network))
        self.setMinimumWidth(560)
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
        layout.addLayout(form)
        self.message, self.save_button = add_footer(self, layout, "endpoint", self.save, default=True)
        self.message.setVisible(False)
        self._show_token_hint()
        self.load()

    def _show_token_hint(self) -> None:
        self.token.setPlaceholderText(tr("Jeton enregistré — laisser vide pour le garder") if self.has_token
                                      else tr("Aucun jeton enregistré"))

    def load(self) -> None:
        sessions, network = self.sessions(), self.network
        if sessions is None:
            return

        def current() -> tuple[str, bool]:  # the token itself never reaches the dialog
            point = endpoint(sessions, network)
            return (point.url, bool(point.token)) if point is not None else ("", False)

        self.runner.run(current, self._loaded, self._failed)

    def _loaded(self, current: tuple[str, bool]) -> None:
        url, self.has_token = current
        if not self.url.text():
            self.url.setText(url)
        self._show_token_hint()

    def save(self) -> None:
        sessions = self.sessions()
        if sessions is None:
            return
        network, url, token = self.network, self.url.text(), self.token.text().strip() or None
        self.url_box.clear()
        self.message.setVisible(False)
        self.save_button.setEnabled(False)
        self.runner.run(lambda: set_endpoint(sessions, network, url, token), lambda _: self._saved(), self._failed)

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
        self.message.setText(error_text(error))
        self.message.setVisible(True)

    def url_error(self) -> str:
        return self.url_box.text
