"""The family part of the child form: one card per parent or legal guardian, added and removed freely."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop.domain.child import GUARDIAN_RELATIONS, GuardianData
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import FieldBox

TEXT_FIELDS = {
    "last_name": ("Nom *", ""), "first_name": ("Prénom", ""), "phone": ("Téléphone", "06 12 34 56 78"),
    "email": ("Courriel", "parent@exemple.fr"), "address": ("Adresse", "numéro et rue"),
    "postcode": ("Code postal", "5 chiffres"), "city": ("Ville", ""),
}
# (field, row, column, column span) in a grid of label/editor pairs
PLACES = (("last_name", 0, 0, 1), ("first_name", 0, 2, 1), ("relation", 1, 0, 1), ("phone", 1, 2, 1),
          ("email", 2, 0, 3), ("address", 3, 0, 3), ("postcode", 4, 0, 1), ("city", 4, 2, 1))


class GuardianCard(QGroupBox):
    remove_requested = Signal(object)

    def __init__(self, guardian: GuardianData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guardian_id = guardian.id
        self.lines: dict[str, QLineEdit] = {}
        self.boxes: dict[str, FieldBox] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(8)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.relation = QComboBox(self)
        self.relation.setObjectName("guardian_relation")
        for code, label in GUARDIAN_RELATIONS.items():
            self.relation.addItem(tr(label), code)
        for name, row, column, span in PLACES:
            if name == "relation":
                editor: QWidget = self.relation
                label = tr("Lien")
            else:
                line = QLineEdit(self)
                line.setObjectName(f"guardian_{name}")
                line.setPlaceholderText(tr(TEXT_FIELDS[name][1]))
                self.lines[name] = line
                editor, label = line, tr(TEXT_FIELDS[name][0])
            box = FieldBox(editor, parent=self)
            self.boxes[name] = box
            grid.addWidget(QLabel(label, self), row, column)
            grid.addWidget(box, row, column + 1, 1, span)
        self.receives = QCheckBox(tr("Reçoit les attestations"), self)
        self.receives.setObjectName("guardian_receives")
        grid.addWidget(self.receives, 5, 1)
        self.remove = QPushButton(tr("Retirer"), self)
        self.remove.setObjectName("remove_guardian")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        grid.addWidget(self.remove, 5, 3)
        self.set_value(guardian)

    def set_value(self, guardian: GuardianData) -> None:
        for name, line in self.lines.items():
            line.setText(str(getattr(guardian, name)))
        self.relation.setCurrentIndex(max(0, self.relation.findData(guardian.relation)))
        self.receives.setChecked(guardian.receives_attestations)

    def value(self) -> GuardianData:
        texts = {name: line.text() for name, line in self.lines.items()}
        return GuardianData(relation=str(self.relation.currentData()),
                            receives_attestations=self.receives.isChecked(), id=self.guardian_id, **texts)


class GuardiansEditor(QWidget):
    """`values()` in order; `boxes()` names each field like the core does: "guardians[0].email"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards: list[GuardianCard] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel(tr("Aucun parent ni représentant légal enregistré."), self)
        self.empty.setStyleSheet("color: #555;")
        layout.addWidget(self.empty)
        self.cards_layout = QVBoxLayout()
        layout.addLayout(self.cards_layout)
        self.add_button = QPushButton(tr("Ajouter un parent ou représentant légal"), self)
        self.add_button.setObjectName("add_guardian")
        self.add_button.clicked.connect(lambda: self.add(GuardianData(relation=self._next_relation()), focus=True))
        layout.addWidget(self.add_button)

    def _next_relation(self) -> str:
        taken = {card.value().relation for card in self.cards}
        return next((code for code in ("mere", "pere") if code not in taken), "autre")

    def add(self, guardian: GuardianData, *, focus: bool = False) -> GuardianCard:
        card = GuardianCard(guardian, self)
        card.remove_requested.connect(self.remove)
        self.cards.append(card)
        self.cards_layout.addWidget(card)
        self._renumber()
        if focus:
            card.lines["last_name"].setFocus()
        return card

    def remove(self, card: GuardianCard) -> None:
        self.cards.remove(card)
        self.cards_layout.removeWidget(card)
        card.deleteLater()
        self._renumber()

    def _renumber(self) -> None:
        for index, card in enumerate(self.cards, start=1):
            card.setTitle(tr("Parent ou représentant légal {0}").format(index))
        self.empty.setVisible(not self.cards)

    def set_values(self, guardians: tuple[GuardianData, ...]) -> None:
        for card in list(self.cards):
            self.remove(card)
        for guardian in guardians:
            self.add(guardian)

    def values(self) -> tuple[GuardianData, ...]:
        return tuple(card.value() for card in self.cards)

    def boxes(self) -> dict[str, FieldBox]:
        return {f"guardians[{index}].{name}": box for index, card in enumerate(self.cards)
                for name, box in card.boxes.items()}
