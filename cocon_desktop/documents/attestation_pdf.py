"""The attestation for a child's family as PDF pages: reportlab platypus, DejaVu embedded, sRGB OutputIntent.

`render_attestation_pdf(data) -> bytes`. The bottom right of the last page is kept free for the PAdES stamp
(`signing.sign_with`); the handwritten signature's image, when the practice keeps one, is drawn beside it."""

from __future__ import annotations

import io
from datetime import timedelta
from xml.sax.saxutils import escape

from PIL import Image as PilImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from cocon_desktop.documents import fonts
from cocon_desktop.documents.attestation_data import AttestationData, AttestedSeance, ForfaitInfo
from cocon_desktop.documents.formatting import long_date, short_date
from cocon_desktop.documents.palette import ACCENT, HEADER_FILL, INK, MENTION_FILL, MENTION_INK, MUTED, RULE
from cocon_desktop.documents.pdf_page import (
    FRAME_WIDTH,
    SIGNATURE_WIDTH,
    SignatureSpace,
    a4_document,
    canvas_maker,
    pdf_1_7_header,
)
from cocon_desktop.domain.attestation import COCON_MENTION
from cocon_desktop.messages import agreed, counted

_BASE_STYLE = [("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9)]  # tables name their font (see invoice_pdf)
IMAGE_MAX = (60 * mm, 20 * mm)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=9.5, leading=13, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "name": ParagraphStyle("name", parent=base, fontName=fonts.BOLD, fontSize=11.5, leading=14),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=16, leading=20,
                                textColor=ACCENT, alignment=TA_RIGHT),
        "right": ParagraphStyle("right", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT),
        "label": ParagraphStyle("label", parent=base, fontSize=7.5, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.BOLD, fontSize=8, leading=10),
        "body": ParagraphStyle("body", parent=base, fontSize=10, leading=14.5, spaceAfter=2 * mm),
        "mention": ParagraphStyle("mention", parent=base, fontName=fonts.BOLD, fontSize=10, leading=13.5,
                                  textColor=MENTION_INK),
    }


