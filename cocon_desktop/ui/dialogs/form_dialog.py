"""A form dialog whose save runs in the background (payment, relay, plateforme): while it runs its button is
disabled; a refused save brings the button back and places the refusal — each field error under its field, the rest
in the message above the buttons — and keeps what was typed (ui/widgets/form_field.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QPushButton

from cocon_desktop.errors import FieldError
from cocon_desktop.ui.widgets.form_field import FieldBox, show_failure, show_refusal


class FormDialog(QDialog):
    # set by the dialog's __init__ (ui/widgets/dialog_footer.add_footer gives the last two)
    boxes: dict[str, FieldBox]
    message: QLabel
    save_button: QPushButton

    def _show(self, errors: list[FieldError]) -> None:
        """The field errors of a refused save under their fields (a dialog may word some its own way first)."""
        show_refusal(self, self.boxes, self.message, errors)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        show_failure(self, self.boxes, self.message, error, self._show)

    def field_error(self, name: str) -> str:
        """The message under the field `name` ("" when none)."""
        return self.boxes[name].text
