"""« Relais vers une PCO »: a COCON child handed over to a PCO-TND platform from a day D, in one transaction.

COCON pays up to D−1 (« care continues until the structure takes over »): its prescriptions end at D−1 (those
starting on or after D are removed), the child leaves COCON at D−1 with the exit reason `relais_pco`, an
enrolment in the PCO's pathway starts on D (with the PCO's dossier number), the PCO forfait opens on D (its kind
from the child's age on D, its end from the tariff's validity), and the séances dated D or later that no invoice
holds are placed again: on the PCO forfait, or out of forfait. Everything the relay changes is in the audit log
under the action `relay`, which is what `cancel_relay` reads to put it back (issue 22, slice S4; docs/pathways.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from cocon_desktop.domain.ages import date_at_age, months_between
from cocon_desktop.domain.child import EXIT_REASONS
from cocon_desktop.domain.pathways import Pathway
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.domain.tariff_milestones import MILESTONES
from cocon_desktop.domain.tariffs import ForfaitRule, NetworkTariff
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import AuditEntry, Child, Enrolment, Invoice, InvoiceLine, Payer, Prescription, Seance
from cocon_desktop.services import audit
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.enrolments import COCON, open_enrolment, pathway_tariff
from cocon_desktop.services.invoice_drafts import active_line_exists
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.pathway_store import enabled_pathways
from cocon_desktop.services.seances import OutOfForfait, practice_discipline, prescription_for
from cocon_desktop.services.tariff_store import load_tariffs

EXIT_REASON = "relais_pco"
ACTION = "relay"  # the audit entries a relay writes; cancel_relay reads them back
CANCEL_ACTION = "relay_cancel"
REFERENCE_MAX = 40  # enrolment.reference
CHANGES = Changes.CHILDREN | Changes.PRESCRIPTIONS | Changes.SEANCES
_FIELDS = [name for name in PrescriptionData.__dataclass_fields__ if name != "id"]
RECORDED = (*_FIELDS, "pathway", "payer", "document_id")  # what the log keeps of a prescription the relay removes


@dataclass(frozen=True)
class RelayRequest:
    child_id: int
    payer: str  # a configured payer of the pathway (PCO1, PCO2…), or a fixed payer its file lists (BASE)
    day: date  # D: the first day the PCO pays; COCON pays up to the day before
    reference: str = ""  # the child's dossier number at the PCO
    pathway: str = "pco-tnd"
    interventions: bool = True  # the forfait « bilan et interventions »; False: the bilan alone
    prescribed_on: date | None = None  # the PCO's prescription; None: D


@dataclass(frozen=True)
class RelayResult:
    enrolment_id: int
    closed: tuple[int, ...]  # COCON prescriptions ended at D−1
    removed: tuple[int, ...]  # COCON prescriptions that started on or after D
    opened: tuple[int, ...]  # the PCO forfait(s)
    moved: int  # séances dated D or later now on the PCO forfait
    out_of_forfait: int  # séances dated D or later the PCO forfait could not take


def _invoiced_after(session: Session, child_id: int, start: date) -> list[str]:
    """The numbers of the invoices holding (on a line no credit note cancels) a séance of the child dated `start`
    or later."""
    credit = aliased(InvoiceLine)
    lines = select(Invoice.number).join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id).join(
        Seance, Seance.id == InvoiceLine.seance_id).where(
        Seance.child_id == child_id, Seance.day >= start, InvoiceLine.credited_line_id.is_(None),
        ~exists().where(credit.credited_line_id == InvoiceLine.id)).distinct().order_by(Invoice.number)
    return list(session.scalars(lines))


def _forfait(tariff: NetworkTariff | None, discipline: str, months: int, start: date,
             interventions: bool) -> ForfaitRule | None:
    """The forfait of the version in force on `start` whose age band covers `months` and which covers the
    discipline: with interventions (a milestone reached by interventions) or the bilan alone."""
    version = tariff.version_on(start) if tariff else None
    for rule in version.forfaits if version else ():
        wants = any(m.on == "interventions" for m in rule.milestones) if rule.payment == MILESTONES else True
        if rule.covers_age(months) and discipline in rule.disciplines and wants == interventions:
            return rule
    return None


def relay_targets(known: dict[str, Pathway]) -> tuple[str, ...]:
    """The pathways a COCON child may be handed over to: those cocon.toml lists (`relays`), and those whose own
    file says it takes COCON's children (`relay_from = ["cocon"]`: a pathway added needs no edit of cocon.toml)."""
    cocon = known.get(COCON)
    listed = cocon.relays if cocon is not None else ()
    return tuple(p for p in known if p in listed or (p != COCON and COCON in known[p].relay_from))


