"""The first-run wizard's pathway choice (issue 22, Deliver 5): the check boxes of the shipped pathways on the
welcome page (COCON checked: left as it is, the practice is created exactly as before) and, when PCO-TND is checked,
the page « Votre plateforme (PCO) », optional, whose plateforme is created with the practice (services/payers.py).
The wizard skips the network's address while COCON is unchecked and this page while PCO-TND is."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QVBoxLayout, QWidget, QWizardPage

from cocon_desktop.domain.pathways import DEFAULT_PATHWAYS
from cocon_desktop.domain.payers import PayerData, normalised
from cocon_desktop.services.pathway_store import shipped_pathways
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.payer_form import PayerForm

PLATFORMS = "pco-tnd"  # the pathway whose first plateforme the wizard asks for


class PathwayChoice(QGroupBox):
    """One check box per shipped pathway; at least one stays checked (the last one cannot be unchecked)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Les parcours dans lesquels vous soignez des enfants"), parent)
        layout = QVBoxLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        for pathway in shipped_pathways().values():
            box = QCheckBox(pathway.label, self)
            box.setObjectName(f"wizard_pathway_{pathway.id}")
            box.setToolTip(tr("Textes : {0}").format(" ; ".join(pathway.sources)))
            box.setChecked(pathway.id == DEFAULT_PATHWAYS)
            box.toggled.connect(self._toggled)
            self.boxes[pathway.id] = box
            layout.addWidget(box)
            about = QLabel(pathway.frame[:1].upper() + pathway.frame[1:], self)
            about.setWordWrap(True)
            about.setStyleSheet("color: #555;")
            about.setContentsMargins(24, 0, 0, 0)
            layout.addWidget(about)
        hint = QLabel(tr("Vous pourrez en changer dans Paramètres › Parcours et payeurs."), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)

    def _toggled(self, checked: bool) -> None:
        if not checked and not self.chosen():  # never none: the box just unchecked is checked again
            box = self.sender()
            if isinstance(box, QCheckBox):
                box.setChecked(True)
            return
        self.changed.emit()

    def chosen(self) -> tuple[str, ...]:
        return tuple(pathway_id for pathway_id, box in self.boxes.items() if box.isChecked())

    def follows(self, pathway_id: str) -> bool:
        box = self.boxes.get(pathway_id)
        return box is not None and box.isChecked()


class PlatformPage(QWizardPage):
    """The PCO's name, address, SIRET and convention number; left empty, it is added later in Paramètres."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("Votre plateforme (PCO)"))
        self.setSubTitle(tr("La plateforme de coordination et d'orientation qui vous paie le forfait précoce : ses "
                            "coordonnées figurent sur vos factures."))
        layout = QVBoxLayout(self)
        later = QLabel(tr("Vous pouvez laisser ces champs vides et les donner plus tard, dans Paramètres › Parcours "
                          "et payeurs."), self)
        later.setWordWrap(True)
        later.setStyleSheet("color: #555;")
        layout.addWidget(later)
        self.form = PayerForm("wizard_payer", self)
        self.edits, self.boxes = self.form.edits, self.form.boxes
        layout.addWidget(self.form)
        layout.addStretch(1)

    def payer(self) -> PayerData | None:
        """The plateforme to add with the practice, None when the page was left empty."""
        return None if self.form.is_empty() else normalised(self.form.typed())

    def validatePage(self) -> bool:
        self.form.clear_errors()
        if self.form.is_empty():
            return True
        errors = self.form.errors()
        self.form.show_errors(errors)
        return not errors
