"""Shows a stored document (PDF through QtPdf, or an image) from memory: it never touches the disk."""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from cocon_desktop.services.prescriptions import StoredDocument
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.widgets.form_field import ERROR_STYLE

log = logging.getLogger(__name__)


def with_stamps(pdf: bytes) -> bytes:
    """The copy of a signed PDF to show: QtPdf leaves form widgets out, so the PAdES stamp (a signature field's
    appearance) is also drawn as page content (`documents/duplicata.printable`, an incremental update); the
    file saved or exported stays the signed one. The raw bytes if that fails. Off the GUI thread: ~10 ms for
    an invoice, ~0.5 s the first time (pyHanko's import)."""
    from cocon_desktop.documents.duplicata import printable

    try:
        return printable(pdf)
    except Exception as error:  # a PDF pyHanko cannot rewrite is still shown, without its stamp
        log.warning("signature stamp not drawn for the preview: %s", type(error).__name__)
        return pdf


class DocumentViewer(QDialog):
    def __init__(self, document: StoredDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("document_viewer")
        self.setWindowTitle(tr("Document — {0}").format(document.filename))
        self.resize(820, 900)
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
