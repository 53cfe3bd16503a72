"""Paramètres: the image of the handwritten signature drawn on attestations (kept in the encrypted database).
Importing it is a write of the practice's identity (PROFILE, through `runner.run_op`): the attestations read again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.signature_image import StoredSignature, import_signature_image, stored_signature
from cocon_desktop.ui.i18n import error_text, tr
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

PREVIEW_SIZE = (260, 90)


class SignatureImageBox(QGroupBox):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(tr("Signature manuscrite (attestations)"), parent)
        self.runner = runner
        self.practice: Practice | None = None
        self.setObjectName("signature_image_box")
        layout = QHBoxLayout(self)
        self.preview = QLabel(tr("Aucune image"), self)
        self.preview.setObjectName("signature_preview")
        self.preview.setFixedSize(*PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: white; border: 1px solid #c8ced6; color: #777;")
        layout.addWidget(self.preview)
        side = QVBoxLayout()
        hint = QLabel(tr("Une image PNG ou JPEG de votre signature, imprimée sur les attestations remises aux "
                         "familles. Elle est gardée chiffrée dans la base du cabinet."), self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        side.addWidget(hint)
        self.import_button = QPushButton(tr("Importer une image…"), self)
        self.import_button.setObjectName("import_signature_image")
        self.import_button.clicked.connect(self.choose_file)
        side.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.status = QLabel(self)
        self.status.setObjectName("signature_image_status")
        self.status.setWordWrap(True)
        side.addWidget(self.status)
        side.addStretch(1)
        layout.addLayout(side, 1)

    def set_practice(self, practice: Practice | None) -> None:
        self.practice = practice
        if practice is not None:
            self.runner.run(lambda: practice.read(stored_signature), self._show, self._failed)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Image de la signature"), str(Path.home()),
                                              tr("Images (*.png *.jpg *.jpeg)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        if self.practice is None:
            return
        practice = self.practice
        self.runner.run_op(lambda report: practice.write(import_signature_image, path.read_bytes()), self._imported,
                           self._failed)

    def _imported(self, stored: StoredSignature) -> None:
        self._show(stored)
        self.status.setStyleSheet("color: #2e7d32;")
        self.status.setText(tr("Image enregistrée : elle figurera sur les prochaines attestations."))

    def _show(self, stored: StoredSignature | None) -> None:
        if stored is None:
            self.preview.setText(tr("Aucune image"))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(stored.content)
        self.preview.setPixmap(pixmap.scaled(PREVIEW_SIZE[0] - 8, PREVIEW_SIZE[1] - 8,
                                             Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))

    def _failed(self, error: BaseException) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(error_text(error))
