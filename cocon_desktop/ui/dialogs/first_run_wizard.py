"""First run: the pathways followed (on the welcome page, ui/dialogs/pathway_pages.py), the practice profile, the
network's postal address (ui/dialogs/network_address_page.py; skipped without COCON), the first PCO (only with
PCO-TND), the passphrase, the recovery key — then the encrypted practice (with the network's address, the pathways
and the plateforme, if given)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from cocon_desktop.domain.pathways import DEFAULT_PATHWAYS
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.services import practice_keys
from cocon_desktop.services.invoice_documents import set_network_address
from cocon_desktop.services.pathway_store import set_enabled_pathways
from cocon_desktop.services.payers import add_payer
from cocon_desktop.services.practice_handle import Practice, create_practice
from cocon_desktop.services.practice_keys import Argon2Params, KeychainStatus
from cocon_desktop.ui.dialogs.network_address_page import NetworkAddressPage
from cocon_desktop.ui.dialogs.pathway_pages import PLATFORMS, PathwayChoice, PlatformPage
from cocon_desktop.ui.i18n import error_text, message, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE
from cocon_desktop.ui.widgets.new_passphrase import NewPassphraseField
from cocon_desktop.ui.widgets.profile_form import CONTACT, IDENTITY, NETWORK, ProfileForm
from cocon_desktop.ui.widgets.recovery_key_view import RecoveryKeyView

if TYPE_CHECKING:
    from cocon_desktop.ui.dialogs.restore_dialog import RestoreDialog


def _wrapped_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


class WelcomePage(QWizardPage):
    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.setTitle(tr("Bienvenue dans COCON Desktop"))
        layout = QVBoxLayout(self)
        layout.addWidget(_wrapped_label(tr(
            "Ce programme tient votre activité dans le parcours COCON : les enfants suivis, leurs "
            "prescriptions et forfaits, les séances, la facturation au réseau de périnatalité et les "
            "attestations pour les familles.\n\n"
            "Vos données restent sur cet ordinateur, dans une base chiffrée (SQLCipher, AES-256). "
            "Elles ne s'ouvrent qu'avec votre phrase de passe ou votre clé de secours.\n\n"
            "Quelques minutes suffisent : votre identité professionnelle, vos coordonnées, votre réseau, "
            "puis la phrase de passe."), self))
        folder = _wrapped_label(tr("Dossier des données : {0}").format(data_dir), self)
        folder.setStyleSheet("color: #555;")
        self.pathways = PathwayChoice(self)
        layout.addSpacing(8)
        layout.addWidget(self.pathways)
        layout.addStretch(1)
        layout.addWidget(_wrapped_label(tr("Vous avez déjà un cabinet, sauvegardé depuis un autre ordinateur ou "
                                           "avant un changement de disque ?"), self))
        restore = QPushButton(tr("Restaurer une sauvegarde…"), self)
        restore.setObjectName("restore_backup")
        restore.clicked.connect(self._restore)
        layout.addWidget(restore, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(folder)

    def _restore(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        wizard.open_restore()


class ProfilePage(QWizardPage):
    def __init__(self, title: str, subtitle: str, fields: tuple[str, ...]) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        layout = QVBoxLayout(self)
        self.form = ProfileForm(fields, self)
        layout.addWidget(self.form)

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return not self.form.check(wizard.profile())


class PassphrasePage(QWizardPage):
    def __init__(self, keychain: KeychainStatus) -> None:
        super().__init__()
        self.setTitle(tr("Phrase de passe"))
        self.setSubTitle(tr("Elle chiffre vos données. Personne d'autre ne la connaît : ni le réseau, "
                            "ni les auteurs du programme."))
        layout = QFormLayout(self)
        self.new_field = NewPassphraseField("passphrase", "passphrase_confirm", self)
        self.first, self.second = self.new_field.edit, self.new_field.confirm
        self.first_box, self.second_box = self.new_field.box, self.new_field.confirm_box
        self.meter = self.new_field.meter
        self.remember = QCheckBox(tr("Se souvenir sur cet ordinateur (trousseau du système)"), self)
        self.remember.setObjectName("remember")
        self.remember.setEnabled(keychain.available)
        reason = _wrapped_label(message(keychain.reason), self)
        reason.setStyleSheet("color: #555;")
        layout.addRow(self.new_field)
        layout.addRow("", self.remember)
        layout.addRow("", reason)

    def validatePage(self) -> bool:
        return self.new_field.checked() is not None


class RecoveryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("Clé de secours"))
        self.setSubTitle(tr("Si vous oubliez la phrase de passe, seule cette clé ouvre vos données. "
                            "Elle n'est affichée qu'une fois."))
        layout = QVBoxLayout(self)
        layout.addWidget(_wrapped_label(tr(
            "Recopiez-la à la main sur papier, groupe par groupe, et rangez la feuille à part de "
            "l'ordinateur (dans un coffre, avec vos papiers importants). Ne la photographiez pas et "
            "ne l'enregistrez pas sur cet ordinateur."), self))
        self.view = RecoveryKeyView(self)
        layout.addWidget(self.view, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.confirm = QCheckBox(tr("J'ai recopié la clé de secours sur papier et je la range en lieu sûr"),
                                 self)
        self.confirm.setObjectName("recovery_written")
        self.confirm.toggled.connect(self.completeChanged)
        layout.addWidget(self.confirm)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.status = _wrapped_label("", self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._async = False

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        self.view.set_key(wizard.recovery)

    def isComplete(self) -> bool:
        return self.confirm.isChecked()

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        if wizard.practice is not None:
            return True
        self._busy(True)
        self._async = False
        wizard.runner.run(wizard.creation_task(), self._created, self._failed)
        self._async = True
        return wizard.practice is not None

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.status.setStyleSheet("")
        self.status.setText(tr("Création du cabinet chiffré…") if busy else "")
        wizard = self.wizard()
        for button in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
                       QWizard.WizardButton.CancelButton):
            wizard.button(button).setEnabled(not busy)

    def _created(self, practice: Practice) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        wizard.practice = practice
        self._busy(False)
        if self._async:
            wizard.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(error_text(error))


class FirstRunWizard(QWizard):
    practice_created = Signal(object)

    def __init__(self, data_dir: Path, runner: TaskRunner, keychain: KeychainStatus,
                 kdf: Argon2Params | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("COCON Desktop — création du cabinet"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(720, 600)
        self.data_dir, self.runner, self.kdf = data_dir, runner, kdf
        self.recovery = practice_keys.new_recovery_key()
        self.practice: Practice | None = None
        self.restore_dialog: RestoreDialog | None = None
        self.identity_page = ProfilePage(tr("Votre identité professionnelle"),
                                         tr("Elle figure sur vos factures et vos attestations."), IDENTITY)
        self.contact_page = ProfilePage(tr("Coordonnées et réseau"),
                                        tr("L'adresse et l'IBAN figurent sur les factures adressées au "
                                           "réseau, qui vous paie."), CONTACT + NETWORK)
        self.network_page = NetworkAddressPage(lambda: self.contact_page.form.values()["network"])
        self.platform_page = PlatformPage()
        self.passphrase_page = PassphrasePage(keychain)
        self.recovery_page = RecoveryPage()
        self.welcome_page = WelcomePage(data_dir)
        self.pathways = self.welcome_page.pathways
        for page in (self.welcome_page, self.identity_page, self.contact_page, self.network_page,
                     self.platform_page, self.passphrase_page, self.recovery_page):
            self.addPage(page)
        self.pathways.changed.connect(self._pathways_changed)
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("Créer le cabinet"))
        self.accepted.connect(self._announce)

    def open_restore(self) -> RestoreDialog:
        """The restore dialog (ui/dialogs/restore_dialog.py); the restored practice opens like a created one."""
        from cocon_desktop.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.data_dir, self.runner, parent=self)
        dialog.restored.connect(self._restored)
        self.restore_dialog = dialog
        dialog.open()
        return dialog

    def _restored(self, practice: Practice) -> None:
        self.practice = practice
        self.accept()  # from the welcome page, which validates nothing: accepted → practice_created

    def nextId(self) -> int:
        """The next page in order, leaving out the network's address without COCON and the PCO without PCO-TND."""
        skipped = {page for page, followed in ((self.network_page, "cocon"), (self.platform_page, PLATFORMS))
                   if not self.pathways.follows(followed)}
        return next((page_id for page_id in self.pageIds()
                     if page_id > self.currentId() and self.page(page_id) not in skipped), -1)

    def _pathways_changed(self) -> None:
        """The network (on the contact page) is asked only of a practice following COCON."""
        form = self.contact_page.form
        layout = form.layout()
        if isinstance(layout, QFormLayout) and "network" in form.boxes:
            layout.setRowVisible(form.boxes["network"], self.pathways.follows("cocon"))

    def profile(self) -> PracticeProfile:
        values = {**self.identity_page.form.values(), **self.contact_page.form.values()}
        return PracticeProfile(**values)

    def creation_task(self) -> Callable[[], Practice]:
        """What the worker runs (Argon2id, key file, encrypted database, profile, the network's address), values
        read here."""
        data_dir, passphrase, profile = self.data_dir, self.passphrase_page.first.text(), self.profile()
        recovery, remember, kdf = self.recovery, self.passphrase_page.remember.isChecked(), self.kdf
        pathways = self.pathways.chosen()
        address = self.network_page.address() if "cocon" in pathways else None
        payer = self.platform_page.payer() if PLATFORMS in pathways else None

        def create() -> Practice:
            practice = create_practice(data_dir, passphrase, profile, recovery, remember=remember, params=kdf)
            if address is not None:
                practice.write(set_network_address, profile.network, address)
            if pathways != (DEFAULT_PATHWAYS,):  # COCON alone: the setting's default, nothing written (as before)
                practice.write(set_enabled_pathways, pathways)
            if payer is not None:
                practice.write(add_payer, PLATFORMS, payer)
            return practice

        return create

    def _announce(self) -> None:
        # QWizard.accept() validates the last page first (which creates the practice), then accepts.
        if self.practice is not None:
            self.practice_created.emit(self.practice)
