"""Paramètres › Cabinet and the wizard's identity page ask the practitioner's civility (issue 18, #14): the
attestations agree with it."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QComboBox

from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.ui.widgets.profile_form import IDENTITY, ProfileForm
from tests.conftest import PROFILE


def test_the_identity_form_asks_the_civility(qtbot: QtBot) -> None:
    form = ProfileForm(IDENTITY)  # the wizard's identity page; the settings page holds the whole form
    qtbot.addWidget(form)
    combo = form.findChild(QComboBox, "field_civility")
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Non précisée", "Madame", "Monsieur"]
    assert combo.accessibleName()
    form.set_values(replace(PROFILE, civility="Mme"))
    assert combo.currentText() == "Madame" and form.values()["civility"] == "Mme"
    combo.setCurrentIndex(2)
    assert PracticeProfile(**form.values()).civility == "M."
