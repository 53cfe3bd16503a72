"""The window shown at start when the practice's key is not in the keychain."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from cocon_desktop.services import practice_keys
from cocon_desktop.ui.fit import grow_to_content
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.unlock_panel import UnlockPanel

if TYPE_CHECKING:
    from cocon_desktop.services.practice_handle import Practice
    from cocon_desktop.ui.dialogs.restore_dialog import RestoreDialog


class UnlockWindow(QDialog):
    practice_opened = Signal(object)

    def __init__(self, data_dir: Path, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("COCON Desktop — déverrouiller le cabinet"))
        self.setMinimumWidth(520)
        self.practice: Practice | None = None
        self.data_dir, self.runner = data_dir, runner
        self.restore_dialog: RestoreDialog | None = None
        layout = QVBoxLayout(self)
        title = QLabel(tr("Cabinet verrouillé"), self)
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(title)
        intro = QLabel(tr("Vos données sont chiffrées sur cet ordinateur. Saisissez votre phrase de passe "
                          "pour les ouvrir."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        try:
            demo = practice_keys.key_file_facts(data_dir).demo
        except Exception:  # a damaged key file is reported when unlocking, at the field
            demo = False
        if demo:
            note = QLabel(tr("Cabinet de démonstration : la phrase de passe est « demo ». C'est la seule "
                             "phrase dispensée de la règle de robustesse, réservée à la démonstration."), self)
            note.setWordWrap(True)
            note.setObjectName("demo_note")
            note.setStyleSheet("background: #fff4d6; padding: 6px; border-radius: 4px;")
            layout.addWidget(note)
        self.panel = UnlockPanel(data_dir, runner, offer_remember=True, parent=self)
        self.panel.unlocked.connect(self._opened)
        self.panel.grown.connect(self._fit)
        layout.addWidget(self.panel)
        restore = QPushButton(tr("Restaurer une sauvegarde dans un autre dossier…"), self)
        restore.setObjectName("restore_backup")
        restore.setFlat(True)
        restore.setAutoDefault(False)
        restore.clicked.connect(self.open_restore)
        row = QHBoxLayout()  # left-aligned by a stretch, the folder selectable as a read-only field: no Qt flag,
        row.addWidget(restore)  # PySide6 builds its whole Qt namespace (~30 ms) at the first one
        row.addStretch(1)
        layout.addLayout(row)
        folder = QLineEdit(tr("Dossier : {0}").format(data_dir), self)
        folder.setObjectName("data_folder")
        folder.setAccessibleName(tr("Dossier des données"))
        folder.setReadOnly(True)
        folder.setFrame(False)
        folder.setStyleSheet("color: #666; background: transparent;")
        layout.addWidget(folder)
        self.panel.focus()

    def open_restore(self) -> RestoreDialog:
        """The restore dialog (into a new folder: this one holds a practice); the restored one then opens."""
        from cocon_desktop.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.data_dir, self.runner, parent=self)
        dialog.restored.connect(self._opened)
        self.restore_dialog = dialog
        dialog.open()
        return dialog

    def _fit(self) -> None:
        """The keychain's answer comes after the window is shown (50–100 ms): grow so that its sentence is read
        whole instead of squeezed under the button (once the sentence is placed)."""
        QTimer.singleShot(0, self, lambda: grow_to_content(self))

    def _opened(self, practice: Practice) -> None:
        self.practice = practice
        self.practice_opened.emit(practice)
        self.accept()
