"""A passphrase strength meter against the CNIL's 80-bit rule."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from cocon_desktop.domain.passphrase import assess
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import WrappedLabel

RULES = ("Au moins 12 caractères avec minuscules, majuscules, chiffres et symboles, ou 14 caractères "
         "de trois de ces sortes, ou une phrase d'au moins 7 mots (recommandation CNIL : 80 bits).")


# What makes a passphrase that meets the rule's letter guessable (Assessment.hint), said before the rule.
HINTS = {
    "common_word": "Trop facile à deviner : elle contient un mot de passe courant, un mot ou un prénom fréquent. ",
    "keyboard": "Trop facile à deviner : elle suit les touches du clavier. ",
    "repeat": "Trop facile à deviner : elle répète les mêmes caractères. ",
    "sequence": "Trop facile à deviner : elle contient une suite (abcd, 1234). ",
    "date": "Trop facile à deviner : elle contient une date ou une année. ",
    "short_words": "Les mots de moins de trois lettres ou d'une seule lettre répétée ne comptent pas. ",
}


class StrengthMeter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        # the longest text's height is kept: the rows below do not move as one types (issue 18, #8)
        longest = max([tr("Trop faible : environ {0} bits sur les 80 demandés. ").format(99)]
                      + [tr(text) for text in HINTS.values()], key=len)
        self.label = WrappedLabel(self, reserve_text=longest + tr(RULES))
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self.update_for("")

    def update_for(self, passphrase: str) -> bool:
        result = assess(passphrase)
        self.bar.setValue(result.meter)
        color = "#2e7d32" if result.acceptable else ("#c77700" if result.meter >= 50 else "#b00020")
        self.bar.setStyleSheet(f"QProgressBar::chunk {{ background: {color}; }}")
        if not passphrase:
            self.label.setText(tr(RULES))
        elif result.acceptable:
            self.label.setText(tr("Robuste : environ {0} bits. Conforme à la recommandation de la CNIL.")
                               .format(round(result.bits)))
        elif result.hint and (result.rule or result.hint == "short_words"):  # the rule met, yet guessable
            self.label.setText(tr(HINTS[result.hint]) + tr(RULES))
        else:
            self.label.setText(tr("Trop faible : environ {0} bits sur les 80 demandés. ").format(
                round(result.bits)) + tr(RULES))
        return result.acceptable
