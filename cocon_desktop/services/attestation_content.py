"""What an attestation says, read from the database: the therapist, the child and the guardians who receive
attestations, the forfaits of the practice's discipline (sessions used and left at the end of the period, as
services/forfaits.py derives them) and the acts of care of the period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.documents.attestation_data import (
    AttestationData,
    AttestedSeance,
    ChildInfo,
    ForfaitInfo,
    Recipient,
    RelayFrame,
    Therapist,
)
from cocon_desktop.domain.attestation import ATTESTED_KINDS, Period
from cocon_desktop.domain.child import GUARDIAN_RELATIONS
from cocon_desktop.domain.disciplines import short_label
from cocon_desktop.domain.networks import NETWORKS, profession_label
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.domain.seance import BILANS, KINDS
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Child, Enrolment, Payer, Prescriber, Prescription, Seance
from cocon_desktop.services.forfaits import child_forfaits
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.practice_profile import load_profile
from cocon_desktop.services.seances import practice_discipline


def therapist(profile: PracticeProfile) -> Therapist:
    p = profile.normalized()
    return Therapist(name=p.name, profession=profession_label(p.profession, p.civility), civility=p.civility,
                     rpps=p.rpps,
                     adeli=p.adeli, trade_name=p.trade_name,
                     address_lines=tuple(x for x in (p.address, f"{p.postcode} {p.city}".strip()) if x),
                     city=p.city, phone=p.phone, email=p.email)


def _overlapping(period: Period) -> object:
    return and_(Prescription.valid_from <= period.last, Prescription.valid_until >= period.first)


def _attested(period: Period) -> object:
    return and_(Seance.day >= period.first, Seance.day <= period.last, Seance.kind.in_(ATTESTED_KINDS),
                Seance.out_of_forfait.is_(False))


def _child(session: Session, child_id: int) -> tuple[ChildInfo, tuple[Recipient, ...], str]:
    row = session.get(Child, child_id)
    if row is None:
        raise CoconError("child_missing", id=child_id)
    info = ChildInfo(f"{row.first_name} {row.last_name.upper()}", row.birth_date, row.inclusion_number, row.sex)
    recipients = tuple(
        Recipient(name=f"{g.first_name} {g.last_name.upper()}".strip(),
                  relation=GUARDIAN_RELATIONS.get(g.relation, "") if g.relation != "autre" else "",
                  address_lines=tuple(x for x in (g.address, f"{g.postcode} {g.city}".strip()) if x))
        for g in row.guardians if g.receives_attestations)
    network = NETWORKS[row.network].name if row.network in NETWORKS else row.network
    return info, recipients, network


def relay_frame(session: Session, child_id: int) -> RelayFrame | None:
    """The pathway the child was handed over to (its latest enrolment outside COCON), as its file words it; None
    for a child in COCON alone (or when the pathway's file is no longer known)."""
    enrolment = session.scalar(select(Enrolment).where(Enrolment.child_id == child_id)
                               .order_by(Enrolment.started_on.desc(), Enrolment.id.desc()).limit(1))
    pathway = known_pathways(session).get(enrolment.pathway) if enrolment is not None else None
    if enrolment is None or pathway is None:
        return None
    payer = session.get(Payer, enrolment.payer)
    fixed = {p.code: p.name for p in pathway.payers.fixed}
    name = payer.name if payer is not None else fixed.get(enrolment.payer, enrolment.payer)
    texts = pathway.attestation
    return RelayFrame(start=enrolment.started_on,
                      opening=pathway.attestation_opening(name),
                      mention=texts.mention, child_reference=texts.child_reference,
                      reference=enrolment.reference or "", label=pathway.label)


def _seances(session: Session, child_id: int, period: Period) -> tuple[AttestedSeance, ...]:
    rows = session.execute(select(Seance.day, Seance.kind, Seance.duration_min)
                           .where(Seance.child_id == child_id, _attested(period))  # type: ignore[arg-type]
                           .order_by(Seance.day, Seance.start))
    return tuple(AttestedSeance(day, KINDS.get(kind, kind), minutes, kind in BILANS) for day, kind, minutes in rows)


def _forfaits(sessions: sessionmaker[Session], child_id: int, period: Period, discipline: str,
              issue_date: date) -> tuple[ForfaitInfo, ...]:
    with sessions() as session:
        names = {p.id: f"Dr {p.first_name} {p.last_name.upper()}".replace("  ", " ").strip()
                 for p in session.scalars(select(Prescriber))}
    out = []
    for line in reversed(child_forfaits(sessions, child_id, issue_date, acts_until=period.last)):
        p, status = line.prescription.data, line.status
        if p.discipline != discipline or p.valid_from > period.last or p.valid_until < period.first:
            continue
        out.append(ForfaitInfo(
            discipline=short_label(p.discipline), forfait=line.label,
            prescriber=names.get(p.prescriber_id or 0, ""), prescribed_on=p.prescribed_on, valid_from=p.valid_from,
            valid_until=p.valid_until, sessions_authorised=p.sessions_authorised, bilan_included=p.bilan_included,
            sessions_used=status.sessions_used, sessions_left=status.sessions_left, bilan_used=status.bilan_used))
    return tuple(out)


def draft(sessions: sessionmaker[Session], child_id: int, kind: str, period: Period, issue_date: date,
          signature_image: bytes | None, pades: bool) -> AttestationData:
    """Everything the attestation shows but its number. CoconError "attestation_no_seance" (nothing to attest in
    the period) or "attestation_no_prescription" (no forfait of the practice's discipline in the period)."""
    profile = load_profile(sessions)
    with sessions() as session:
        discipline = practice_discipline(session)
        child, recipients, network = _child(session, child_id)
        relay = relay_frame(session, child_id)
        seances = _seances(session, child_id, period) if kind != "prise_en_charge" else ()
    forfaits = _forfaits(sessions, child_id, period, discipline, issue_date)
    when = {"first": period.first.strftime("%d/%m/%Y"), "last": period.last.strftime("%d/%m/%Y")}
    if kind == "prise_en_charge" and not forfaits:
        raise CoconError("attestation_no_prescription", inclusion=child.inclusion_number,
                         discipline=short_label(discipline).lower(), **when)
    if kind != "prise_en_charge" and not seances:
        raise CoconError("attestation_no_seance", inclusion=child.inclusion_number, **when)
    return AttestationData(number="", kind=kind, issue_date=issue_date, period_start=period.first,
                           period_end=period.last, therapist=therapist(profile), child=child, network=network,
                           recipients=recipients, forfaits=forfaits, seances=seances,
                           signature_image=signature_image, pades=pades, relay=relay)


def children_to_attest(sessions: sessionmaker[Session], kind: str, period: Period) -> list[int]:
    """Children still in the pathway when the period starts with something to attest in it, by name."""
    with sessions() as session:
        discipline = practice_discipline(session)
        if kind == "prise_en_charge":
            something = exists().where(Prescription.child_id == Child.id, Prescription.discipline == discipline,
                                       _overlapping(period))  # type: ignore[arg-type]
        else:
            something = exists().where(Seance.child_id == Child.id, _attested(period))  # type: ignore[arg-type]
        # a child handed over to a PCO left COCON, not the practice: it stays while its enrolment runs
        enrolled = exists().where(Enrolment.child_id == Child.id, Enrolment.started_on <= period.last,
                                  or_(Enrolment.ended_on.is_(None), Enrolment.ended_on >= period.first))
        statement = (select(Child.id).where(or_(Child.exit_date.is_(None), Child.exit_date >= period.first,
                                                enrolled), something)
                     .order_by(Child.last_name, Child.first_name, Child.id))
        return list(session.scalars(statement))
