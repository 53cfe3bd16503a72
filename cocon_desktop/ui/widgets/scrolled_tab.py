"""A Paramètres tab whose content scrolls when the window is short (a 1366×768 laptop): the tab holds a frameless
scroll area, the content a widget inside it; the caller lays out its rows in the layout returned."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget


def scrolled_content(tab: QWidget) -> tuple[QWidget, QVBoxLayout]:
    """The widget the tab's rows belong to (their parent) and its layout."""
    outer = QVBoxLayout(tab)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea(tab)
    scroll.setWidgetResizable(True)
    outer.addWidget(scroll)
    inner = QWidget(scroll)
    scroll.setWidget(inner)
    return inner, QVBoxLayout(inner)