def _pathway(sessions: sessionmaker[Session], pathway_id: str, errors: list[FieldError]) -> Pathway | None:
    known = known_pathways(sessions)
    target = known.get(pathway_id)
    if target is None or pathway_id not in relay_targets(known):
        errors.append(FieldError("pathway", "relay_pathway_unknown", {"value": pathway_id[:40]}))
        return None
    if target.id not in {p.id for p in enabled_pathways(sessions)}:
        errors.append(FieldError("pathway", "relay_pathway_disabled", {"pathway": target.label}))
    return target


def _checked(session: Session, request: RelayRequest, pathway: Pathway | None, tariffs: dict[str, NetworkTariff],
             errors: list[FieldError]) -> tuple[Child, ForfaitRule | None]:
    child = session.get(Child, request.child_id)
    if child is None:
        raise CoconError("child_missing", id=request.child_id)
    if child.erased_at is not None:
        raise CoconError("child_erased", inclusion=child.inclusion_number)
    current = open_enrolment(session, child.id)
    if current is not None:
        raise CoconError("relay_already", payer=current.payer, date=current.started_on.strftime("%d/%m/%Y"))
    payer = session.get(Payer, request.payer)
    fixed = pathway is not None and request.payer in pathway.payers.codes()  # a payer its file lists
    if pathway is not None and not fixed and (payer is None or payer.pathway != pathway.id):
        errors.append(FieldError("payer", "relay_payer_not_in_pathway",
                                 {"payer": request.payer[:40], "pathway": pathway.label}))
    elif payer is not None and not fixed and not payer.active:
        errors.append(FieldError("payer", "relay_payer_disabled", {"payer": payer.name}))
    if len(request.reference.strip()) > REFERENCE_MAX or any(ord(c) < 32 for c in request.reference):
        errors.append(FieldError("reference", "relay_reference_invalid", {"max": REFERENCE_MAX}))
    start = request.day
    if child.inclusion_date is not None and start <= child.inclusion_date:
        errors.append(FieldError("day", "relay_before_inclusion",
                                 {"date": child.inclusion_date.strftime("%d/%m/%Y")}))
    relayed_exit = child.exit_reason == EXIT_REASON and child.exit_date == start - timedelta(days=1)
    if child.exit_date is not None and child.exit_date < start and not relayed_exit:
        reason = EXIT_REASONS.get(child.exit_reason, child.exit_reason)
        errors.append(FieldError("day", "relay_exit_before",
                                 {"date": child.exit_date.strftime("%d/%m/%Y"), "reason": reason}))
    invoices = _invoiced_after(session, child.id, start)
    if invoices:
        errors.append(FieldError("day", "relay_invoiced_after", {
            "date": start.strftime("%d/%m/%Y"), "invoices": ", ".join(invoices), "count": len(invoices)}))
    rule = None
    if pathway is not None:
        discipline = practice_discipline(session)
        tariff = pathway_tariff(tariffs, pathway.id, child.network, known_pathways(session), request.payer)
        rule = _forfait(tariff, discipline, months_between(child.birth_date, start), start, request.interventions)
        if discipline not in pathway.disciplines or rule is None:
            errors.append(FieldError("day", "relay_no_forfait", {"pathway": pathway.label}))
    return child, rule


def _close_cocon(session: Session, child: Child, start: date) -> tuple[list[int], list[Prescription]]:
    """COCON's prescriptions still valid on `start`: ended at start−1 (audited); those starting on or after it are
    returned, to be removed once their séances have moved."""
    closed, later = [], []
    rows = session.scalars(select(Prescription).where(
        Prescription.child_id == child.id, Prescription.pathway == COCON, Prescription.valid_until >= start)
        .order_by(Prescription.id)).all()
    for row in rows:
        if row.valid_from < start:
            old = row.valid_until
            row.valid_until = start - timedelta(days=1)
            audit.record(session, "prescription", row.id, ACTION, child.id,
                         {"valid_until": (old, row.valid_until), "reason": (None, EXIT_REASON)})
            closed.append(row.id)
        else:
            later.append(row)
    return closed, later


