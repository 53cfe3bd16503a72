"""Recording séances against the forfait: the prescription is picked, the rules are checked, one transaction."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.disciplines import PROFESSION_DISCIPLINE
from cocon_desktop.domain.seance import SeanceData, counts_on_forfait, overlaps, validate_seance
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import Child, Enrolment, Practice, Prescription, Seance
from cocon_desktop.services import audit
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.enrolments import COCON, enrolment_on, pathway_tariff
from cocon_desktop.services.invoice_drafts import active_line_exists
from cocon_desktop.services.milestone_drafts import milestone_rule
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.tariff_store import load_tariffs

FIELDS = [f.name for f in fields(SeanceData) if f.name != "id"]


@dataclass(frozen=True)
class SeanceRow:
    """A séance as lists show it, with its derived billing state."""

    data: SeanceData
    inclusion_number: str
    child_name: str
    prescription_id: int | None
    billing_state: str  # a_facturer, facturee, non_facturable, au_forfait (on a package: its milestones are billed)


class OutOfForfait(CoconError):
    """The séance cannot be billed to COCON; `reason` says why. It may be recorded "hors forfait"."""

    def __init__(self, reason: str, **data: object) -> None:
        super().__init__(reason, **data)
        self.reason = reason


def _invoiced(session: Session, seance_id: int) -> bool:
    return bool(session.scalar(select(active_line_exists(seance_id))))  # type: ignore[call-overload]


def _data(row: Seance) -> SeanceData:
    return SeanceData(id=row.id, **{name: getattr(row, name) for name in FIELDS})


def practice_discipline(session: Session) -> str:
    profession = session.scalar(select(Practice.profession).where(Practice.id == 1)) or ""
    return PROFESSION_DISCIPLINE.get(profession, "psychomotricite")


def _used(session: Session, prescription_id: int, kinds: tuple[str, ...], exclude: int | None) -> int:
    statement = select(func.count(Seance.id)).where(
        Seance.prescription_id == prescription_id, Seance.kind.in_(kinds), Seance.out_of_forfait.is_(False))
    if exclude is not None:
        statement = statement.where(Seance.id != exclude)
    return int(session.scalar(statement) or 0)


def _session_kinds(tariff: NetworkTariff | None, day: date) -> tuple[str, ...]:
    version = tariff.version_on(day) if tariff else None
    kinds = ["seance"]
    if version and version.absence_excused_billable:
        kinds.append("absence_excusee")
    if version and version.absence_unexcused_billable:
        kinds.append("absence_non_excusee")
    return tuple(kinds)


def pick_prescription(session: Session, child: Child, data: SeanceData, tariff: NetworkTariff | None,
                      enrolment: Enrolment | None = None) -> int:
    """The prescription this séance is billed on, or OutOfForfait with the reason. Only the prescriptions of the
    pathway holding the child on the séance's day are candidates: COCON's, or those of `enrolment`'s payer from
    the day a relay gave the child to it (a séance on or after that day never lands on COCON)."""
    if enrolment is None:
        pathway = Prescription.pathway == COCON
    else:
        pathway = (Prescription.pathway == enrolment.pathway) & (Prescription.payer == enrolment.payer)
    version = tariff.version_on(data.day) if tariff else None
    if version is None:
        raise OutOfForfait("no_tariff_on_day")
    if not counts_on_forfait(data.kind, version.absence_excused_billable, version.absence_unexcused_billable):
        raise OutOfForfait("kind_not_billable")
    candidates = session.scalars(
        select(Prescription).where(Prescription.child_id == child.id,
                                   Prescription.discipline == practice_discipline(session),
                                   Prescription.valid_from <= data.day, Prescription.valid_until >= data.day,
                                   pathway)
        .order_by(Prescription.valid_until, Prescription.id)).all()
    if not candidates:
        raise OutOfForfait("no_valid_prescription")
    for prescription in candidates:
        if data.is_bilan:
            if prescription.bilan_included and _used(session, prescription.id, ("bilan_initial",
                                                                                "bilan_renouvellement"), data.id) == 0:
                return prescription.id
        elif _used(session, prescription.id, _session_kinds(tariff, data.day), data.id) < \
                prescription.sessions_authorised:
            return prescription.id
    raise OutOfForfait("bilan_already_used" if data.is_bilan else "forfait_exhausted")


def prescription_for(session: Session, child: Child, data: SeanceData, tariffs: dict[str, NetworkTariff]) -> int:
    """pick_prescription in the pathway holding the child on the séance's day, with that pathway's tariff."""
    enrolment = enrolment_on(session, child.id, data.day)
    pathway = COCON if enrolment is None else enrolment.pathway
    payer = "" if enrolment is None else enrolment.payer
    tariff = pathway_tariff(tariffs, pathway, child.network, known_pathways(session), payer)
    return pick_prescription(session, child, data, tariff, enrolment)


def _check(session: Session, data: SeanceData) -> Child:
    child = session.get(Child, data.child_id)
    if child is None:
        raise CoconError("child_missing", id=data.child_id)
    if child.erased_at is not None:
        raise CoconError("child_erased", inclusion=child.inclusion_number)
    # a relay ends COCON the day before the PCO takes over: the exit does not bound the PCO's séances
    exit_date = None if enrolment_on(session, child.id, data.day) is not None else child.exit_date
    errors = validate_seance(data, child.birth_date, exit_date)
    same_day = session.execute(select(Seance.id, Seance.start, Seance.duration_min).where(
        Seance.child_id == data.child_id, Seance.day == data.day)).all()
    for other_id, start, minutes in same_day:
        if other_id != data.id and overlaps(data.starts_at, data.duration_min,
                                            datetime.combine(data.day, start), minutes):
            errors.append(FieldError("start", "seance_overlap", {"at": start.strftime("%H:%M")}))
            break
    if errors:
        raise ValidationError(errors)
    return child


@writes(Changes.SEANCES)
def record_seance(sessions: sessionmaker[Session], data: SeanceData,
                  tariffs: dict[str, NetworkTariff] | None = None) -> int:
    """Record (id None) or change a séance. A billable one needs a valid prescription with sessions left;
    otherwise OutOfForfait says why, and the caller may retry with out_of_forfait=True."""
    tariffs = tariffs if tariffs is not None else load_tariffs(sessions)
    with sessions.begin() as session:
        child = _check(session, data)
        prescription_id = None
        if not data.out_of_forfait:
            prescription_id = prescription_for(session, child, data, tariffs)
        now = datetime.now(UTC)
        row = session.get(Seance, data.id) if data.id is not None else Seance(created_at=now)
        if row is None:
            raise CoconError("seance_missing", id=data.id)
        if data.id is not None and _invoiced(session, data.id):
            raise CoconError("seance_invoiced")
        before = _audited(row) if data.id is not None else None
        for name in FIELDS:
            setattr(row, name, getattr(data, name))
        row.prescription_id = prescription_id
        row.updated_at = now
        session.add(row)
        session.flush()
        changes = audit.diff(before, _audited(row))
        if changes or before is None:
            audit.record(session, "seance", row.id, "create" if before is None else "update", row.child_id, changes)
        return int(row.id)


def _audited(row: Seance) -> dict[str, object]:
    return {**audit.flatten(_data(row)), "prescription_id": row.prescription_id}


@writes(Changes.SEANCES)
def delete_seance(sessions: sessionmaker[Session], seance_id: int) -> SeanceData:
    """Remove a séance (not yet invoiced); returns what it was, so that the UI can undo."""
    with sessions.begin() as session:
        row = session.get(Seance, seance_id)
        if row is None:
            raise CoconError("seance_missing", id=seance_id)
        if _invoiced(session, seance_id):
            raise CoconError("seance_invoiced")
        data = _data(row)
        audit.record(session, "seance", seance_id, "delete", row.child_id, audit.diff(_audited(row), None))
        session.delete(row)
        return replace(data, id=None)


def _rows(session: Session, statement: object) -> list[SeanceRow]:
    result = session.execute(statement)  # type: ignore[call-overload]
    out = []
    for seance, inclusion, last, first, invoiced in result:
        state = "non_facturable" if seance.prescription_id is None else "facturee" if invoiced else "a_facturer"
        out.append(SeanceRow(_data(seance), inclusion, f"{last.upper()} {first}", seance.prescription_id, state))
    return out


def _package_states(sessions: sessionmaker[Session], rows: list[SeanceRow]) -> list[SeanceRow]:
    """« au_forfait » for a séance counted on a forfait paid at milestones (a PCO's package): it is never invoiced
    itself, its forfait's milestones are (issue 22). One query, and nothing more for a COCON practice."""
    waiting = {r.prescription_id for r in rows if r.billing_state == "a_facturer" and r.prescription_id}
    if not waiting:
        return rows
    with sessions() as session:
        found = session.execute(select(Prescription, Child.network).join(Child, Child.id == Prescription.child_id)
                                .where(Prescription.id.in_(waiting), Prescription.pathway != COCON)).all()
        if not found:
            return rows
        known = known_pathways(session)
        tariffs = load_tariffs(sessions)
        package = {p.id for p, network in found if milestone_rule(p, network, tariffs, known) is not None}
    return [replace(r, billing_state="au_forfait") if r.billing_state == "a_facturer" and r.prescription_id in package
            else r for r in rows]


def _listing() -> object:
    invoiced = active_line_exists(Seance.id).label("invoiced")  # type: ignore[attr-defined]
    return select(Seance, Child.inclusion_number, Child.last_name, Child.first_name, invoiced).join(
        Child, Child.id == Seance.child_id)


def seances_between(sessions: sessionmaker[Session], first: date, last: date) -> list[SeanceRow]:
    with sessions() as session:
        statement = _listing().where(Seance.day >= first, Seance.day <= last).order_by(  # type: ignore[attr-defined]
            Seance.day, Seance.start, Seance.id)
        rows = _rows(session, statement)
    return _package_states(sessions, rows)


def child_seances(sessions: sessionmaker[Session], child_id: int) -> list[SeanceRow]:
    with sessions() as session:
        statement = _listing().where(Seance.child_id == child_id).order_by(  # type: ignore[attr-defined]
            Seance.day.desc(), Seance.start.desc())
        rows = _rows(session, statement)
    return _package_states(sessions, rows)


def get_seance(sessions: sessionmaker[Session], seance_id: int) -> SeanceData:
    with sessions() as session:
        row = session.get(Seance, seance_id)
        if row is None:
            raise CoconError("seance_missing", id=seance_id)
        return _data(row)


def parse_time(text: str) -> time | None:
    """"9h", "9:30", "09h30", "14.15" → a time; None when it is not one."""
    cleaned = text.strip().lower().replace("h", ":").replace(".", ":")
    if cleaned.endswith(":"):
        cleaned += "00"
    try:
        hours, _, minutes = cleaned.partition(":")
        return time(int(hours), int(minutes or 0))
    except ValueError:
        return None
