"""Paramètres writes through the practice handle, and the views that show what it changed read again (issue 17):
a tariff saved reprices the invoicing preview, the profile's network becomes the invoicing page's default, the
corrected-age cut-off shows in the child's open file, the signature image and the backup announce what they change,
and the keys (passphrase, keychain) say KEYS. Real widgets in a real MainWindow, SyncRunner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog

from cocon_desktop.clock import FixedClock
from cocon_desktop.services import practice_keys, practice_profile
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.formatting import set_corrected_age_cutoff
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import OTHER_PASSPHRASE, STRONG_PASSPHRASE, MemoryKeyring
from tests.dates import CLOCK, TODAY
from tests.db import invoice_helpers
from tests.ui.child_helpers import make_child, small_pdf


def _window(qtbot: QtBot, practice: Practice, clock: FixedClock = CLOCK) -> tuple[MainWindow, list[Changes]]:
    """The window, and every Changes its runner announced."""
    runner = SyncRunner()
    announced: list[Changes] = []
    runner.subscribe(announced.append)
    window = MainWindow(practice, runner, clock=clock)
    qtbot.addWidget(window)
    window.show()
    return window, announced


@pytest.fixture
def cutoff_restored() -> Iterator[None]:
    yield
    set_corrected_age_cutoff(24)  # a module-wide value: the next test starts from the default


def test_a_tariff_saved_in_settings_reprices_the_invoicing_preview(qtbot: QtBot, practice: Practice) -> None:
    invoice_helpers.fill(practice)
    window, announced = _window(qtbot, practice, FixedClock(invoice_helpers.TODAY))
    window.show_page("invoicing")
    issue = window.invoicing_page.issue_tab
    assert issue.month.currentText() == "Octobre 2026" and "771,00" in issue.total.text()

    window.show_page("settings")
    settings = window.settings_page
    tab = settings.tariffs_tab
    settings.tabs.setCurrentWidget(tab)
    assert tab.network.currentData() == "RPO" and "précoces 0–24" in tab.table.item(0, 0).text()
    tab.table.item(0, 4).setText("41,50")  # 2,50 € more for each of the 9 séances of October (3 children × 3)
    tab.effective.setText("01/09/2026")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "Version enregistrée" in tab.status.text()
    assert announced == [Changes.TARIFFS]
    assert window.refresher.is_stale(window.invoicing_page), "hidden: it reads again when next shown"
    assert "771,00" in issue.total.text()

    window.show_page("invoicing")
    assert not window.refresher.is_stale(window.invoicing_page)
    assert "793,50" in issue.total.text()


def test_the_profile_saved_in_settings_becomes_the_invoicing_default_network(qtbot: QtBot,
                                                                            practice: Practice) -> None:
    window, announced = _window(qtbot, practice)
    window.show_page("invoicing")
    assert window.invoicing_page.issue_tab.selected_network() == "RPO"
    window.show_page("attestations")
    window.show_page("settings")
    page = window.settings_page
    network = page.form.editors["network"]
    assert isinstance(network, QComboBox)
    network.setCurrentIndex(network.findData("RPM"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.profile_status.text() == "Profil enregistré."
    assert announced == [Changes.PROFILE]
    assert practice.read(practice_profile.load_profile).network == "RPM"
    for key in ("invoicing", "attestations", "dashboard"):
        assert window.refresher.is_stale(window.page(key)), key

    window.show_page("invoicing")
    assert window.invoicing_page.issue_tab.selected_network() == "RPM"


def test_the_cutoff_saved_in_settings_shows_in_the_open_child_file(qtbot: QtBot, practice: Practice,
                                                                  cutoff_restored: None) -> None:
    child_id = make_child(practice, birth_date=TODAY - timedelta(days=30 * 30), gestational_weeks=28,
                          gestational_days=0)  # about 30 months old, born at 28 SA
    window, announced = _window(qtbot, practice)
    window.show_page("children")
    window.children_page.open_child(child_id)
    file = window.children_page.file
    assert "âge corrigé" not in file.subtitle.text()

    window.show_page("settings")
    page = window.settings_page
    page.tabs.setCurrentIndex(1)
    page.cutoff.setValue(36)
    page.cutoff.editingFinished.emit()
    assert announced == [Changes.SETTINGS]
    assert window.refresher.is_stale(window.children_page)

    window.show_page("children")
    assert file.isVisible() and "âge corrigé" in file.subtitle.text()


def test_the_idle_delay_follows_the_setting_saved(qtbot: QtBot, practice: Practice) -> None:
    window, announced = _window(qtbot, practice)
    window.show_page("settings")
    page = window.settings_page
    page.tabs.setCurrentIndex(1)
    page.lock_minutes.setValue(7)
    page.lock_minutes.editingFinished.emit()
    assert announced == [Changes.SETTINGS] and window.idle.timer.interval() == 7 * 60_000


def test_the_signature_image_is_a_profile_change_the_attestations_read_again(
        qtbot: QtBot, practice: Practice, tmp_path: Path) -> None:
    from PIL import Image

    image = tmp_path / "signature.png"
    Image.new("RGB", (300, 100), "white").save(image)
    window, announced = _window(qtbot, practice)
    window.show_page("attestations")
    window.show_page("settings")
    box = window.settings_page.signature_box
    box.import_file(small_pdf(tmp_path / "pas-une-image.png"))  # refused: nothing changed, said at the box
    assert box.status.text() and announced == [Changes.PROFILE]  # a failed write announces what it declares
    announced.clear()
    window.show_page("attestations")
    window.show_page("settings")
    box.import_file(image)
    assert "Image enregistrée" in box.status.text()
    assert announced == [Changes.PROFILE]
    assert window.refresher.is_stale(window.attestations_page)


def test_the_keys_say_keys_and_change_what_they_change(qtbot: QtBot, practice: Practice,
                                                       memory_keychain: MemoryKeyring) -> None:
    window, announced = _window(qtbot, practice)
    window.show_page("settings")
    page = window.settings_page
    page.tabs.setCurrentIndex(1)
    assert page.remember.isEnabled() and not page.remember.isChecked()
    assert "clé en mémoire seulement" in window.vault_label.text()
    page.remember.setChecked(True)
    assert announced == [Changes.KEYS] and "gardée dans le trousseau" in page.lock_status.text()
    assert practice_keys.is_remembered(practice) and memory_keychain.store
    assert "clé gardée dans le trousseau" in window.vault_label.text()  # the status bar follows KEYS

    page.remember.setChecked(False)
    assert announced == [Changes.KEYS, Changes.KEYS] and not practice_keys.is_remembered(practice)
    assert "clé en mémoire seulement" in window.vault_label.text()

    page.current.setText(STRONG_PASSPHRASE)
    page.new.setText(OTHER_PASSPHRASE)
    page.confirm.setText(OTHER_PASSPHRASE)
    qtbot.mouseClick(page.change_button, Qt.MouseButton.LeftButton)
    assert page.change_status.text() == "Phrase de passe changée."
    # a passphrase change rotates the data key and writes a fresh backup, recorded as the last one (issue 19, #3)
    assert announced == [Changes.KEYS, Changes.KEYS, Changes.KEYS | Changes.SETTINGS]


def test_backup_now_records_the_last_backup_as_a_setting(qtbot: QtBot, practice: Practice, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    usb = tmp_path / "CLE_USB"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(usb))
    window, announced = _window(qtbot, practice)
    window.show_page("settings")
    tab = window.settings_page.backups_tab
    window.settings_page.tabs.setCurrentWidget(tab)
    steps: list[str] = []
    tab.progress.relay.progressed.connect(lambda done, total: steps.append(tab.progress.bar.format()))
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    (written,) = usb.glob("*.coconbak")
    assert announced == [Changes.SETTINGS]
    assert str(written) in tab.last.text() and not tab.progress.isVisible() and tab.backup_button.isEnabled()
    assert steps[0] == "Copie de la base chiffrée…" and steps[-1] == "Mise en place…"
    assert not tab.progress.cancel_button.isVisible()