def _fields(row: Prescription) -> dict[str, Any]:
    return {name: audit.plain(getattr(row, name)) for name in RECORDED}


def _seance_data(row: Seance) -> SeanceData:
    return SeanceData(id=row.id, **{name: getattr(row, name) for name in SeanceData.__dataclass_fields__
                                    if name != "id"})


def _replace_seances(session: Session, child: Child, start: date, tariffs: dict[str, NetworkTariff]) -> tuple[int, int]:
    """Every séance of the child dated `start` or later that no invoice holds and that was not recorded hors
    forfait by choice, placed again in the pathway holding the child on its day; (placed, out of forfait)."""
    placed = dropped = 0
    rows = session.scalars(select(Seance).where(
        Seance.child_id == child.id, Seance.day >= start, Seance.out_of_forfait.is_(False),
        ~active_line_exists(Seance.id)).order_by(  # type: ignore[operator]
        Seance.day, Seance.start, Seance.id)).all()
    for row in rows:
        old = row.prescription_id
        try:
            row.prescription_id = prescription_for(session, child, _seance_data(row), tariffs)
            placed += 1
        except OutOfForfait:
            row.prescription_id = None
            row.out_of_forfait = True
            dropped += 1
        if row.prescription_id != old:
            audit.record(session, "seance", row.id, ACTION, child.id,
                         {"prescription_id": (old, row.prescription_id),
                          "out_of_forfait": (False, row.out_of_forfait)})
        session.flush()
    return placed, dropped


@writes(CHANGES)
def relay(sessions: sessionmaker[Session], request: RelayRequest) -> RelayResult:
    """Hand the child over to the PCO `request.payer` from `request.day` (see the module). ValidationError, each
    error next to its field, and nothing written: the pathway unknown or not chosen by the practice (`pathway`),
    the payer not one of its platforms or disabled (`payer`), the dossier number too long (`reference`), the day
    not after the inclusion, the child already out of COCON before it, a séance of that day or later on an invoice
    (a credit note first: the error names the invoices), no forfait of the pathway for the practice's discipline
    at the child's age (`day`). CoconError("relay_already") while a relay is in force."""
    tariffs = load_tariffs(sessions)
    errors: list[FieldError] = []
    pathway = _pathway(sessions, request.pathway, errors)
    start = request.day
    with sessions.begin() as session:
        child, rule = _checked(session, request, pathway, tariffs, errors)
        if errors or pathway is None or rule is None:
            raise ValidationError(errors)
        now = datetime.now(UTC)
        enrolment = Enrolment(child_id=child.id, pathway=pathway.id, payer=request.payer,
                              reference=request.reference.strip(), started_on=start, end_reason="", created_at=now)
        session.add(enrolment)
        session.flush()
        audit.record(session, "enrolment", enrolment.id, ACTION, child.id, {
            "pathway": (None, pathway.id), "payer": (None, request.payer), "reference": (None, enrolment.reference),
            "started_on": (None, start)})
        closed, later = _close_cocon(session, child, start)
        cocon = session.scalars(select(Prescription).where(Prescription.child_id == child.id,
                                                           Prescription.pathway == COCON)
                                .order_by(Prescription.valid_from.desc(), Prescription.id.desc())).first()
        exit_before = (child.exit_date, child.exit_reason)
        child.exit_date, child.exit_reason = start - timedelta(days=1), EXIT_REASON
        child.updated_at = now
        audit.record(session, "child", child.id, ACTION, child.id, {"exit_date": (exit_before[0], child.exit_date),
                                                                     "exit_reason": (exit_before[1], EXIT_REASON)})
        opened = Prescription(
            child_id=child.id, prescriber_id=cocon.prescriber_id if cocon else None,
            prescribed_on=request.prescribed_on or start, discipline=practice_discipline(session),
            forfait_kind=rule.kind, sessions_authorised=rule.seances, bilan_included=True, valid_from=start,
            valid_until=date_at_age(start, rule.validity_months or 12) - timedelta(days=1), note="",
            over_forfait_reason="", pathway=pathway.id, payer=request.payer, created_at=now)
        session.add(opened)
        session.flush()
        audit.record(session, "prescription", opened.id, ACTION, child.id,
                     {name: (None, value) for name, value in _fields(opened).items()})
        moved, dropped = _replace_seances(session, child, start, tariffs)
        for row in later:
            audit.record(session, "prescription", row.id, ACTION, child.id,
                         {**{name: (value, None) for name, value in _fields(row).items()},
                          "reason": (None, EXIT_REASON)})
            session.delete(row)
        session.flush()
        return RelayResult(enrolment.id, tuple(closed), tuple(r.id for r in later), (opened.id,), moved, dropped)


