"""Preview of an attestation (or of a print run) from memory with QtPdf, then « Imprimer » through the system's
print dialog and « Enregistrer en PDF ». The PDF never goes through a temporary file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cocon_desktop.fsutil import atomic_write
from cocon_desktop.services.attestations import for_printing
from cocon_desktop.ui.fit import fit_to_screen
from cocon_desktop.ui.i18n import error_text, ntr, tr
from cocon_desktop.ui.widgets.form_field import DONE_STYLE, ERROR_STYLE

PRINT_DPI = 300  # pages are rendered at most this fine for the printer (1200 dpi would mean 500 MB a page)


def render_options() -> QPdfDocumentRenderOptions:
    """Annotations included: the PAdES stamp is a signature field's appearance."""
    options = QPdfDocumentRenderOptions()
    options.setRenderFlags(QPdfDocumentRenderOptions.RenderFlag.Annotations)
    return options


def print_pdf(document: QPdfDocument, printer: QPrinter) -> int:
    """Each page rendered to an image and drawn on the printer's whole paper; the number of pages printed."""
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    dpi = min(printer.resolution(), PRINT_DPI)
    options = render_options()
    try:
        for index in range(document.pageCount()):
            if index and not printer.newPage():
                return index
            points = document.pagePointSize(index)
            image = document.render(index, QSize(round(points.width() / 72 * dpi),
                                                 round(points.height() / 72 * dpi)), options)
            area = painter.viewport()
            scale = min(area.width() / image.width(), area.height() / image.height())
            target = QRect(0, 0, round(image.width() * scale), round(image.height() * scale))
            target.moveCenter(area.center())
            painter.drawImage(target, image)
    finally:
        painter.end()
    return document.pageCount()


class AttestationPreview(QDialog):
    def __init__(self, pdf: bytes, title: str, file_name: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attestation_preview")
        self.setWindowTitle(title)
        fit_to_screen(self, 860, 940)
        self.pdf, self.file_name = pdf, file_name
        layout = QVBoxLayout(self)
        self.note = QLabel(note, self)
        self.note.setObjectName("preview_note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("background: #fff4d6; color: #5a4300; padding: 6px;")
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        self._bytes = QByteArray(for_printing(pdf))
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)  # the whole page, as it will print
        self.view.setDocument(self.document)
        layout.addWidget(self.view, 1)
        self.status = QLabel(self)
        self.status.setObjectName("preview_status")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(tr("Imprimer…"), self)
        self.print_button.setObjectName("print_attestation")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton(tr("Enregistrer en PDF…"), self)
        self.save_button.setObjectName("save_attestation")
        self.save_button.clicked.connect(self.choose_file)
        close = QPushButton(tr("Fermer"), self)
        close.clicked.connect(self.reject)
        self.pages_label = QLabel(ntr("{0} page", "{0} pages", self.page_count()).format(self.page_count()), self)
        buttons.addWidget(self.pages_label)
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)

    def page_count(self) -> int:
        return self.document.pageCount()

    def is_ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.status.setVisible(bool(text))

    def print_to(self, printer: QPrinter) -> int:
        printed = print_pdf(self.document, printer)
        if printed:
            self.say(ntr("{0} page envoyée à l'impression.", "{0} pages envoyées à l'impression.", printed)
                     .format(printed))
        else:
            self.say(tr("L'imprimante n'a pas pu être ouverte."), error=True)
        return printed

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("Imprimer"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Enregistrer en PDF"), str(Path.home() / self.file_name),
                                              tr("Documents PDF (*.pdf)"))
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        try:
            atomic_write(path, self.pdf, private_dir=False)
        except OSError as error:
            self.say(error_text(error), error=True)
            return
        self.say(tr("Enregistré dans {0}.").format(path))
