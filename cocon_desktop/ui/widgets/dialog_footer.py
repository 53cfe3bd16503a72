"""The foot of every form dialog: a status line for errors that belong to no field, then Save / Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QBoxLayout, QDialog, QDialogButtonBox, QLabel, QPushButton

from cocon_desktop.ui.accessibility import name_widgets
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE


def add_footer(dialog: QDialog, layout: QBoxLayout, name: str, on_save: Callable[[], object], *,
               save_text: str = "Enregistrer", cancel_text: str = "Annuler", default: bool = False
               ) -> tuple[QLabel, QPushButton]:
    """Add the status line and the buttons to `layout`; returns (status label, save button).

    The objects are named `{name}_status` and `save_{name}` (tests and screenshots find them by name)."""
    status = QLabel(dialog)
    status.setObjectName(f"{name}_status")
    status.setWordWrap(True)
    status.setStyleSheet(ERROR_STYLE)
    layout.addWidget(status)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, dialog)
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    save.setText(tr(save_text))
    save.setObjectName(f"save_{name}")
    save.setDefault(default)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr(cancel_text))
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    name_widgets(dialog)  # the form is built: each field takes its label's name (ui/accessibility.py)
    return status, save
