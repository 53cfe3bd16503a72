"""« APERÇU — non émise »: the mark of an attestation shown before it is issued (no number used, nothing stored),
drawn across every page so that a printed preview can never pass for the attestation itself."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from cocon_desktop.documents import fonts
from cocon_desktop.documents.pdf_page import PAGE_HEIGHT, PAGE_WIDTH

MARK = "APERÇU — non émise"
NUMBER = "(aperçu)"  # where the number goes: none is used before the attestation is issued


def _overlay() -> bytes:
    fonts.register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), initialFontName=fonts.REGULAR)
    canvas.saveState()
    canvas.setFillColorRGB(0.1, 0.3, 0.7)
    canvas.setFillAlpha(0.16)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(40)
    canvas.setFont(fonts.BOLD, 56)
    canvas.drawCentredString(0, -20, MARK)
    canvas.restoreState()
    canvas.setFillColorRGB(0.1, 0.3, 0.7)
    canvas.setFont(fonts.BOLD, 8)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 8 * mm,
                             f"{MARK} : aucun numéro attribué, ce document n'a pas de valeur d'attestation")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def mark_preview(pdf: bytes) -> bytes:
    """Every page of `pdf` with the « APERÇU — non émise » mark drawn over it."""
    stamp = PdfReader(io.BytesIO(_overlay())).pages[0]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
