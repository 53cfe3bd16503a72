"""The remittance advice (avis de paiement) of a payment run: one PDF per therapist, in French, listing what the
transfer pays (invoices, credit notes netted against them, the children's inclusion numbers, never a name).

    run_remittances(session, settings, run_id) -> list[tuple[str, bytes]]   (file name, PDF) per therapist
    remittance_zip(session, settings, run_id) -> bytes                       the same, in one ZIP

Drawn with reportlab in DejaVu Sans (French typography: the narrow no-break space of amounts, « »), embedded."""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from cocon_exchange.money import euros
from cocon_network.server.config import Settings
from cocon_network.server.models import Act, PaymentRun
from cocon_network.server.payments import PaymentError, TherapistDue, run_dues

REGULAR, BOLD = "CoconDejaVuSans", "CoconDejaVuSans-Bold"
_FONT_DIRS = (Path(__file__).resolve().parents[2] / "resources" / "fonts", Path("/usr/share/fonts/truetype/dejavu"))


@functools.cache
def _fonts() -> tuple[str, str]:
    """DejaVu Sans registered once (the repository's copy, else the system's); Helvetica if neither is there."""
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
            return REGULAR, BOLD
    return "Helvetica", "Helvetica-Bold"


def _euros(cents: int) -> str:
    return euros(Decimal(cents) / 100)


def masked_iban(iban: str) -> str:
    """FR76 •••• … 0189: enough to recognise one's account, not enough to copy it."""
    return f"{iban[:4]} •••• •••• {iban[-4:]}" if len(iban) > 8 else iban


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4 * mm),
        "text": ParagraphStyle("text", fontName=regular, fontSize=9.5, leading=13),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=11),
        "amount": ParagraphStyle("amount", fontName=regular, fontSize=8.5, leading=11, alignment=TA_RIGHT),
        "total": ParagraphStyle("total", fontName=bold, fontSize=11, leading=15, alignment=TA_RIGHT),
        "note": ParagraphStyle("note", fontName=regular, fontSize=8, leading=10.5, textColor=colors.HexColor("#444")),
    }


