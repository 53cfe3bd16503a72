"""The recovery key shown once, in large groups made for copying onto paper."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from cocon_desktop.services.practice_keys import RecoveryKey


class RecoveryKeyView(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("RecoveryKeyView { background: #fffdf3; border: 1px dashed #8a6d00; }")
        self.grid = QGridLayout(self)
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(10)
        self.labels: list[QLabel] = []

    def set_key(self, key: RecoveryKey) -> None:
        for label in self.labels:
            label.deleteLater()
        self.labels = []
        font = QFont("DejaVu Sans Mono")
        font.setPointSize(18)
        font.setBold(True)
        for index, group in enumerate(key.groups):
            number = QLabel(f"{index + 1}.", self)
            number.setStyleSheet("color: #8a6d00;")
            label = QLabel(group, self)
            label.setFont(font)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            row, col = divmod(index, 3)
            self.grid.addWidget(number, row, col * 2)
            self.grid.addWidget(label, row, col * 2 + 1)
            self.labels += [number, label]

    def text(self) -> str:
        return "-".join(label.text() for label in self.labels[1::2])
