"""A page whose capability is not built yet: it says so plainly, with no fake figures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cocon_desktop.ui.i18n import tr


class PlaceholderPage(QWidget):
    def __init__(self, title: str, coming: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        heading = QLabel(title, self)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(heading)
        notice = QLabel(tr("Cette page n'est pas encore construite.") + "\n\n" + coming, self)
        notice.setObjectName("not_built_notice")
        notice.setWordWrap(True)
        notice.setStyleSheet("background: #eef3f8; padding: 12px; border-radius: 6px; color: #234;")
        layout.addWidget(notice)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