def remittance_pdf(settings: Settings, run: PaymentRun, due: TherapistDue, inclusions: dict[int, list[str]]) -> bytes:
    """The advice of `due` in `run`; `inclusions`: document id → its acts' inclusion numbers."""
    style = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                                 bottomMargin=18 * mm, invariant=True, title=f"Avis de paiement {run.message_id}",
                                 author=settings.network_name, subject=f"Avis de paiement — {due.name}")
    network = escape(settings.network_name) + (f" — SIRET {settings.network_siret}" if settings.network_siret else "")
    story: list[object] = [
        Paragraph("Avis de paiement", style["title"]),
        Paragraph(f"<b>Émetteur :</b> {network}", style["text"]),
        Paragraph(f"<b>Bénéficiaire :</b> {escape(due.name)} — SIRET {due.siret}", style["text"]),
        Paragraph(f"<b>Compte crédité :</b> {escape(masked_iban(due.iban))}"
                  + (f" — BIC {escape(due.bic)}" if due.bic else ""), style["text"]),
        Paragraph(f"<b>Virement :</b> {run.message_id} — date d'exécution demandée le "
                  f"{run.execution_date:%d/%m/%Y}", style["text"]),
        Spacer(1, 6 * mm),
    ]
    rows: list[list[object]] = [[Paragraph(f"<b>{h}</b>", style["cell"]) for h in
                                 ("Document", "Date", "Nature", "Inclusions", "Montant", "Pris en compte")]]
    notes = False
    for line in due.documents:
        nature = "Facture" if line.is_invoice else f"Avoir sur {escape(line.corrects) or '—'}"
        counted = _euros(line.counted_cents)
        if line.counted_cents != line.amount_cents:
            counted, notes = counted + " *", True
        rows.append([Paragraph(escape(line.number), style["cell"]),
                     Paragraph(f"{line.issue_date:%d/%m/%Y}", style["cell"]), Paragraph(nature, style["cell"]),
                     Paragraph(escape(", ".join(inclusions.get(line.id, [])) or "—"), style["cell"]),
                     Paragraph(_euros(line.amount_cents), style["amount"]), Paragraph(counted, style["amount"])])
    table = Table(rows, colWidths=[28 * mm, 21 * mm, 30 * mm, 47 * mm, 24 * mm, 24 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#345")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bbb")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [table, Spacer(1, 5 * mm)]
    if due.net_cents > 0:
        story.append(Paragraph(f"Montant viré : {_euros(due.net_cents)}", style["total"]))
    else:
        story.append(Paragraph("Solde : 0,00\u00a0€ — factures et avoirs se compensent, aucun virement",
                               style["total"]))
    if notes:
        story.append(Paragraph("* Avoir d'une facture que le réseau a rejetée : cette facture n'a jamais été payée, "
                               "l'avoir ne réduit donc pas le virement.", style["note"]))
    story += [Spacer(1, 6 * mm), Paragraph(
        "Les enfants sont désignés par leur numéro d'inclusion dans le parcours. Cet avis accompagne le virement "
        "SEPA du réseau ; il ne remplace pas vos factures, qui restent les pièces comptables.", style["note"])]
    document.build(story)
    return buffer.getvalue()


def _inclusions(session: Session, document_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, set[str]] = {}
    for document_id, number in session.execute(select(Act.document_id, Act.inclusion_number)
                                               .where(Act.document_id.in_(document_ids))):
        found.setdefault(document_id, set()).add(number)
    return {key: sorted(values) for key, values in found.items()}


def file_name(run: PaymentRun, due: TherapistDue) -> str:
    return f"avis-de-paiement-{run.message_id}-{due.siret}.pdf"


def _load(session: Session, run_id: int, siret: str | None = None) -> tuple[PaymentRun, list[TherapistDue],
                                                                     dict[int, list[str]]]:
    run = session.get(PaymentRun, run_id)
    if run is None:
        raise PaymentError(f"Virement introuvable (n° {run_id}).")
    dues = [due for due in run_dues(session, run_id) if siret is None or due.siret == siret]
    return run, dues, _inclusions(session, [line.id for due in dues for line in due.documents])


def run_remittances(session: Session, settings: Settings, run_id: int,
                    siret: str | None = None) -> list[tuple[str, bytes]]:
    """One (file name, PDF) per therapist of the run (only `siret`'s if given), in name order."""
    run, dues, inclusions = _load(session, run_id, siret)
    return [(file_name(run, due), remittance_pdf(settings, run, due, inclusions)) for due in dues]


class _Chunks(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken as they come (zipfile then writes data descriptors)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def iter_remittance_zip(session: Session, settings: Settings, run_id: int) -> Iterator[bytes]:
    """The ZIP of every advice of the run, as chunks: the rows are read now (in the caller's transaction), each
    PDF is drawn when its chunk is asked for (500 therapists: ~20 s of drawing, streamed as it goes)."""
    run, dues, inclusions = _load(session, run_id)
    moment = run.created_at.astimezone(UTC).timetuple()[:6]
    names = [file_name(run, due) for due in dues]

    def chunks() -> Iterator[bytes]:
        stream = _Chunks()
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, due in zip(names, dues, strict=True):
                pdf = remittance_pdf(settings, run, due, inclusions)
                archive.writestr(zipfile.ZipInfo(name, date_time=moment), pdf, compress_type=zipfile.ZIP_DEFLATED)
                yield stream.take()
        yield stream.take()

    return chunks()


def remittance_zip(session: Session, settings: Settings, run_id: int) -> bytes:
    """Every advice of the run in one ZIP (stored with the run's creation moment)."""
    return b"".join(iter_remittance_zip(session, settings, run_id))
