"""A form row: the editor, then its error (red) or warning (orange) right under it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cocon_desktop.errors import FieldError
from cocon_desktop.ui.i18n import field_text

ERROR_STYLE = "color: #b00020;"
DONE_STYLE = "color: #1b5e20;"  # what was done (saved, issued, sent)
WARNING_STYLE = "color: #a15c00;"


class FieldBox(QWidget):
    """Wraps an editor so that its message shows next to it; the editor keeps what was typed."""

    def __init__(self, editor: QWidget, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.setFocusProxy(editor)  # the row's label is the box's buddy: its Alt+letter reaches the editor
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.hint = hint
        if hint:
            editor.setToolTip(hint)

    def show_error(self, error: FieldError | None) -> None:
        if error is None:
            self.clear()
            return
        self.show_text(field_text(error), warning=not error.blocking)

    def show_text(self, text: str, *, warning: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(WARNING_STYLE if warning else ERROR_STYLE)
        self.message.setVisible(True)
        self.editor.setProperty("invalid", not warning)
        self.editor.setAccessibleDescription(text)

    def clear(self) -> None:
        self.message.clear()
        self.message.setVisible(False)
        self.editor.setProperty("invalid", False)
        self.editor.setAccessibleDescription("")

    @property
    def text(self) -> str:
        return self.message.text() if self.message.isVisibleTo(self) else ""


def show_field_errors(boxes: dict[str, FieldBox], errors: list[FieldError]) -> list[FieldError]:
    """Show each error at its field (the first per field); returns the errors no box could show."""
    for box in boxes.values():
        box.clear()
    orphans: list[FieldError] = []
    seen: set[str] = set()
    for error in errors:
        target = boxes.get(error.field)
        if target is None:
            orphans.append(error)
        elif error.field not in seen:
            target.show_error(error)
            seen.add(error.field)
    return orphans
