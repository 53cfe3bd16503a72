"""Paramètres: the practice profile, the passphrase and the data key (ui/pages/key_rotation_box.py), automatic
locking, the keychain, the tariffs, the networks (ui/pages/networks_tab.py: address, SIRET, address of reception), the
pathways and their plateformes (ui/pages/pathways_tab.py) and the backups.

A form page: it reads the practice when it gets it, and after an unlock keeps what was typed (it has no SHOWS, so
the window's refresher does not read it again). Its writes go through `runner.run_op`: the views showing the
profile (PROFILE), the tariffs (TARIFFS) or the settings (SETTINGS) elsewhere read again from their Changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop import settings
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.errors import FieldError, ValidationError
from cocon_desktop.services import key_rotation, practice_keys, practice_profile, settings_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.i18n import error_text, message, tr
from cocon_desktop.ui.pages.accounting_tab import AccountingTab
from cocon_desktop.ui.pages.backups_tab import BackupsTab
from cocon_desktop.ui.pages.key_rotation_box import KeyRotationBox
from cocon_desktop.ui.pages.networks_tab import NetworksTab
from cocon_desktop.ui.pages.pathways_tab import PathwaysTab
from cocon_desktop.ui.pages.tariffs_tab import TariffsTab
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE, FieldBox
from cocon_desktop.ui.widgets.new_passphrase import NewPassphraseField, password_edit
from cocon_desktop.ui.widgets.profile_form import ProfileForm
from cocon_desktop.ui.widgets.signature_image_box import SignatureImageBox


def _status_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class SettingsPage(QWidget):

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.practice: Practice | None = None
        layout = QVBoxLayout(self)
        heading = QLabel(tr("Paramètres"), self)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(heading)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._profile_tab(), tr("Cabinet"))
        self.tabs.addTab(self._security_tab(), tr("Sécurité et préférences"))
        self.tariffs_tab = TariffsTab(runner, self)
        self.tabs.addTab(self.tariffs_tab, tr("Tarifs"))
        self.networks_tab = NetworksTab(runner, self)  # each network's address, SIRET and address of reception
        self.tabs.addTab(self.networks_tab, tr("Réseaux"))
        self.pathways_tab = PathwaysTab(runner, self)  # COCON, PCO-TND… and the PCO's plateformes
        self.tabs.addTab(self.pathways_tab, tr("Parcours et payeurs"))
        self.pathways_tab.pathways_changed.connect(self.tariffs_tab.set_pathways)
        self.accounting_tab = AccountingTab(runner, self)  # the FEC's chart of accounts
        self.tabs.addTab(self.accounting_tab, tr("Comptabilité"))
        self.backups_tab = BackupsTab(runner, self)
        self.tabs.addTab(self.backups_tab, tr("Sauvegardes"))

    # -- the practice profile
    def _profile_tab(self) -> QWidget:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        layout = QVBoxLayout(inner)
        self.form = ProfileForm(parent=inner)
        layout.addWidget(self.form)
        row = QHBoxLayout()
        self.save_button = QPushButton(tr("Enregistrer le profil"), inner)
        self.save_button.setObjectName("save_profile")
        self.save_button.clicked.connect(self.save_profile)
        self.profile_status = _status_label(inner, "profile_status")
        row.addWidget(self.save_button)
        row.addWidget(self.profile_status, 1)
        layout.addLayout(row)
        self.signature_box = SignatureImageBox(self.runner, inner)
        layout.addWidget(self.signature_box)
        layout.addStretch(1)
        scroll.setWidget(inner)
        return scroll

    def save_profile(self) -> None:
        if self.practice is None:
            return
        profile = PracticeProfile(**self.form.values())
        if self.form.check(profile):
            self._say(self.profile_status, tr("Corrigez les champs signalés : rien n'a été enregistré."), False)
            return
        practice = self.practice
        self.save_button.setEnabled(False)
        self.runner.run_op(lambda report: practice.write(practice_profile.save_profile, profile),
                           self._profile_saved, self._profile_failed)

    def _profile_saved(self, profile: PracticeProfile) -> None:
        self.save_button.setEnabled(True)
        self.form.set_values(profile)
        self.form.check(profile)  # keeps warnings (RPPS) visible
        self._say(self.profile_status, tr("Profil enregistré."), True)

    def _profile_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.form.show_errors(error.errors)
        self._say(self.profile_status, error_text(error), False)

    # -- security
    def _security_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        change = QGroupBox(tr("Changer la phrase de passe"), tab)
        form = QFormLayout(change)
        self.current = password_edit(change, "current_passphrase")
        self.current_box = FieldBox(self.current, parent=change)
        self.new_field = NewPassphraseField("settings_new_passphrase", "settings_confirm_passphrase", change)
        self.new, self.confirm = self.new_field.edit, self.new_field.confirm
        self.new_box, self.confirm_box = self.new_field.box, self.new_field.confirm_box
        form.addRow(tr("Phrase de passe actuelle"), self.current_box)
        form.addRow(self.new_field)
        self.change_button = QPushButton(tr("Changer la phrase de passe"), change)
        self.change_button.setObjectName("change_passphrase")
        self.change_button.clicked.connect(self.change_passphrase)
        self.change_status = _status_label(change, "change_status")
        form.addRow("", self.change_button)
        form.addRow("", self.change_status)
        note = QLabel(tr("La base est rechiffrée sous une nouvelle clé, et une sauvegarde neuve écrite : une ancienne "
                         "copie du fichier des clés ne l'ouvre plus. La clé de secours reste valable."), change)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        form.addRow("", note)
        layout.addWidget(change)
        self.rotation = KeyRotationBox(self.runner, tab)  # the bar and the older backups' question are shown here
        layout.addWidget(self.rotation)

        locking = QGroupBox(tr("Verrouillage et trousseau"), tab)
        lform = QFormLayout(locking)
        self.lock_minutes = QSpinBox(locking)
        self.lock_minutes.setObjectName("lock_minutes")
        var = settings.LOCK_IDLE_MINUTES
        self.lock_minutes.setRange(var.minimum or 1, var.maximum or 240)
        self.lock_minutes.setValue(var.default)
        self.lock_minutes.setSuffix(tr(" min"))
        self.lock_minutes.editingFinished.connect(self._save_lock_minutes)
        lform.addRow(tr(var.label), self.lock_minutes)
        status = practice_keys.keychain_status()
        self.remember = QCheckBox(tr("Se souvenir sur cet ordinateur (trousseau du système)"), locking)
        self.remember.setObjectName("settings_remember")
        self.remember.setEnabled(status.available)
        self.remember.toggled.connect(self._remember_toggled)
        lform.addRow("", self.remember)
        reason = QLabel(message(status.reason), locking)
        reason.setWordWrap(True)
        reason.setStyleSheet("color: #555;")
        lform.addRow("", reason)
        self.lock_status = _status_label(locking, "lock_status")
        lform.addRow("", self.lock_status)
        layout.addWidget(locking)

        follow_up = QGroupBox(tr("Suivi des enfants"), tab)
        fform = QFormLayout(follow_up)
        cutoff = settings.CORRECTED_AGE_CUTOFF_MONTHS
        self.cutoff = QSpinBox(follow_up)
        self.cutoff.setObjectName("corrected_age_cutoff")
        self.cutoff.setRange(cutoff.minimum or 12, cutoff.maximum or 84)
        self.cutoff.setValue(cutoff.default)
        self.cutoff.setSuffix(tr(" mois"))
        self.cutoff.editingFinished.connect(self._save_cutoff)
        fform.addRow(tr(cutoff.label), self.cutoff)
        hint = QLabel(tr("Pour les enfants nés avant 37 SA ; souvent prolongé pour les grands prématurés."), follow_up)
        hint.setStyleSheet("color: #555;")
        fform.addRow("", hint)
        layout.addWidget(follow_up)
        layout.addStretch(1)
        return tab

    def _save_cutoff(self) -> None:
        """The children's list and file show corrected ages up to this age. The window applies the stored cut-off
        after the write's SETTINGS (MainWindow.changed); the list and the file, marked stale, read again when
        shown."""
        self._put(settings.CORRECTED_AGE_CUTOFF_MONTHS, self.cutoff.value(), lambda _: None)

    def _put(self, var: settings.SettingVar, value: int, saved: Callable[[Any], None]) -> None:
        if self.practice is None:
            return
        practice = self.practice
        self.runner.run_op(lambda report: practice.write(settings_store.put, var, value), saved,
                           lambda error: self._say(self.lock_status, error_text(error), False))

    def change_passphrase(self) -> None:
        if self.practice is None:
            return
        self.current_box.clear()
        self.new_field.clear_errors()
        current = self.current.text()
        if not current:
            self.current_box.show_error(FieldError("current", "passphrase_empty"))
            return
        new = self.new_field.checked()
        if new is None:
            return
        self.change_button.setEnabled(False)
        self._say(self.change_status, tr("Changement en cours…"), True)
        self.rotation.rotate(key_rotation.change_passphrase, current, new, on_done=self._changed,
                             on_failed=self._change_failed)

    def _changed(self, _: object) -> None:
        self.change_button.setEnabled(True)
        for edit in (self.current, self.new, self.confirm):
            edit.clear()
        self._say(self.change_status, tr("Phrase de passe changée."), True)

    def _change_failed(self, text: str) -> None:
        self.change_button.setEnabled(True)
        self.change_status.clear()
        self.current_box.show_text(text)

    def _save_lock_minutes(self) -> None:
        self._put(settings.LOCK_IDLE_MINUTES, self.lock_minutes.value(), lambda _: None)  # the window follows

    def _remember_toggled(self, checked: bool) -> None:
        if self.practice is None or self._loading:
            return
        practice = self.practice
        self.runner.run_op(lambda report: practice.write(practice_keys.remember_key, checked), self._remembered,
                           lambda error: self._say(self.lock_status, error_text(error), False))

    def _remembered(self, on: bool) -> None:
        self._say(self.lock_status, tr("La clé est gardée dans le trousseau de cet ordinateur." if on else
                                       "La clé a été retirée du trousseau de cet ordinateur."), True)

    # -- loading
    _loading = False

    def set_practice(self, practice: Practice | None, *, reload: bool = True) -> None:
        """Show `practice`; after an unlock (reload=False) what was typed stays as it is."""
        self.practice = practice
        self.rotation.practice = practice
        self.tariffs_tab.practice = practice
        self.networks_tab.practice = practice
        self.pathways_tab.set_practice(practice, reload=reload)
        self.accounting_tab.set_practice(practice, reload=reload)
        self.backups_tab.set_practice(practice, reload=reload)
        self.signature_box.practice = practice
        if practice is None or not reload:
            return
        self.signature_box.set_practice(practice)

        def load() -> tuple[PracticeProfile, int, bool, int]:
            return (practice.read(practice_profile.load_profile),
                    int(practice.read(settings_store.get, settings.LOCK_IDLE_MINUTES)),
                    practice_keys.is_remembered(practice),
                    int(practice.read(settings_store.get, settings.CORRECTED_AGE_CUTOFF_MONTHS)))

        self.runner.run(load, self._loaded, lambda error: self._say(self.profile_status, error_text(error),
                                                                    False))

    def _loaded(self, values: tuple[PracticeProfile, int, bool, int]) -> None:
        profile, minutes, remembered, cutoff = values  # the window applies them (MainWindow._apply_settings)
        self.cutoff.setValue(cutoff)
        self.tariffs_tab.set_practice(self.practice, profile.network)
        self.networks_tab.set_practice(self.practice, network=profile.network)
        self._loading = True
        self.form.set_values(profile)
        self.lock_minutes.setValue(minutes)
        self.remember.setChecked(remembered)
        self._loading = False

    @staticmethod
    def _say(label: QLabel, text: str, ok: bool) -> None:
        label.setStyleSheet(DONE_STYLE if ok else ERROR_STYLE)
        label.setText(text)
