"""The invoice (or credit note) as a PDF page: reportlab platypus, DejaVu embedded, sRGB OutputIntent.

`render_invoice_pdf(data) -> bytes` draws every mandatory mention of DOMAIN.md ("Invoices"). The result is
ready for PDF/A-3b: the Factur-X step (facturx.py) adds the XMP metadata declaring it, with the XML."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from cocon_desktop.documents import fonts
from cocon_desktop.documents.formatting import grouped, short_date, siret
from cocon_desktop.documents.invoice_data import InvoiceData
from cocon_desktop.documents.palette import ACCENT, HEADER_FILL, INK, MUTED, RULE
from cocon_desktop.documents.pdf_page import (
    FRAME_WIDTH,
    SignatureSpace,
    a4_document,
    canvas_maker,
)
from cocon_desktop.domain.money import euros

# columns of the lines table: N°, date, inclusion number, initials, discipline, act, quantity, unit price, amount
# (widths from the widest content in DejaVu: "RPM-2024-00123", "Prix unitaire", "non applicable")
COLUMNS = [8 * mm, 19 * mm, 27 * mm, 15 * mm, 29 * mm, 24 * mm, 9 * mm, 21 * mm, 0.0]
LABEL = 4  # the totals' labels span discipline … unit price
COLUMNS[-1] = FRAME_WIDTH - sum(COLUMNS)
# Every table names its font: reportlab's cell default is Helvetica (never embedded) when reportlab.lib.styles
# was imported before fonts.register_fonts() set rl_config.canvas_basefontname.
_BASE_STYLE = [("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.5)]


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=8.5, leading=11, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "seller": ParagraphStyle("seller", parent=base, fontName=fonts.BOLD, fontSize=11.5, leading=14),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=17, leading=21,
                                textColor=ACCENT, alignment=TA_RIGHT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "label": ParagraphStyle("label", parent=base, fontSize=7.5, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.6),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.BOLD, fontSize=7.5, leading=9),
        "mention": ParagraphStyle("mention", parent=base, fontSize=8, leading=10.5, spaceAfter=1.5),
        "strong": ParagraphStyle("strong", parent=base, fontName=fonts.BOLD),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(text, style)


def _e(text: str) -> str:
    return escape(text)


def _seller_block(data: InvoiceData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    seller = data.seller
    rows = [_p(_e(seller.legal_name), s["seller"])]
    if seller.trade_name:
        rows.append(_p(_e(seller.trade_name), s["strong"]))
    if seller.profession:
        rows.append(_p(_e(seller.profession), s["base"]))
    identifiers = []
    if seller.rpps:
        identifiers.append(f"RPPS : {_e(seller.rpps)}")
    if seller.adeli:
        identifiers.append(f"ADELI : {_e(seller.adeli)}")
    identifiers.append(f"SIRET : {siret(seller.siret)}")
    rows.append(_p(" — ".join(identifiers), s["base"]))
    rows += [_p(_e(line), s["base"]) for line in seller.address.lines()]
    contact = " — ".join(_e(x) for x in (seller.phone, seller.email) if x)
    if contact:
        rows.append(_p(contact, s["base"]))
    return rows


def _title_block(data: InvoiceData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        _p(_e(data.title.upper()), s["title"]),
        _p(f"N° <b>{_e(data.number)}</b>", s["right"]),
        _p(f"Date d'émission : <b>{short_date(data.issue_date)}</b>", s["right"]),
        _p(f"Période des soins : du {short_date(data.period_start)} au {short_date(data.period_end)}", s["right"]),
    ]
    if data.corrects is not None:
        rows.append(_p(f"Facture corrigée : <b>{_e(data.corrects.number)}</b>", s["right"]))
        rows.append(_p(f"émise le {short_date(data.corrects.issue_date)}", s["right"]))
    return rows


def _buyer_block(data: InvoiceData, s: dict[str, ParagraphStyle]) -> Table:
    buyer = data.buyer
    rows: list[list[Flowable]] = [[_p("FACTURÉ À", s["label"])], [_p(_e(buyer.name), s["strong"])]]
    rows += [[_p(_e(line), s["base"])] for line in buyer.address.lines()]
    if len(buyer.siret) == 14:
        rows.append([_p(f"SIRET : {siret(buyer.siret)}", s["base"])])
        rows.append([_p(f"SIREN : {siret(buyer.siret)[:11]}", s["base"])])
    elif buyer.siret:  # a network may give only its SIREN
        rows.append([_p(f"SIREN : {siret(buyer.siret)}", s["base"])])
    if buyer.reference:
        rows.append([_p(f"Référence : {_e(buyer.reference)}", s["base"])])
    box = Table(rows, colWidths=[78 * mm])
    box.setStyle(TableStyle([
        *_BASE_STYLE,
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6),
        ("TOPPADDING", (0, 0), (-1, 0), 2.5 * mm),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 2.5 * mm),
    ]))
    return box


def _header(data: InvoiceData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    top = Table([[_seller_block(data, s), _title_block(data, s)]], colWidths=[FRAME_WIDTH * 0.55, FRAME_WIDTH * 0.45])
    top.setStyle(TableStyle([*_BASE_STYLE, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    buyer = Table([["", _buyer_block(data, s)]], colWidths=[FRAME_WIDTH - 78 * mm, 78 * mm])
    buyer.setStyle(TableStyle([*_BASE_STYLE, ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story: list[Flowable] = [top, Spacer(1, 6 * mm), buyer, Spacer(1, 7 * mm)]
    if data.words.object_template:  # another pathway's object (resources/pathways/*.toml)
        sentence = data.words.object_template.format(start=short_date(data.period_start),
                                                     end=short_date(data.period_end))
        story.append(_p(f"<b>Objet :</b> {_e(sentence)}", s["base"]))
    else:
        what = "Annulation ou correction de soins" if data.is_credit_note else "Soins"
        story.append(_p(f"<b>Objet :</b> {what} réalisés dans le cadre du parcours COCON (soins précoces et "
                        f"coordonnés du nouveau-né vulnérable), du {short_date(data.period_start)} au "
                        f"{short_date(data.period_end)}.", s["base"]))
    story.append(_p(f"<b>Nature de l'opération :</b> {_e(data.nature_of_operation.lower())}.", s["base"]))
    if data.corrects is not None:
        reason = f" Motif : {_e(data.reason)}" if data.reason else ""
        story.append(Spacer(1, 1.5 * mm))
        story.append(_p(f"Cette facture d'avoir corrige la facture n° <b>{_e(data.corrects.number)}</b> du "
                        f"<b>{short_date(data.corrects.issue_date)}</b> ; ses montants sont à déduire de cette "
                        f"facture.{reason}", s["base"]))
    story.append(Spacer(1, 4 * mm))
    return story


def _lines_table(data: InvoiceData, s: dict[str, ParagraphStyle]) -> Table:
    heads = ["N°", "Date", _e(data.words.reference_label), "Initiales", "Discipline", "Acte"]
    right = ParagraphStyle("h", parent=s["head"], alignment=TA_RIGHT)
    rows: list[Sequence[object]] = [[_p(h, s["head"]) for h in heads]
                                    + [_p(h, right) for h in ("Qté", "Prix unitaire", "Montant")]]
    # a milestone's words name its discipline (« Bilan — Psychomotricité — 1er versement »): they take the
    # discipline's cell and the act's, and a PCO's dossier number, free text up to 40 characters, wraps anywhere
    reference = ParagraphStyle("reference", parent=s["cell"], fontSize=7, wordWrap="CJK")
    spans = []
    for index, line in enumerate(data.lines, start=1):
        if line.milestone:
            spans.append(("SPAN", (4, index), (5, index)))
            rows.append([str(index), short_date(line.service_date), _p(_e(line.inclusion_number), reference),
                         line.initials, _p(_e(line.kind), s["cell"]), "", str(line.quantity),
                         euros(line.unit_price), euros(line.amount)])
            continue
        rows.append([str(index), short_date(line.service_date), line.inclusion_number, line.initials,
                     _p(_e(line.discipline), s["cell"]), _p(_e(line.kind), s["cell"]), str(line.quantity),
                     euros(line.unit_price), euros(line.amount)])
    total_label = "Montant de l'avoir" if data.is_credit_note else "Net à payer"
    count = len(data.lines)
    blank = [""] * LABEL
    rows += [
        [*blank, "Total HT", "", "", "", euros(data.total)],
        [*blank, "TVA", "", "", "", "non applicable"],
        [*blank, total_label, "", "", "", euros(data.total)],
    ]
    table = Table(rows, colWidths=COLUMNS, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (-3, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 1), (-1, count), 0.25, RULE),
        *[("SPAN", (LABEL, count + row), (-2, count + row)) for row in (1, 2, 3)],
        ("ALIGN", (LABEL, count + 1), (-2, count + 3), "LEFT"),
        ("FONT", (LABEL, count + 3), (-1, count + 3), fonts.BOLD, 9),
        ("LINEABOVE", (LABEL, count + 3), (-1, count + 3), 0.8, ACCENT),
        ("TOPPADDING", (0, count + 1), (-1, count + 1), 5),
        *spans,
    ]
    style += [("BACKGROUND", (0, row), (-1, row), colors.Color(0.975, 0.98, 0.985)) for row in range(2, count + 1, 2)]
    table.setStyle(TableStyle(style))
    return table


def _mentions(data: InvoiceData, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    seller, payment = data.seller, data.payment
    bank = f"IBAN : <b>{grouped(seller.iban)}</b>" + (f" — BIC : <b>{_e(seller.bic)}</b>" if seller.bic else "")
    if data.is_credit_note:
        # a COCON network is « le réseau »; another pathway's payer (a PCO) is named
        to_payer = "au réseau" if not data.words.object_template else f"à {_e(data.buyer.name)}"
        terms = (f"Montant de l'avoir : <b>{euros(data.total)}</b>, à déduire de la facture "
                 f"n° {_e(data.corrects.number if data.corrects else '')}. Si celle-ci a déjà été réglée, le cabinet "
                 f"rembourse ce montant {to_payer} par virement au plus tard le <b>{short_date(payment.due_date)}</b>.")
    else:
        terms = (f"Paiement à {payment.days} jours par virement, au plus tard le "
                 f"<b>{short_date(payment.due_date)}</b>, en rappelant le n° {_e(data.number)}.")
    box = Table([[_p("<b>Règlement</b>", s["mention"])], [_p(terms, s["mention"])], [_p(bank, s["mention"])],
                 [_p(f"Titulaire du compte : {_e(seller.legal_name)}", s["mention"])]], colWidths=[FRAME_WIDTH])
    box.setStyle(TableStyle([
        *_BASE_STYLE,
        ("BACKGROUND", (0, 0), (-1, -1), HEADER_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
        ("TOPPADDING", (0, 0), (-1, 0), 2 * mm),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 2 * mm),
    ]))
    return [
        Spacer(1, 6 * mm),
        _p(f"<b>{_e(data.vat_exemption)}</b>", s["mention"]),
        Spacer(1, 2 * mm),
        box,
        Spacer(1, 2.5 * mm),
        _p(_e(payment.late_penalty_text), s["mention"]),
        _p(_e(payment.recovery_fee_text), s["mention"]),
        _p(_e(payment.discount_text), s["mention"]),
        Spacer(1, 4 * mm),
    ]


def _signature_note(s: dict[str, ParagraphStyle]) -> Flowable:
    return _p("Document électronique signé (signature PAdES) ; les données de la facture y sont jointes au "
              "format Factur-X (profil EN 16931, fichier factur-x.xml), lisibles par les logiciels "
              "comptables sans nouvelle saisie.", s["small"])


def render_invoice_pdf(data: InvoiceData) -> bytes:
    """The invoice as PDF bytes (one or more A4 pages), every font embedded, with an sRGB OutputIntent."""
    fonts.register_fonts()
    s = _styles()
    out = io.BytesIO()
    doc = a4_document(out, title=f"{data.title} {data.number}", author=data.seller.legal_name,
                      subject=f"{data.title} {data.number} — {data.buyer.name}",
                      continued=f"{data.title} n° {data.number} du {short_date(data.issue_date)} — "
                                f"{data.seller.legal_name}")
    story = [*_header(data, s), _lines_table(data, s), *_mentions(data, s), SignatureSpace(_signature_note(s))]
    footer_left = f"{data.seller.legal_name} — SIRET {siret(data.seller.siret)}"
    doc.build(story, canvasmaker=canvas_maker(footer_left, f"{data.title} n° {data.number}"))
    return out.getvalue()
