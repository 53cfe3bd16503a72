"""What the report PDFs share (receipts journal, activity report): the house style of invoice_pdf.py and
attestation_pdf.py — DejaVu embedded, sRGB OutputIntent, "Page i/n" footers — a practice header, figure tables
with a header row repeated on every page, and the document build."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from cocon_desktop.documents import fonts
from cocon_desktop.documents.formatting import short_date, siret
from cocon_desktop.documents.palette import ACCENT, HEADER_FILL, INK, MUTED, RULE, STRIPE
from cocon_desktop.documents.pdf_page import (
    FRAME_WIDTH,
    a4_document,
    canvas_maker,
)
from cocon_desktop.domain.networks import profession_label
from cocon_desktop.domain.practice import PracticeProfile

_BASE_STYLE = [("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.5)]  # tables name their font (see invoice_pdf)


def styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9, leading=12, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "name": ParagraphStyle("name", parent=base, fontName=fonts.BOLD, fontSize=11.5, leading=14),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=14, leading=18,
                                textColor=ACCENT, alignment=TA_RIGHT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "section": ParagraphStyle("section", parent=base, fontName=fonts.BOLD, fontSize=11, leading=14,
                                  textColor=ACCENT, spaceBefore=3 * mm, spaceAfter=2 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.6),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.BOLD, fontSize=7.5, leading=9),
        "head_right": ParagraphStyle("head_right", parent=base, fontName=fonts.BOLD, fontSize=7.5, leading=9,
                                     alignment=TA_RIGHT),
    }


def e(text: str) -> str:
    return escape(text)


def p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def practice_lines(practice: PracticeProfile) -> list[str]:
    """The therapist as the header shows it: name (EI), profession, SIRET, address."""
    lines = [practice.legal_name]
    if practice.trade_name:
        lines.append(practice.trade_name)
    profession = profession_label(practice.profession, practice.civility)
    identifiers = [x for x in (profession, f"SIRET {siret(practice.siret)}" if practice.siret else "",
                               f"RPPS {practice.rpps}" if practice.rpps else "") if x]
    if identifiers:
        lines.append(" — ".join(identifiers))
    lines += [x for x in (practice.address, f"{practice.postcode} {practice.city}".strip()) if x]
    return lines


def header(practice: PracticeProfile, title: str, subtitle: Sequence[str], s: dict[str, ParagraphStyle]
           ) -> list[Flowable]:
    lines = practice_lines(practice)
    left = [p(e(lines[0]), s["name"]), *(p(e(line), s["base"]) for line in lines[1:])]
    right = [p(e(title.upper()), s["title"]), *(p(line, s["right"]) for line in subtitle)]
    top = Table([[left, right]], colWidths=[FRAME_WIDTH * 0.45, FRAME_WIDTH * 0.55])
    top.setStyle(TableStyle([*_BASE_STYLE, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [top, Spacer(1, 7 * mm)]


def table(head: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
          right_from: int, s: dict[str, ParagraphStyle], total: Sequence[object] | None = None) -> Table:
    """A figures table: header row (repeated on each page), striped rows, columns from `right_from` right-aligned,
    and a bold total row when given. A width of 0 takes what is left of the frame."""
    columns = list(widths)
    if 0 in columns:
        columns[columns.index(0)] = FRAME_WIDTH - sum(columns)
    heads = [p(e(h), s["head_right"] if i >= right_from else s["head"]) for i, h in enumerate(head)]
    data: list[Sequence[object]] = [heads, *rows]
    if total is not None:
        data.append(total)
    style: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.5), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (right_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
    ]
    style += [("BACKGROUND", (0, r), (-1, r), STRIPE) for r in range(2, len(rows) + 1, 2)]
    if total is not None:
        style += [("FONT", (0, -1), (-1, -1), fonts.BOLD, 8.5), ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
                  ("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL)]
    result = Table(data, colWidths=columns, repeatRows=1)
    result.setStyle(TableStyle(style))
    return result


def build(story: list[Flowable], practice: PracticeProfile, title: str, made_on: date, footer: str = "") -> bytes:
    """A4 pages, every font embedded, sRGB OutputIntent, "{footer or title} — Page i/n" at the bottom."""
    out = io.BytesIO()
    doc = a4_document(out, title=title, author=practice.name, subject=title,
                      continued=f"{title} — {practice.legal_name}")
    footer_left = f"{practice.legal_name} — établi le {short_date(made_on)}"
    doc.build(story, canvasmaker=canvas_maker(footer_left, footer or title))
    return out.getvalue()
