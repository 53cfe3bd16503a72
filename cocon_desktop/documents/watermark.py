"""One A4 page holding a large diagonal mark and a caption at its top: drawn over every page of a document that
must never pass for the original (a duplicata, an attestation previewed before it is issued)."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from cocon_desktop.documents import fonts
from cocon_desktop.documents.pdf_page import PAGE_HEIGHT, PAGE_WIDTH

Colour = tuple[float, float, float]


def watermark_page(mark: str, caption: str, *, colour: Colour, caption_colour: Colour, size: int) -> bytes:
    """The page as a PDF: `mark` across it (translucent, `size` points), `caption` in small capitals at the top."""
    fonts.register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), initialFontName=fonts.REGULAR)
    canvas.saveState()
    canvas.setFillColorRGB(*colour)
    canvas.setFillAlpha(0.16)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(40)
    canvas.setFont(fonts.BOLD, size)
    canvas.drawCentredString(0, -size * 0.36, mark)
    canvas.restoreState()
    canvas.setFillColorRGB(*caption_colour)
    canvas.setFont(fonts.BOLD, 8)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 8 * mm, caption)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