def _e(text: str) -> str:
    return escape(text)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _therapist_block(data: AttestationData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    t = data.therapist
    rows = [_p(_e(t.name), s["name"]), _p(_e(t.profession), s["base"])]
    if t.trade_name:
        rows.append(_p(_e(t.trade_name), s["base"]))
    if t.identifiers:
        rows.append(_p(_e(t.identifiers), s["base"]))
    rows += [_p(_e(line), s["base"]) for line in t.address_lines]
    contact = " — ".join(_e(x) for x in (t.phone, t.email) if x)
    if contact:
        rows.append(_p(contact, s["base"]))
    return rows


def _care_start(data: AttestationData) -> str:
    return short_date(min(f.valid_from for f in data.forfaits)) if data.forfaits else ""


def _title_block(data: AttestationData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if data.kind == "prise_en_charge" and data.forfaits:
        when = f"Soins à compter du {_care_start(data)}"
    else:
        when = f"Période : du {short_date(data.period_start)} au {short_date(data.period_end)}"
    return [
        _p(_e(data.title.upper()), s["title"]),
        _p(f"N° <b>{_e(data.number)}</b>", s["right"]),
        _p(f"Date : <b>{short_date(data.issue_date)}</b>", s["right"]),
        _p(when, s["right"]),
    ]


def _recipients_box(data: AttestationData, s: dict[str, ParagraphStyle]) -> Table:
    rows: list[list[Flowable]] = [[_p("REMISE À", s["label"])]]
    if not data.recipients:
        rows.append([_p("Aux représentants légaux de l'enfant", s["base"])])
    for recipient in data.recipients:
        relation = f" ({_e(recipient.relation.lower())})" if recipient.relation else ""
        rows.append([_p(f"<b>{_e(recipient.name)}</b>{relation}", s["base"])])
        rows += [[_p(_e(line), s["base"])] for line in recipient.address_lines]
    box = Table(rows, colWidths=[80 * mm])
    box.setStyle(TableStyle([
        *_BASE_STYLE, ("BOX", (0, 0), (-1, -1), 0.6, RULE), ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 0.6), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
        ("TOPPADDING", (0, 0), (-1, 0), 2.5 * mm), ("BOTTOMPADDING", (0, -1), (-1, -1), 2.5 * mm),
    ]))
    return box


def _header(data: AttestationData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    top = Table([[_therapist_block(data, s), _title_block(data, s)]],
                colWidths=[FRAME_WIDTH * 0.52, FRAME_WIDTH * 0.48])
    top.setStyle(TableStyle([*_BASE_STYLE, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    recipients = Table([["", _recipients_box(data, s)]], colWidths=[FRAME_WIDTH - 80 * mm, 80 * mm])
    recipients.setStyle(TableStyle([*_BASE_STYLE, ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [top, Spacer(1, 6 * mm), recipients, Spacer(1, 8 * mm)]


def _child_text(data: AttestationData) -> str:
    child = data.child
    numbers = f"n° d'inclusion COCON {_e(child.inclusion_number)}"
    relay = data.relay
    if relay is not None and relay.reference and (data.relayed_only or data.across_relay):
        other = f"{_e(relay.child_reference)} {_e(relay.reference)}"
        numbers = other if data.relayed_only else f"{numbers}, {other}"
    return f"l'enfant <b>{_e(child.full_name)}</b>, {child.born} le {short_date(child.birth_date)} ({numbers})"


def _frame(data: AttestationData) -> str:
    """The pathway(s) of the care: COCON's, the relay's, or COCON's then the relay's from its first day."""
    cocon = (f"dans le cadre du parcours COCON (soins précoces et coordonnés du nouveau-né vulnérable), "
             f"coordonné par le {_e(data.network)}")
    relay = data.relay
    if relay is None or not (data.relayed_only or data.across_relay):
        return cocon
    if data.relayed_only:
        return _e(relay.opening)
    return f"{cocon}, puis, à partir du {short_date(relay.start)}, {_e(relay.opening)}"


def _opening(data: AttestationData, s: dict[str, ParagraphStyle]) -> Paragraph:
    t = data.therapist
    who = f"{agreed(t.sex, 'Je soussigné', 'Je soussignée')} <b>{_e(t.name)}</b>, {_e(t.profession.lower())}"
    if t.identifiers:
        who += f" ({_e(t.identifiers)})"
    frame = _frame(data)
    if data.kind == "prise_en_charge":
        disciplines = ", ".join(sorted({f.discipline.lower() for f in data.forfaits})) or "soins"
        start = f" à compter du {_care_start(data)}" if data.forfaits else ""
        text = f"{who}, atteste prendre en charge {_child_text(data)} en {_e(disciplines)}{start}, {frame}."
    else:
        when = (f"au cours de l'année {data.period_start.year}" if data.kind == "annuelle" else
                f"du {short_date(data.period_start)} au {short_date(data.period_end)}")
        text = (f"{who}, atteste avoir dispensé à {_child_text(data)}, {frame}, les soins suivants {when} :")
    return _p(text, s["body"])


def _seances_table(seances: tuple[AttestedSeance, ...], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not seances:
        return [_p("Aucune séance sur cette période.", s["body"])]
    rows: list[list[object]] = [[_p(h, s["head"]) for h in ("N°", "Date", "Nature de l'acte")]
                                + [_p("Durée", ParagraphStyle("h", parent=s["head"], alignment=TA_RIGHT))]]
    for index, seance in enumerate(seances, start=1):
        rows.append([str(index), long_date(seance.day), _p(_e(seance.kind), s["cell"]),
                     f"{seance.duration_min} min"])
    widths = [12 * mm, 48 * mm, 0.0, 22 * mm]
    widths[2] = FRAME_WIDTH - sum(widths)
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 9), ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (-1, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
    ]
    style += [("BACKGROUND", (0, row), (-1, row), colors.Color(0.975, 0.98, 0.985))
              for row in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    bilans = sum(1 for x in seances if x.is_bilan)
    sessions = len(seances) - bilans
    summary = f"Total : <b>{_plural(len(seances), 'acte')}</b>"
    if bilans:
        summary += f" ({_plural(bilans, 'bilan')}, {_plural(sessions, 'séance')})"
    return [table, Spacer(1, 2 * mm), _p(summary + ".", s["base"])]


def _forfait_lines(data: AttestationData, forfait: ForfaitInfo, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    prescribed = f"prescrit le {short_date(forfait.prescribed_on)}"
    if forfait.prescriber:
        prescribed += f" par {_e(forfait.prescriber)}"
    bilan = " (bilan compris)" if forfait.bilan_included else ""
    count = forfait.sessions_authorised
    granted = f"{_plural(count, 'séance')} accordée{'s' if count > 1 else ''}"
    lines = [_p(f"<b>{_e(forfait.forfait)} — {_e(forfait.discipline)}</b>, {prescribed}, valable du "
                f"{short_date(forfait.valid_from)} au {short_date(forfait.valid_until)} : {granted}{bilan}.",
                s["base"])]
    if data.kind != "prise_en_charge":
        used = (f"Au {short_date(data.period_end)} : "
                f"{counted(forfait.sessions_used, 'séance réalisée', 'séances réalisées')} sur ce forfait, "
                f"<b>{counted(forfait.sessions_left, 'restante', 'restantes')}</b>")
        if forfait.bilan_included:
            used += ", bilan réalisé" if forfait.bilan_used else ", bilan non encore réalisé"
        lines.append(_p(used + ".", s["base"]))
    return lines


def _forfaits_box(data: AttestationData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not data.forfaits:
        return []
    several = len(data.forfaits) > 1
    title = ("FORFAITS COCON" if several else "FORFAIT COCON") if data.relay is None or not (
        data.relayed_only or data.across_relay) else ("FORFAITS" if several else "FORFAIT")  # each says its own
    rows: list[list[Flowable]] = [[_p(title, s["label"])]]
    for forfait in data.forfaits:
        rows += [[line] for line in _forfait_lines(data, forfait, s)]
    box = Table(rows, colWidths=[FRAME_WIDTH])
    box.setStyle(TableStyle([
        *_BASE_STYLE, ("BACKGROUND", (0, 0), (-1, -1), HEADER_FILL), ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm), ("TOPPADDING", (0, 0), (-1, -1), 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8), ("TOPPADDING", (0, 0), (-1, 0), 2 * mm),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 2 * mm),
    ]))
    return [Spacer(1, 4 * mm), KeepTogether(box)]


def _mention_text(data: AttestationData | None) -> str:
    relay = data.relay if data is not None else None
    if data is None or relay is None or not (data.relayed_only or data.across_relay):
        return f"Accompagnement {COCON_MENTION}."
    if data.relayed_only:
        return f"Accompagnement {relay.mention}."
    until = short_date(relay.start - timedelta(days=1))
    common = "financé intégralement "
    if relay.mention.startswith(common):  # « … par le parcours COCON jusqu'au 19/10/2026, puis par la plateforme … »
        return f"Accompagnement {common}par le parcours COCON jusqu'au {until}, puis {relay.mention[len(common):]}."
    return f"Accompagnement {COCON_MENTION} jusqu'au {until} ; puis {relay.mention}."


def _mention(s: dict[str, ParagraphStyle], data: AttestationData | None = None) -> list[Flowable]:
    """The financing mention: COCON's, or the relay's pathway's (`data`: the attestation, None for COCON's)."""
    text = _mention_text(data)
    box = Table([[_p(_e(text), s["mention"])]], colWidths=[FRAME_WIDTH])
    box.setStyle(TableStyle([*_BASE_STYLE, ("BACKGROUND", (0, 0), (-1, -1), MENTION_FILL),
                             ("BOX", (0, 0), (-1, -1), 0.8, MENTION_INK),
                             ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm), ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm)]))
    return [Spacer(1, 5 * mm), box, Spacer(1, 4 * mm),
            _p("Attestation établie à la demande de la famille, pour servir et valoir ce que de droit.", s["base"]),
            Spacer(1, 4 * mm)]


def _image(data: bytes) -> Image:
    """The handwritten signature, scaled into IMAGE_MAX, its proportions kept (transparency kept too)."""
    with PilImage.open(io.BytesIO(data)) as picture:
        width, height = picture.size
    scale = min(IMAGE_MAX[0] / width, IMAGE_MAX[1] / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale, mask="auto", hAlign="LEFT")


def _signature_note(data: AttestationData, s: dict[str, ParagraphStyle]) -> Flowable:
    place = f"Fait à {_e(data.therapist.city)}, le " if data.therapist.city else "Fait le "
    rows: list[list[Flowable]] = [[_p(place + long_date(data.issue_date) + ".", s["base"])]]
    if data.signature_image is not None:
        rows.append([_image(data.signature_image)])
    else:
        rows.append([Spacer(1, IMAGE_MAX[1] if not data.pades else 2 * mm)])
    rows.append([_p(f"<b>{_e(data.therapist.name)}</b>, {_e(data.therapist.profession.lower())}", s["base"])])
    if data.pades:
        rows.append([_p("Document signé électroniquement (signature PAdES du cabinet, ci-contre).", s["small"])])
    note = Table(rows, colWidths=[FRAME_WIDTH - SIGNATURE_WIDTH - 6 * mm])
    note.setStyle(TableStyle([*_BASE_STYLE, ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return note


def render_attestation_pdf(data: AttestationData) -> bytes:
    """The attestation as PDF/A-3b bytes (A4, one page or more; PDF 1.7 header, XMP pdfaid, every font
    embedded, an sRGB OutputIntent), as invoices are."""
    fonts.register_fonts()
    s = _styles()
    out = io.BytesIO()
    doc = a4_document(out, title=f"{data.title} {data.number}", author=data.therapist.name,
                      subject=f"{data.title} {data.number} — {data.child.full_name}",
                      continued=f"{data.title} n° {data.number} — {data.child.full_name}")
    story: list[Flowable] = [*_header(data, s), _opening(data, s)]
    if data.kind != "prise_en_charge":
        story += _seances_table(data.seances, s)
    story += [*_forfaits_box(data, s), *_mention(s, data), SignatureSpace(_signature_note(data, s))]
    t = data.therapist
    footer_left = f"{t.name} — {t.profession}" + (f" — {t.identifiers}" if t.identifiers else "")
    doc.build(story, canvasmaker=canvas_maker(footer_left, f"Attestation n° {data.number}", pdfa_xmp=True))
    return pdf_1_7_header(out.getvalue())
