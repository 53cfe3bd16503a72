"""Page furniture for PDF/A documents: page geometry, "Page 1/2" footers, the sRGB OutputIntent, and the
space kept free at the bottom of the last page for the visible signature stamp."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString, PDFZCompress
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from cocon_desktop.documents import fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 17 * mm
MARGIN_TOP = 15 * mm
MARGIN_BOTTOM = 18 * mm  # the footer lives below the frame
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

# The visible signature stamp: bottom right of the last page's frame, kept free by SignatureSpace.
SIGNATURE_WIDTH = 68 * mm
SIGNATURE_HEIGHT = 22 * mm
SIGNATURE_BOX = (
    round(PAGE_WIDTH - MARGIN_X - SIGNATURE_WIDTH), round(MARGIN_BOTTOM),
    round(PAGE_WIDTH - MARGIN_X), round(MARGIN_BOTTOM + SIGNATURE_HEIGHT),
)
INK = (0.16, 0.19, 0.24)
MUTED = (0.38, 0.42, 0.48)


def add_output_intent(canvas: Canvas) -> None:
    """PDF/A needs an OutputIntent: an sRGB one, whose ICC profile is embedded (reportlab writes none).

    reportlab's catalog only writes the keys it knows: "OutputIntents" is added to that list for this
    document's catalog object alone."""
    profile = PDFStream(PDFDictionary({"N": 3}), fonts.srgb_icc_profile(), filters=[PDFZCompress])
    intent = PDFDictionary({
        "Type": PDFName("OutputIntent"),
        "S": PDFName("GTS_PDFA1"),
        "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
        "RegistryName": PDFString("http://www.color.org"),
        "Info": PDFString("sRGB IEC61966-2.1"),
        "DestOutputProfile": canvas._doc.Reference(profile),
    })
    catalog = canvas._doc.Catalog
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents"]
    catalog.__Refs__ = catalog.__NoDefault__
    catalog.OutputIntents = PDFArray([intent])


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """A canvas that knows the page count when it saves: each page gets "label — Page i/n" at the bottom."""

    def __init__(self, *args: Any, footer: tuple[str, str] = ("", ""), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []
        add_output_intent(self)

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        count = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, count)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, count: int) -> None:
        left, right = self._footer
        y = MARGIN_BOTTOM - 9 * mm
        self.saveState()
        self.setStrokeColorRGB(*MUTED)
        self.setLineWidth(0.4)
        self.line(MARGIN_X, y + 4 * mm, PAGE_WIDTH - MARGIN_X, y + 4 * mm)
        self.setFillColorRGB(*MUTED)
        self.setFont(fonts.REGULAR, 7.5)
        self.drawString(MARGIN_X, y, left)
        self.drawRightString(PAGE_WIDTH - MARGIN_X, y, f"{right} — Page {number}/{count}")
        self.restoreState()


def canvas_maker(footer_left: str, footer_right: str) -> Callable[..., NumberedCanvas]:
    return functools.partial(NumberedCanvas, footer=(footer_left, footer_right))


class SignatureSpace(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """The last flowable: takes what is left of the page so that SIGNATURE_BOX (bottom right) is free;
    moves to a new page when less than its own height is left. Draws `note` beside the box."""

    def __init__(self, note: Flowable) -> None:
        super().__init__()
        self.note = note
        self._note_height = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, self._note_height = self.note.wrap(avail_width - SIGNATURE_WIDTH - 6 * mm, avail_height)
        needed = max(SIGNATURE_HEIGHT, self._note_height) + 4 * mm
        return avail_width, max(needed, avail_height - 0.01)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        return []  # never split: the whole space goes to the next page

    def draw(self) -> None:
        self.note.drawOn(self.canv, 0, max(SIGNATURE_HEIGHT - self._note_height, 0))


def a4_document(out: Any, *, title: str, author: str, subject: str, continued: str) -> BaseDocTemplate:
    """The A4 document every PDF of the program uses: one body frame between the margins, fonts embedded by the
    caller's canvas, and from the second page on "{continued} (suite)" above the frame."""

    def later_pages(canvas: Canvas, doc: object) -> None:
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.setFillColorRGB(*MUTED)
        canvas.drawString(MARGIN_X, PAGE_HEIGHT - MARGIN_TOP + 3 * mm, f"{continued} (suite)")
        canvas.restoreState()

    doc = BaseDocTemplate(
        out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=title, author=author, subject=subject, creator="COCON Desktop",
        lang="fr-FR", initialFontName=fonts.REGULAR, initialFontSize=9,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([
        PageTemplate(id="first", frames=[frame], autoNextPageTemplate="later"),
        PageTemplate(id="later", frames=[frame], onPage=later_pages),
    ])
    return doc
