"""The livre-journal des recettes as PDF: the year's receipts in date order with their total, then the yearly
summary for the 2035 return (receipts per month and per network, invoices, credit notes, unpaid at 31/12)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from cocon_desktop.documents import fonts
from cocon_desktop.documents.formatting import short_date
from cocon_desktop.documents.pdf_page import FRAME_WIDTH
from cocon_desktop.documents.report_data import JournalEntry, YearSummary
from cocon_desktop.documents.report_pdf import build, e, header, p, plural, styles, table
from cocon_desktop.domain.money import euros
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.domain.practice import PracticeProfile

RECEIPTS_LABEL = "Recettes encaissées y compris les remboursements de frais"


def _entries(entries: Sequence[JournalEntry], s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not entries:
        return [p("Aucune recette encaissée cette année.", s["base"])]
    rows = [[str(i), short_date(x.day), p(e(x.payer), s["cell"]), p(e(x.reference), s["cell"]),
             p(e(x.documents), s["cell"]), x.means, euros(x.amount)]
            for i, x in enumerate(entries, start=1)]
    total = sum((x.amount for x in entries), Decimal("0.00"))
    return [table(("N°", "Date", "Payeur", "Référence", "Pièces", "Règlement", "Montant"), rows,
                  [8 * mm, 19 * mm, 0, 28 * mm, 28 * mm, 21 * mm, 22 * mm], 6, s,
                  total=["", "", f"Total : {plural(len(entries), 'recette')}", "", "", "", euros(total)])]


def _summary(summary: YearSummary, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    st = s
    months = [[str(format_date(date(summary.year, m, 1), "MMMM", locale="fr_FR")).capitalize(), euros(v)]
              for m, v in summary.per_month]
    networks = [[f"{NETWORKS[c].name} ({c})" if c in NETWORKS else c, euros(v)] for c, v in summary.per_network]
    net = summary.invoiced - summary.credited
    figures = [
        [p(f"<b>{RECEIPTS_LABEL}</b> (déclaration 2035, annexe 2035-A)", st["cell"]),
         euros(summary.receipts)],
        ["Factures émises dans l'année", euros(summary.invoiced)],
        ["Factures d'avoir émises dans l'année", euros(-summary.credited) if summary.credited else euros(Decimal(0))],
        ["Chiffre facturé net", euros(net)],
        [f"Restant dû au 31/12/{summary.year} sur les factures de l'année", euros(summary.outstanding)],
    ]
    head = p(f"Récapitulatif de l'année {summary.year} pour la déclaration 2035", st["section"])
    half = (FRAME_WIDTH - 8 * mm) / 2
    by_month = table(("Mois", "Recettes"), months, [half - 30 * mm, 30 * mm], 1, st,
                     total=["Total", euros(summary.receipts)])
    by_payer = table(("Payeur", "Recettes"), networks or [["—", euros(Decimal(0))]], [half - 30 * mm, 30 * mm], 1,
                     st, total=["Total", euros(summary.receipts)])
    side = Table([[p("Recettes encaissées par mois", st["section"]), "",
                   p("Recettes encaissées par payeur", st["section"])], [by_month, "", by_payer]],
                 colWidths=[half, 8 * mm, half])
    side.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    note = p("Comptabilité de trésorerie (BNC) : une recette compte à la date où elle est encaissée. Les soins "
             "paramédicaux sont exonérés de TVA (article 261-4-1° du CGI) : montants nets.", st["small"])
    return [KeepTogether([head, table(("Montants de l'année", "Montant"), figures, [0, 35 * mm], 1, st),
                          Spacer(1, 3 * mm), side, Spacer(1, 4 * mm), note])]


def render_journal_pdf(entries: Sequence[JournalEntry], summary: YearSummary, practice: PracticeProfile,
                       made_on: date) -> bytes:
    s = styles()
    title = f"Livre-journal des recettes {summary.year}"
    subtitle = [f"Du 01/01/{summary.year} au 31/12/{summary.year}",
                f"{plural(len(entries), 'recette')}, total <b>{euros(summary.receipts)}</b>"]
    story: list[Flowable] = [*header(practice, "Livre-journal des recettes", subtitle, s),
                             *_entries(entries, s), Spacer(1, 6 * mm), *_summary(summary, s)]
    return build(story, practice, title, made_on, footer=title)