def _relay_entries(session: Session, child_id: int, enrolment_id: int) -> list[AuditEntry]:
    first = session.scalar(select(AuditEntry.id).where(
        AuditEntry.child_id == child_id, AuditEntry.entity == "enrolment", AuditEntry.entity_id == enrolment_id,
        AuditEntry.action == ACTION))
    if first is None:
        raise CoconError("relay_missing")
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.child_id == child_id, AuditEntry.action == ACTION, AuditEntry.id >= first)
        .order_by(AuditEntry.id)))


def _changes(entry: AuditEntry) -> dict[str, list[Any]]:
    return dict(json.loads(entry.changes)) if entry.changes else {}


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


@writes(CHANGES)
def cancel_relay(sessions: sessionmaker[Session], child_id: int) -> int:
    """Undo the child's relay in force, while nothing has been invoiced to the PCO: COCON's prescriptions get back
    their end dates (those the relay removed come back), the child its former exit, the PCO's forfait and the
    enrolment go, and the séances from the relay's day are placed again on COCON. Returns how many séances moved.
    CoconError: no relay (`relay_missing`), a séance on the PCO forfait already invoiced (`relay_invoiced`)."""
    tariffs = load_tariffs(sessions)
    with sessions.begin() as session:
        child = session.get(Child, child_id)
        enrolment = open_enrolment(session, child_id) if child is not None else None
        if child is None or enrolment is None:
            raise CoconError("relay_missing")
        opened = list(session.scalars(select(Prescription).where(
            Prescription.child_id == child_id, Prescription.pathway == enrolment.pathway,
            Prescription.payer == enrolment.payer)))
        ids = [row.id for row in opened]
        billed = session.scalar(select(Invoice.number).join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
                                .outerjoin(Seance, Seance.id == InvoiceLine.seance_id)
                                .where((Seance.prescription_id.in_(ids)) | (InvoiceLine.prescription_id.in_(ids)))
                                .limit(1))
        if billed is not None:
            raise CoconError("relay_invoiced", number=billed)
        entries = _relay_entries(session, child_id, enrolment.id)
        start = enrolment.started_on
        for seance in session.scalars(select(Seance).where(Seance.child_id == child_id, Seance.day >= start)):
            if seance.prescription_id in ids:
                seance.prescription_id = None
        session.flush()
        for row in opened:
            session.delete(row)
        session.delete(enrolment)
        session.flush()
        for entry in entries:
            _undo(session, child, entry)
        session.flush()
        moved, _ = _replace_seances(session, child, start, tariffs)
        audit.record(session, "enrolment", enrolment.id, CANCEL_ACTION, child_id,
                     {"started_on": (start, None), "payer": (enrolment.payer, None)})
        return moved


def _undo(session: Session, child: Child, entry: AuditEntry) -> None:
    """Put back what one of the relay's entries says it changed."""
    values = _changes(entry)
    if entry.entity == "child":
        child.exit_date, child.exit_reason = _day(values["exit_date"][0]), values["exit_reason"][0] or ""
    elif entry.entity == "seance" and values.get("out_of_forfait") == [False, True]:
        seance = session.get(Seance, entry.entity_id)
        if seance is not None:
            seance.out_of_forfait = False
    elif entry.entity == "prescription" and "reason" in values and values.get("valid_from", [None])[0]:
        restored = {name: pair[0] for name, pair in values.items() if name in RECORDED}
        for name in ("prescribed_on", "valid_from", "valid_until"):
            restored[name] = _day(restored[name])
        restored["note"] = ""  # the audit log never holds a note's text
        session.add(Prescription(id=entry.entity_id, created_at=datetime.now(UTC), **restored))
    elif entry.entity == "prescription" and "reason" in values:
        row = session.get(Prescription, entry.entity_id)
        if row is not None:
            row.valid_until = _day(values["valid_until"][0]) or row.valid_until
