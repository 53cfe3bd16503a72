"""Paramètres: the profile saved only when valid, errors at the field, the passphrase changed."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from cocon_desktop import settings
from cocon_desktop.security import vault
from cocon_desktop.services import practice_profile, settings_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import OTHER_PASSPHRASE, PROFILE, STRONG_PASSPHRASE
from tests.dates import TODAY


def _settings(qtbot: QtBot, practice: Practice) -> MainWindow:
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.page_keys.index("settings"))
    return window


def test_invalid_iban_is_shown_at_the_field_and_nothing_is_saved(qtbot: QtBot, practice: Practice) -> None:
    page = _settings(qtbot, practice).settings_page
    iban, city = page.form.editors["iban"], page.form.editors["city"]
    assert isinstance(iban, QLineEdit) and isinstance(city, QLineEdit)
    iban.setText("FR76 3000 1000 6400 0000 0000 001")
    city.setText("Blagnac")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "IBAN est invalide" in page.form.boxes["iban"].text
    assert city.text() == "Blagnac" and iban.text().endswith("001"), "the form keeps what was typed"
    stored = practice_profile.load_profile(practice.sessions)
    assert stored.city == PROFILE.city and stored.iban == PROFILE.iban

    iban.setText(PROFILE.iban)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.form.boxes["iban"].text == ""
    assert page.profile_status.text() == "Profil enregistré."
    assert practice_profile.load_profile(practice.sessions).city == "Blagnac"


def test_rpps_warning_does_not_block(qtbot: QtBot, practice: Practice) -> None:
    page = _settings(qtbot, practice).settings_page
    rpps = page.form.editors["rpps"]
    assert isinstance(rpps, QLineEdit)
    rpps.setText("10001234566")  # fails Luhn: a warning only
    page.save_profile()
    assert "vérifiez" in page.form.boxes["rpps"].text
    assert practice_profile.load_profile(practice.sessions).rpps == "10001234566"


def test_change_passphrase_from_settings(qtbot: QtBot, practice: Practice) -> None:
    window = _settings(qtbot, practice)
    page = window.settings_page
    page.tabs.setCurrentIndex(1)
    page.current.setText("pas la bonne phrase")
    page.new.setText(OTHER_PASSPHRASE)
    page.confirm.setText(OTHER_PASSPHRASE)
    page.change_passphrase()
    assert "incorrecte" in page.current_box.text
    page.current.setText(STRONG_PASSPHRASE)
    page.change_passphrase()
    assert page.change_status.text() == "Phrase de passe changée."
    assert page.current.text() == "" and page.new.text() == ""
    vault.unlock_with_passphrase(practice.data_dir, OTHER_PASSPHRASE)


def test_lock_delay_is_a_stored_setting(qtbot: QtBot, practice: Practice) -> None:
    window = _settings(qtbot, practice)
    page = window.settings_page
    page.lock_minutes.setValue(3)
    page.lock_minutes.editingFinished.emit()
    assert settings_store.get(practice.sessions, settings.LOCK_IDLE_MINUTES) == 3
    assert window.idle.timer.interval() == 3 * 60_000


def test_corrected_age_cutoff_is_a_setting_used_by_the_list(qtbot: QtBot, practice: Practice) -> None:
    from datetime import timedelta

    from cocon_desktop.ui.formatting import age_text, corrected_age_cutoff

    window = _settings(qtbot, practice)
    page = window.settings_page
    assert page.cutoff.value() == 24 and corrected_age_cutoff() == 24
    birth = TODAY - timedelta(days=30 * 30)  # about 30 months old, born at 28 SA
    assert "âge corrigé" not in age_text(birth, 28, TODAY)
    page.cutoff.setValue(36)
    page.cutoff.editingFinished.emit()
    assert settings_store.get(practice.sessions, settings.CORRECTED_AGE_CUTOFF_MONTHS) == 36
    assert "âge corrigé" in age_text(birth, 28, TODAY)
    page.cutoff.setValue(24)
    page.cutoff.editingFinished.emit()
