"""A network's activity report as PDF, for its yearly review: figures first (children followed, acts, amounts),
then the acts by discipline and kind, then one line per child followed (inclusion number and initials only)."""

from __future__ import annotations

from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from cocon_desktop.documents.formatting import short_date
from cocon_desktop.documents.report_data import ActivityReport
from cocon_desktop.documents.report_pdf import build, e, header, p, plural, styles, table
from cocon_desktop.domain.money import euros
from cocon_desktop.domain.practice import PracticeProfile


def _figures(r: ActivityReport, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows = [
        ["Enfants suivis (au moins une séance sur la période)", str(len(r.children))],
        ["Actes réalisés (séances, bilans, RCP)", str(r.seances)],
        ["dont hors forfait (non facturés au parcours)", str(r.hors_forfait)],
        ["Absences", str(r.absences)],
        ["Factures émises", euros(r.invoiced)],
        ["Factures d'avoir émises", euros(-r.credited) if r.credited else euros(r.credited)],
        ["Facturé net", euros(r.net_invoiced)],
        ["Paiements reçus sur la période", euros(r.paid)],
        [f"Restant dû au {short_date(r.period_end)} sur les factures de la période", euros(r.outstanding)],
    ]
    return [p("Synthèse", s["section"]), table(("Indicateur", "Valeur"), rows, [0, 35 * mm], 1, s)]


def _kinds(r: ActivityReport, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not r.by_kind:
        return []
    rows = [[k.discipline, k.kind, str(k.count)] for k in r.by_kind]
    total = sum(k.count for k in r.by_kind)
    return [KeepTogether([p("Actes par discipline et par nature", s["section"]),
                          table(("Discipline", "Nature de l'acte", "Nombre"), rows, [0, 60 * mm, 25 * mm], 2, s,
                                total=["Total", "", str(total)])])]


def _children(r: ActivityReport, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not r.children:
        return [p("Aucun enfant n'a eu de séance sur cette période.", s["base"])]
    rows = [[c.inclusion_number, c.initials, short_date(c.first_day), short_date(c.last_day), str(c.seances),
             str(c.absences)] for c in r.children]
    return [p("Enfants suivis", s["section"]),
            p("Numéro d'inclusion et initiales seulement : ce que la facturation partage avec le réseau.",
              s["small"]), Spacer(1, 2 * mm),
            table(("N° d'inclusion", "Initiales", "Première séance", "Dernière séance", "Actes", "Absences"), rows,
                  [0, 22 * mm, 30 * mm, 30 * mm, 18 * mm, 20 * mm], 4, s,
                  total=[plural(len(r.children), "enfant"), "", "", "", str(r.seances), str(r.absences)])]


def render_activity_report_pdf(report: ActivityReport, practice: PracticeProfile, made_on: date) -> bytes:
    s = styles()
    period = f"du {short_date(report.period_start)} au {short_date(report.period_end)}"
    subtitle = [f"<b>{e(report.network_name)}</b> ({e(report.network)})", f"Période {period}"]
    story: list[Flowable] = [*header(practice, "Rapport d'activité COCON", subtitle, s), *_figures(report, s),
                             Spacer(1, 4 * mm), *_kinds(report, s), Spacer(1, 4 * mm), *_children(report, s)]
    footer = f"Rapport d'activité {report.network} {short_date(report.period_start)}–{short_date(report.period_end)}"
    return build(story, practice, f"Rapport d'activité {report.network} {period}", made_on, footer)
