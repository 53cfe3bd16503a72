"""A window grows to show what appeared in it (an error under a field, a message of several lines).

Qt does not grow a shown window for word-wrapped labels (their height depends on the width), so the form
would be squeezed and its rows would overlap. The window only grows: it never jumps back while one types."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def grow_to_content(window: QWidget) -> None:
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    if layout.hasHeightForWidth():
        needed = layout.totalHeightForWidth(window.width())
    else:
        needed = layout.totalSizeHint().height()
    if needed > window.height():
        window.resize(window.width(), needed)
