"""The funder's report as a PDF (reportlab): a title page's lines saying what counts, then a table per month —
département, discipline, children followed, séances, bilans, acts, amount — with the month's total (its children
counted once across disciplines). Aggregates only: no child is named, not even by inclusion number."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cocon_exchange.money import euros
from cocon_network.server.controls_rules import discipline_label
from cocon_network.server.remittance_pdf import _fonts
from cocon_network.server.reporting import FunderReport, ReportRow, month_label

HEADER = ("Département", "Discipline", "Enfants suivis", "Séances", "Bilans", "Actes", "Montant")


def _euros(cents: int) -> str:
    return euros(Decimal(cents) / 100)


def _day(value: datetime | object) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)


def _table(rows: list[ReportRow], children: int, font: str, bold: str) -> Table:
    data: list[list[str]] = [list(HEADER)]
    for r in rows:
        data.append([r.departement or "—", discipline_label(r.discipline), str(r.children), str(r.seances),
                     str(r.bilans), str(r.acts), _euros(r.cents)])
    data.append(["Total du mois", "", str(children), str(sum(r.seances for r in rows)),
                 str(sum(r.bilans for r in rows)), str(sum(r.acts for r in rows)), _euros(sum(r.cents for r in rows))])
    table = Table(data, colWidths=[26 * mm, 34 * mm, 24 * mm, 20 * mm, 18 * mm, 18 * mm, 30 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("FONT", (0, 0), (-1, 0), bold, 9),
        ("FONT", (0, -1), (-1, -1), bold, 9),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#F2F4F7")]),
    ]))
    return table


def report_pdf(report: FunderReport, network_name: str = "", *, made_at: datetime | None = None) -> bytes:
    font, bold = _fonts()
    title = ParagraphStyle("title", fontName=bold, fontSize=15, leading=19, spaceAfter=4 * mm)
    heading = ParagraphStyle("heading", fontName=bold, fontSize=11.5, leading=15, spaceBefore=5 * mm,
                             spaceAfter=2 * mm)
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    made = (made_at or datetime.now(UTC)).strftime("%d/%m/%Y")
    who = escape(network_name or report.network or "réseau")
    story: list[object] = [
        Paragraph("Rapport d'activité COCON — évaluation article 51", title),
        Paragraph(f"{who} · du {_day(report.start)} au {_day(report.end)} · établi le {made}", body),
        Spacer(1, 3 * mm),
        Paragraph("Actes des factures et avoirs <b>acceptés ou payés</b> par le réseau, par mois de l'acte ; un avoir "
                  "retire ce qu'il corrige. Département de l'enfant (liste d'inclusion), à défaut celui du thérapeute. "
                  "Aucun enfant n'est nommé ; « enfants suivis » compte des numéros d'inclusion distincts.", body),
        Spacer(1, 2 * mm),
        Paragraph(f"Sur la période : <b>{report.children}</b> enfant{'s' if report.children > 1 else ''} suivi"
                  f"{'s' if report.children > 1 else ''}, <b>{report.seances}</b> séance"
                  f"{'s' if report.seances > 1 else ''}, <b>{escape(_euros(report.cents))}</b>.", body),
    ]
    by_month: dict[str, list[ReportRow]] = defaultdict(list)
    for row in report.rows:
        by_month[row.month_key].append(row)
    children = dict(report.month_children)
    if not by_month:
        story.append(Paragraph("Aucun acte accepté ou payé sur cette période.", body))
    for key, rows in by_month.items():
        label = month_label(key)
        story.append(KeepTogether([Paragraph(label[0].upper() + label[1:], heading),
                                   _table(rows, children.get(key, 0), font, bold)]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                                 bottomMargin=16 * mm, title="Rapport d'activité COCON", author=who,
                                 subject="Évaluation article 51", creator="COCON, serveur du réseau",
                                 invariant=1)
    document.build(story)
    return buffer.getvalue()
