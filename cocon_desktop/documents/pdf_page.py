"""Page furniture for PDF/A documents: page geometry, "Page 1/2" footers, the sRGB OutputIntent, the PDF/A-3b
XMP packet, the PDF 1.7 header, and the space kept free at the bottom of the last page for the visible
signature stamp."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

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


def pdf_1_7_header(pdf: bytes) -> bytes:
    """The PDF with the header of PDF 1.7, the base of PDF/A-3 (reportlab writes "%PDF-1.4", factur-x's pypdf
    "%PDF-1.6"). Both header lines have the same length: no offset of the cross-reference table moves."""
    if len(pdf) > 8 and pdf[:7] == b"%PDF-1." and pdf[7:8] in b"0123456":
        return b"%PDF-1.7" + pdf[8:]
    return pdf


_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{producer}</pdf:Producer>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Trapped>{trapped}</pdf:Trapped>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


class _UncompressedStream(PDFStream):  # type: ignore[misc]  # reportlab ships no type hints
    """A stream written as it is, without the /Filter key (reportlab writes "/Filter [ ]" for no filter)."""

    def format(self, document: Any) -> bytes:
        saved, document.defaultStreamFilters = document.defaultStreamFilters, None
        try:
            return bytes(super().format(document))
        finally:
            document.defaultStreamFilters = saved


def add_pdfa_metadata(canvas: Canvas) -> None:
    """The XMP packet PDF/A-3b asks for (pdfaid part 3, conformance B), its values those of the Info
    dictionary reportlab writes (same title, author, subject, producer, keywords, creator and dates), stored
    uncompressed. Call it just before `save`, once the document's information is final."""
    doc = canvas._doc
    info, stamp = doc.info, doc._timeStamp
    year, month, day, hour, minute, second = stamp.YMDhms[:6]
    sign = "-" if stamp.dhh < 0 or (stamp.dhh == 0 and stamp.dmm < 0) else "+"
    date = (f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
            f"{sign}{abs(stamp.dhh):02d}:{abs(stamp.dmm):02d}")
    text = _XMP.format(title=escape(info.title), author=escape(info.author), subject=escape(info.subject),
                       producer=escape(info.producer), keywords=escape(info.keywords), trapped=info.trapped,
                       creator=escape(info.creator), date=date)
    metadata = _UncompressedStream(PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
                                   text.encode("utf-8"))
    catalog = doc.Catalog
    catalog.__NoDefault__ = [*type(catalog).__NoDefault__, "OutputIntents", "Metadata"]
    catalog.__Refs__ = catalog.__NoDefault__
    catalog.Metadata = doc.Reference(metadata)


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """A canvas that knows the page count when it saves: each page gets "label — Page i/n" at the bottom."""

    def __init__(self, *args: Any, footer: tuple[str, str] = ("", ""), pdfa_xmp: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pdfa_xmp = pdfa_xmp  # invoices get theirs from factur-x
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
        if self._pdfa_xmp:
            add_pdfa_metadata(self)
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


def canvas_maker(footer_left: str, footer_right: str, *, pdfa_xmp: bool = False) -> Callable[..., NumberedCanvas]:
    return functools.partial(NumberedCanvas, footer=(footer_left, footer_right), pdfa_xmp=pdfa_xmp)


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
