"""Why a séance cannot be billed to the network, and the choice to record it "hors forfait" all the same."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cocon_desktop.ui.i18n import tr


class OutOfForfaitBar(QFrame):
    accepted = Signal()  # record it hors forfait
    dismissed = Signal()  # record nothing
    closed = Signal()  # hidden by one of its buttons: the form around it closes up

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("out_of_forfait_bar")
        self.setStyleSheet("QFrame#out_of_forfait_bar { background: #fff4e0; border: 1px solid #e0b060; "
                           "border-radius: 6px; }")
        layout = QVBoxLayout(self)
        self.text = QLabel(self)
        self.text.setObjectName("out_of_forfait_reason")
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.record_button = QPushButton(tr("Enregistrer hors &forfait"), self)
        self.record_button.setObjectName("record_out_of_forfait")
        self.record_button.setToolTip(tr("La séance figure au dossier de l'enfant mais n'est jamais facturée "
                                         "au réseau (Alt+F)."))
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self._accept)
        self.drop_button = QPushButton(tr("Ne rien enregistrer"), self)
        self.drop_button.setObjectName("drop_out_of_forfait")
        self.drop_button.setAutoDefault(False)
        self.drop_button.clicked.connect(self._dismiss)
        row.addWidget(self.record_button)
        row.addWidget(self.drop_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.setVisible(False)

    def show_reason(self, reason: str, about: str = "") -> None:
        """`reason` is the French sentence from the core; `about` names the séance (child, day, time)."""
        head = tr("Cette séance ne peut pas être facturée au réseau")
        if about:
            head += f" ({about})"
        self.text.setText(f"<b>{escape(head)}.</b><br>{escape(reason)}<br>" + tr(
            "Vous pouvez l'enregistrer hors forfait : elle figurera au dossier de l'enfant, sans être facturée."))
        self.setVisible(True)

    def shown_text(self) -> str:
        """What the bar says, "" while it is hidden."""
        return self.text.text() if not self.isHidden() else ""

    def _accept(self) -> None:
        self.setVisible(False)
        self.closed.emit()
        self.accepted.emit()

    def _dismiss(self) -> None:
        self.setVisible(False)
        self.closed.emit()
        self.dismissed.emit()
