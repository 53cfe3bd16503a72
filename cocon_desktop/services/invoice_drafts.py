"""The invoice run's preview: billable séances of a period and a payer, priced, grouped as its tariff says — a COCON
network's séances (the child's network), or those of another pathway's payer on its forfaits paid per séance (the
prescription's payer: a fixed payer such as a made-up « BASE », issue 22)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from cocon_desktop.domain.seance import BILANS
from cocon_desktop.domain.tariff_milestones import PER_SEANCE
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.models import Child, Enrolment, InvoiceLine, Payer, Prescription, Seance
from cocon_desktop.services.enrolments import COCON, pathway_tariff
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.tariff_store import load_tariffs


@dataclass(frozen=True)
class DraftLine:
    seance_id: int | None  # None: a milestone of a forfait paid as a package (prescription_id says which)
    day: date
    child_id: int
    inclusion_number: str
    initials: str
    discipline: str
    kind: str
    amount: Decimal
    child_name: str = ""  # "DUPONT Léa", for the practitioner's preview only: never on the invoice nor the batch
    prescription_id: int | None = None  # a milestone line: the forfait it pays (schema 0017)
    label: str = ""  # a milestone line's words on the invoice (« Bilan — Psychomotricité »); "" for a séance


@dataclass(frozen=True)
class DraftInvoice:
    network: str
    child_id: int | None  # None when the network wants one invoice for all children
    period_start: date
    period_end: date
    lines: tuple[DraftLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def child_name(self) -> str:
        """The child's name on a per-child invoice ("" for one of the whole network)."""
        return self.lines[0].child_name if self.child_id is not None and self.lines else ""

    @property
    def days(self) -> tuple[date, ...]:
        """The séances' days, each once, in order."""
        return tuple(sorted({line.day for line in self.lines}))


def active_line_exists(seance_id_column: object) -> object:
    """SQL: the séance is on an invoice line that no credit note cancels (it is "facturée")."""
    credit = aliased(InvoiceLine)
    return exists().where(and_(InvoiceLine.seance_id == seance_id_column, InvoiceLine.credited_line_id.is_(None),
                               ~exists().where(credit.credited_line_id == InvoiceLine.id)))


def price(tariff: NetworkTariff | None, forfait_kind: str, discipline: str, day: date, kind: str) -> Decimal:
    version = tariff.version_on(day) if tariff else None
    rule = version.forfait(forfait_kind) if version else None
    if rule is None:
        return Decimal("0.00")
    return rule.price(discipline, "bilan" if kind in BILANS else "session")


def is_cocon_network(session: Session, code: str) -> bool:
    """True for one of COCON's networks (RPM, RPO, RPNA: cocon.toml's payers)."""
    cocon = known_pathways(session).get(COCON)
    return cocon is not None and code in cocon.payers.codes()


def payer_tariff(session: Session, code: str, tariffs: dict[str, NetworkTariff]) -> NetworkTariff | None:
    """The tariff payer `code` pays by: a COCON network's own, a configured payer's (PCO1…) its pathway's, a fixed
    payer's of another pathway the one its file names; None for an unknown code."""
    if is_cocon_network(session, code):
        return tariffs.get(code)
    known = known_pathways(session)
    row = session.get(Payer, code)
    if row is not None:
        return pathway_tariff(tariffs, row.pathway, "", known, code)
    pathway = next((p for p in known.values() if p.id != COCON and code in p.payers.codes()), None)
    return pathway_tariff(tariffs, pathway.id, "", known, code) if pathway is not None else tariffs.get(code)


