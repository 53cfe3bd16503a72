"""Windows that fit the screen they are on (1366×768 less a taskbar, 1280×720, a scaled or large font).

- `fit_to_screen`: a window's first size, never larger than the screen's available area (less its frame); the
  main window and the dialogs are sized through it, never by a bare `resize`.
- `scrolling`: a page or a long form inside a scroll area: it scrolls instead of making its window grow.
- `grow_to_content`: a window grows to show what appeared in it (an error under a field, a message of several
  lines). Qt does not grow a shown window for word-wrapped labels (their height depends on the width), so the
  form would be squeezed and its rows would overlap. The window only grows, up to the screen: it never jumps
  back while one types.

`available_area` is the one place that asks the screen (tests/ui/test_window_fits.py replaces it by a smaller
screen)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

# What the window manager adds around a window (title bar, borders): not known before it is shown.
FRAME_WIDTH = 16
FRAME_HEIGHT = 40


def available_area(widget: QWidget | None = None) -> QRect:
    """The screen's area less the taskbars and docks (QScreen.availableGeometry), of the widget's screen."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def largest_size(widget: QWidget) -> tuple[int, int]:
    """The largest client size a window can have on its screen, its frame included."""
    area = available_area(widget)
    return area.width() - FRAME_WIDTH, area.height() - FRAME_HEIGHT


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Size the window to width×height, or to its screen's available area if that is smaller."""
    most_width, most_height = largest_size(window)
    window.resize(max(1, min(width, most_width)), max(1, min(height, most_height)))


def scrolling(content: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """`content` in a frameless scroll area that resizes it: scroll bars appear only when the window is smaller
    than what the content needs, and the window no longer takes the content's minimum size."""
    area = QScrollArea(parent)
    area.setObjectName(f"scroll_{content.objectName() or 'content'}")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    area.setWidget(content)
    return area


def grow_to_content(window: QWidget) -> None:
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    if layout.hasHeightForWidth():
        needed = layout.totalHeightForWidth(window.width())
    else:
        needed = layout.totalSizeHint().height()
    needed = min(needed, largest_size(window)[1])
    if needed > window.height():
        window.resize(window.width(), needed)
