"""Choosing a new passphrase: the field, the CNIL strength meter, the confirmation, their messages.

One widget for the first-run wizard, the change in Paramètres, the recovery at unlock and the restore."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QWidget

from cocon_desktop.domain.passphrase import assess
from cocon_desktop.errors import FieldError
from cocon_desktop.ui.accessibility import make_accessible
from cocon_desktop.ui.i18n import field_text, tr
from cocon_desktop.ui.widgets.form_field import FieldBox
from cocon_desktop.ui.widgets.strength_meter import StrengthMeter


def password_edit(parent: QWidget, name: str) -> QLineEdit:
    """A line edit that hides what is typed, named for the tests and accessibility."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class NewPassphraseField(QWidget):
    """The new passphrase and its confirmation; `checked()` shows any error next to its field."""

    def __init__(self, name: str = "new_passphrase", confirm_name: str = "new_passphrase_confirm",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.edit = password_edit(self, name)
        self.confirm = password_edit(self, confirm_name)
        # the messages' lines are kept even when empty: nothing below moves when a message goes (#8)
        weakest = field_text(FieldError("new", "passphrase_too_weak", {"bits": 99}))
        self.box = FieldBox(self.edit, parent=self, reserve_text=weakest)
        self.confirm_box = FieldBox(self.confirm, parent=self,
                                    reserve_text=field_text(FieldError("confirm", "passphrase_mismatch")))
        self.meter = StrengthMeter(self)
        self.show_chars = QCheckBox(tr("Afficher les caractères"), self)
        self.show_chars.toggled.connect(self._toggle_echo)
        form.addRow(tr("Nouvelle phrase de passe"), self.box)
        form.addRow("", self.meter)
        form.addRow(tr("Confirmation"), self.confirm_box)
        make_accessible(self)
        form.addRow("", self.show_chars)
        self.edit.textChanged.connect(self.meter.update_for)

    def _toggle_echo(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.edit.setEchoMode(mode)
        self.confirm.setEchoMode(mode)

    def text(self) -> str:
        return self.edit.text()

    def clear_errors(self) -> None:
        self.box.clear()
        self.confirm_box.clear()

    def clear(self) -> None:
        self.edit.clear()
        self.confirm.clear()

    def checked(self) -> str | None:
        """The new passphrase if it is strong enough and confirmed; else None, the error at its field."""
        self.clear_errors()
        passphrase = self.edit.text()
        result = assess(passphrase)
        if not result.acceptable:
            self.box.show_error(FieldError("new", "passphrase_too_weak", {"bits": round(result.bits)}))
            return None
        if passphrase != self.confirm.text():
            self.confirm_box.show_error(FieldError("confirm", "passphrase_mismatch"))
            return None
        return passphrase