def billable_lines(session: Session, network: str, first: date, last: date,
                   tariffs: dict[str, NetworkTariff]) -> list[DraftLine]:
    """The period's billable séances of `network`: a COCON network's (as ever), or another payer's on its forfaits
    paid per séance (`payer_seance_lines`)."""
    if not is_cocon_network(session, network):
        return payer_seance_lines(session, network, first, last, tariffs)
    statement = (
        select(Seance.id, Seance.day, Seance.kind, Child.id, Child.inclusion_number, Child.first_name,
               Child.last_name, Prescription.discipline, Prescription.forfait_kind)
        .join(Child, Child.id == Seance.child_id)
        .join(Prescription, Prescription.id == Seance.prescription_id)
        .where(Child.network == network, Prescription.pathway == "cocon", Seance.day >= first, Seance.day <= last,
               Seance.out_of_forfait.is_(False), ~active_line_exists(Seance.id))  # type: ignore[operator]
        .order_by(Child.inclusion_number, Seance.day, Seance.start, Seance.id))
    tariff = tariffs.get(network)
    lines = []
    for sid, day, kind, child_id, inclusion, first_name, last_name, discipline, forfait_kind in session.execute(
            statement):
        initials = f"{first_name[:1].upper()}. {last_name[:1].upper()}."
        lines.append(DraftLine(sid, day, child_id, inclusion, initials, discipline, kind,
                               price(tariff, forfait_kind, discipline, day, kind),
                               f"{last_name.upper()} {first_name}"))
    return lines


def _references(session: Session, payer: str) -> dict[int, str]:
    """Each child's number with the payer (its latest enrolment with it), by child id."""
    rows = session.execute(select(Enrolment.child_id, Enrolment.reference).where(Enrolment.payer == payer)
                           .order_by(Enrolment.started_on, Enrolment.id))
    return {child_id: reference for child_id, reference in rows}


def payer_seance_lines(session: Session, payer: str, first: date, last: date,
                       tariffs: dict[str, NetworkTariff]) -> list[DraftLine]:
    """One priced line per billable séance of the forfaits of `payer` (a pathway other than COCON: the
    prescription's payer) that its tariff pays per séance — a forfait paid at milestones is billed by its
    milestones (services/milestone_drafts.py) —, the child's number with the payer in the reference column, by
    child then by day."""
    statement = (
        select(Seance.id, Seance.day, Seance.kind, Child.id, Child.network, Child.first_name, Child.last_name,
               Prescription.pathway, Prescription.discipline, Prescription.forfait_kind)
        .join(Child, Child.id == Seance.child_id)
        .join(Prescription, Prescription.id == Seance.prescription_id)
        .where(Prescription.payer == payer, Prescription.pathway != COCON, Seance.day >= first, Seance.day <= last,
               Seance.out_of_forfait.is_(False), ~active_line_exists(Seance.id))  # type: ignore[operator]
        .order_by(Child.last_name, Child.first_name, Child.id, Seance.day, Seance.start, Seance.id))
    known = known_pathways(session)
    references = _references(session, payer)
    lines = []
    for sid, day, kind, child_id, network, first_name, last_name, pathway, discipline, forfait_kind in \
            session.execute(statement):
        tariff = pathway_tariff(tariffs, pathway, network, known, payer)
        version = tariff.version_on(day) if tariff else None
        rule = version.forfait(forfait_kind) if version else None
        if rule is not None and rule.payment != PER_SEANCE:
            continue
        initials = f"{first_name[:1].upper()}. {last_name[:1].upper()}."
        lines.append(DraftLine(sid, day, child_id, references.get(child_id, ""), initials, discipline, kind,
                               price(tariff, forfait_kind, discipline, day, kind),
                               f"{last_name.upper()} {first_name}"))
    return lines


def group(lines: list[DraftLine], network: str, first: date, last: date, grouping: str) -> list[DraftInvoice]:
    if grouping == "per_network":
        return [DraftInvoice(network, None, first, last, tuple(lines))] if lines else []
    by_child: dict[int, list[DraftLine]] = {}
    for line in lines:
        by_child.setdefault(line.child_id, []).append(line)
    return [DraftInvoice(network, child_id, first, last, tuple(child_lines))
            for child_id, child_lines in by_child.items()]


def preview(sessions: sessionmaker[Session], network: str, first: date, last: date) -> list[DraftInvoice]:
    """What an invoice run would issue (nothing is written)."""
    tariffs = load_tariffs(sessions)
    with sessions() as session:
        tariff = payer_tariff(session, network, tariffs)
        grouping = tariff.billing_grouping if tariff is not None else "per_child"
        return group(billable_lines(session, network, first, last, tariffs), network, first, last, grouping)
