"""The foot of every form dialog: a status line for errors that belong to no field, then Save / Cancel.

Enter means « Enregistrer » and never « Annuler »: the save button is the dialog's default, « Annuler » is
not an auto-default button (Échap or a click cancels). While a save runs its button is disabled, which makes
Qt hand the focus to the next button, « Annuler »; `keep_focus_on_save` gives it back when the save is
enabled again, so that a failed save leaves the focus on the form (the first field in error, see
`form_field.show_field_errors`) or on « Enregistrer », never on « Annuler »."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QBoxLayout, QDialog, QDialogButtonBox, QLabel, QPushButton, QWidget

from cocon_desktop.ui.accessibility import make_accessible
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE


class _SaveFocusKeeper(QObject):
    """Watches the save button: if it lost the focus because it was disabled, it takes it back when enabled,
    unless the user or the program has put the focus somewhere else meanwhile."""

    def __init__(self, save: QPushButton, cancel: QWidget | None) -> None:
        super().__init__(save)
        self.save, self.cancel = save, cancel
        self.pending = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.save:
            if event.type() == QEvent.Type.FocusOut and not self.save.isEnabled():
                self.pending = True
            elif event.type() == QEvent.Type.EnabledChange and self.save.isEnabled() and self.pending:
                self.pending = False
                focused = QApplication.focusWidget()
                if focused is None or focused is self.cancel or not focused.isEnabled() \
                        or focused.window() is not self.save.window():
                    self.save.setFocus(Qt.FocusReason.OtherFocusReason)
        return False


def guard_buttons(save: QPushButton, cancel: QPushButton | None) -> None:
    """Enter saves, never cancels; the focus does not stay on « Annuler » after a save that failed."""
    save.setDefault(True)
    save.setAutoDefault(True)
    if cancel is not None:
        cancel.setAutoDefault(False)
        cancel.setDefault(False)
    keeper = _SaveFocusKeeper(save, cancel)
    save.installEventFilter(keeper)


def add_footer(dialog: QDialog, layout: QBoxLayout, name: str, on_save: Callable[[], object], *,
               save_text: str = "Enregistrer", cancel_text: str = "Annuler", default: bool = True
               ) -> tuple[QLabel, QPushButton]:
    """Add the status line and the buttons to `layout`; returns (status label, save button).

    The objects are named `{name}_status` and `save_{name}` (tests and screenshots find them by name).
    `default`: Enter anywhere in the form saves (always, unless a dialog has a reason to say otherwise)."""
    status = QLabel(dialog)
    status.setObjectName(f"{name}_status")
    status.setWordWrap(True)
    status.setStyleSheet(ERROR_STYLE)
    layout.addWidget(status)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, dialog)
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    save.setText(tr(save_text))
    save.setObjectName(f"save_{name}")
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setText(tr(cancel_text))
    cancel.setObjectName(f"cancel_{name}")
    guard_buttons(save, cancel)
    if not default:
        save.setDefault(False)
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    make_accessible(dialog)  # the form is built: each field takes its label's name (ui/accessibility.py)
    return status, save
