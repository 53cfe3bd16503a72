"""The milestones of forfaits paid as a package (tariff format 2, the PCO-TND *forfait précoce*) that a payer owes
for a period: one invoice line per milestone reached and not yet invoiced (issue 22, S5; design §3.5).

A milestone is reached on a day: « bilan » the day of the forfait's bilan séance, « interventions » the day of its
Nth intervention séance, « period_end » the day after the forfait's validity. Its line has no séance
(`seance_id` None), the forfait's `prescription_id`, the milestone's code as its kind, the tariff's amount (the
balance being the package less the other milestones) and the PCO's dossier number in the reference column."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.forfait import INTERVENTION
from cocon_desktop.domain.pathways import Pathway
from cocon_desktop.domain.seance import ABSENCES, BILANS
from cocon_desktop.domain.tariff_milestones import MILESTONES, Milestone
from cocon_desktop.domain.tariffs import ForfaitRule, NetworkTariff
from cocon_desktop.models import Child, Enrolment, InvoiceLine, Prescription, Seance
from cocon_desktop.services.enrolments import COCON, pathway_tariff
from cocon_desktop.services.invoice_drafts import DraftLine
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.pathway_store import shipped_pathways


def active_milestone_exists(prescription_id: int, code: str) -> object:
    """SQL: the forfait's milestone is on an invoice line that no credit note cancels."""
    credit = aliased(InvoiceLine)
    return exists().where(and_(InvoiceLine.prescription_id == prescription_id, InvoiceLine.seance_kind == code,
                               InvoiceLine.seance_id.is_(None), InvoiceLine.credited_line_id.is_(None),
                               ~exists().where(credit.credited_line_id == InvoiceLine.id)))


def milestone_rule(prescription: Prescription, child_network: str, tariffs: dict[str, NetworkTariff],
                   known: dict[str, Pathway] | None = None) -> ForfaitRule | None:
    """The forfait's rule when it is paid at milestones (its pathway's tariff on its first day), else None.
    `known`: the practice's pathways (the shipped ones when not given)."""
    tariff = pathway_tariff(tariffs, prescription.pathway, child_network, known, prescription.payer)
    version = tariff.version_on(prescription.valid_from) if tariff else None
    rule = version.forfait(prescription.forfait_kind) if version else None
    return rule if rule is not None and rule.payment == MILESTONES else None


def discipline_name(pathway_id: str, discipline: str, known: dict[str, Pathway] | None = None) -> str:
    """The discipline as the pathway words it (« Psychomotricité »), else as the program does."""
    pathway = (shipped_pathways() if known is None else known).get(pathway_id)
    words = pathway.disciplines if pathway is not None else {}
    return words.get(discipline) or DISCIPLINES.get(discipline, discipline)


def line_label(prescription: Prescription, code: str, tariffs: dict[str, NetworkTariff], child_network: str,
               known: dict[str, Pathway] | None = None) -> str:
    """The words of a milestone line of `prescription` (« Bilan — Psychomotricité »); "" when unknown."""
    rule = milestone_rule(prescription, child_network, tariffs, known)
    milestone = next((m for m in rule.milestones if m.code == code), None) if rule else None
    name = discipline_name(prescription.pathway, prescription.discipline, known)
    return milestone.line_label(name) if milestone else ""


def credited_label(session: Session, prescription_id: int | None, code: str,
                   tariffs: dict[str, NetworkTariff]) -> str:
    """A credited line's words: its milestone's label for a milestone line, "" for a séance's line."""
    if prescription_id is None:
        return ""
    row = session.execute(select(Prescription, Child.network).join(Child, Child.id == Prescription.child_id)
                          .where(Prescription.id == prescription_id)).first()
    return line_label(row[0], code, tariffs, row[1], known_pathways(session)) if row is not None else ""


def _reached(milestone: Milestone, prescription: Prescription, bilans: list[date],
             interventions: list[date]) -> date | None:
    if milestone.on == "bilan":
        return bilans[0] if bilans else None
    if milestone.on == "interventions":
        return interventions[milestone.count - 1] if len(interventions) >= milestone.count else None
    return prescription.valid_until + timedelta(days=1)  # period_end: the day after the forfait's validity


def _days(session: Session, prescription_id: int) -> tuple[list[date], list[date]]:
    """The days of the forfait's bilans and interventions (séances, not a concertation meeting) done — no absence,
    nothing out of forfait —, in order."""
    rows = session.execute(select(Seance.day, Seance.kind).where(
        Seance.prescription_id == prescription_id, Seance.out_of_forfait.is_(False),
        Seance.kind.not_in(ABSENCES)).order_by(Seance.day, Seance.start, Seance.id)).all()
    return [d for d, kind in rows if kind in BILANS], [d for d, kind in rows if kind == INTERVENTION]


def _reference(session: Session, prescription: Prescription) -> str:
    """The child's dossier number with the payer (its enrolment in force on the forfait's first day, or the
    latest)."""
    return session.scalar(select(Enrolment.reference).where(
        Enrolment.child_id == prescription.child_id, Enrolment.payer == prescription.payer)
        .order_by((Enrolment.started_on <= prescription.valid_from).desc(), Enrolment.started_on.desc(),
                  Enrolment.id.desc()).limit(1)) or ""


def _forfaits(session: Session, payer: str) -> list[tuple[Prescription, Child]]:
    """The payer's forfaits (any pathway but COCON's) with their child, by child then by first day."""
    rows = session.execute(
        select(Prescription, Child).join(Child, Child.id == Prescription.child_id)
        .where(Prescription.payer == payer, Prescription.pathway != COCON)
        .order_by(Child.last_name, Child.first_name, Child.id, Prescription.valid_from, Prescription.id))
    return [(prescription, child) for prescription, child in rows]


def billable_milestones(session: Session, payer: str, first: date, last: date,
                        tariffs: dict[str, NetworkTariff]) -> list[DraftLine]:
    """One line per milestone of `payer`'s package forfaits reached from `first` to `last` and not on an active
    invoice line (a credit note makes it billable again), per child then by day."""
    lines: list[DraftLine] = []
    known = known_pathways(session)
    for prescription, child in _forfaits(session, payer):
        rule = milestone_rule(prescription, child.network, tariffs, known)
        if rule is None:
            continue
        bilans, interventions = _days(session, prescription.id)
        name = discipline_name(prescription.pathway, prescription.discipline, known)
        initials = f"{child.first_name[:1].upper()}. {child.last_name[:1].upper()}."
        reference = None
        for milestone, amount in rule.milestone_amounts(prescription.discipline):
            day = _reached(milestone, prescription, bilans, interventions)
            if day is None or not first <= day <= last or amount <= Decimal(0):
                continue
            if session.scalar(select(active_milestone_exists(prescription.id, milestone.code))):  # type: ignore[call-overload]
                continue
            if reference is None:
                reference = _reference(session, prescription)
            lines.append(DraftLine(None, day, child.id, reference, initials, prescription.discipline, milestone.code,
                                   amount, f"{child.last_name.upper()} {child.first_name}",
                                   prescription_id=prescription.id, label=milestone.line_label(name)))
    lines.sort(key=lambda line: (line.child_id, line.day))
    return lines
