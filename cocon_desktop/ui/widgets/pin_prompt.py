"""Asking a signing card's or token's PIN again after a run stopped for want of it (or with a wrong one).
The PIN is never stored: it goes to the one run that asked for it."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from cocon_desktop.errors import CoconError
from cocon_desktop.ui.i18n import error_text, tr

PIN_ERRORS = ("pkcs11_pin_required", "pkcs11_wrong_pin")


def pin_after(parent: QWidget, error: BaseException) -> str | None:
    """When `error` says the token needs its PIN (or had a wrong one): the PIN typed (hidden), else None."""
    if not (isinstance(error, CoconError) and error.code in PIN_ERRORS):
        return None
    pin, ok = QInputDialog.getText(parent, tr("Code PIN"), error_text(error) + "\n" + tr("Code PIN :"),
                                   QLineEdit.EchoMode.Password)
    return pin if ok and pin else None
