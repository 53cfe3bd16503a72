"""Shows a stored document (PDF through QtPdf, or an image) from memory: it never touches the disk. A signed PDF
is shown through `with_stamps` (services/pdf_copies.py), which the pages call off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from cocon_desktop.services.pdf_copies import with_stamps
from cocon_desktop.services.prescriptions import StoredDocument
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

__all__ = ["DocumentViewer", "with_stamps"]


class DocumentViewer(QDialog):
    def __init__(self, document: StoredDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("document_viewer")
        self.setWindowTitle(tr("Document — {0}").format(document.filename))
        fit_to_screen(self, 820, 900)
        layout = QVBoxLayout(self)
        self.pdf_document: QPdfDocument | None = None
        self.pdf_view: QPdfView | None = None
        self.image: QLabel | None = None
        self._bytes = QByteArray(document.content)
        self._buffer = QBuffer(self._bytes, self)
        if document.media_type == "application/pdf":
            layout.addWidget(self._pdf())
        else:
            layout.addWidget(self._picture())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("Fermer"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _pdf(self) -> QWidget:
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf_document = QPdfDocument(self)
        self.pdf_document.load(self._buffer)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setObjectName("pdf_view")
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setDocument(self.pdf_document)
        return self.pdf_view

    def _picture(self) -> QWidget:
        pixmap = QPixmap()
        if not pixmap.loadFromData(self._bytes):
            unreadable = QLabel(tr("Ce document ne peut pas être affiché."), self)
            unreadable.setStyleSheet(ERROR_STYLE)
            return unreadable
        scroll = QScrollArea(self)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image = QLabel(scroll)
        self.image.setObjectName("image_view")
        self.image.setPixmap(pixmap)
        scroll.setWidget(self.image)
        return scroll

    def page_count(self) -> int:
        return self.pdf_document.pageCount() if self.pdf_document is not None else 0

    def is_ready(self) -> bool:
        if self.pdf_document is not None:
            return self.pdf_document.status() == QPdfDocument.Status.Ready
        return self.image is not None
