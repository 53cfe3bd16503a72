"""Forfait status for each prescription: derived from prescriptions, tariffs and the acts recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.ages import months_between
from cocon_desktop.domain.forfait import INTERVENTION, ForfaitStatus, PrescriptionTerms, UsedAct, forfait_status
from cocon_desktop.domain.seance import BILANS
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Child, Prescription, Seance
from cocon_desktop.services.enrolments import pathway_tariff
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.prescriptions import PrescriptionRecord, list_prescriptions
from cocon_desktop.services.tariff_store import load_tariffs


@dataclass(frozen=True)
class ForfaitLine:
    prescription: PrescriptionRecord
    label: str
    status: ForfaitStatus


def acts_by_prescription(session: Session, prescription_ids: list[int]) -> dict[int, list[tuple[date, str]]]:
    """The (day, kind) of the séances billed on each prescription (hors-forfait ones are not)."""
    acts: dict[int, list[tuple[date, str]]] = {pid: [] for pid in prescription_ids}
    if not prescription_ids:
        return acts
    for chunk_start in range(0, len(prescription_ids), 500):
        chunk = prescription_ids[chunk_start:chunk_start + 500]
        rows = session.execute(select(Seance.prescription_id, Seance.day, Seance.kind).where(
            Seance.prescription_id.in_(chunk), Seance.out_of_forfait.is_(False)))
        for prescription_id, day, kind in rows:
            if prescription_id is not None:
                acts[prescription_id].append((day, kind))
    return acts


def _priced(p: Prescription, tariff: NetworkTariff | None, acts: list[tuple[date, str]]) -> list[UsedAct]:
    """Each act at the price in force on its day (an invoice, later, keeps the price it was issued with)."""
    priced = []
    for day, kind in acts:
        version = tariff.version_on(day) if tariff else None
        rule = version.forfait(p.forfait_kind) if version else None
        is_bilan = kind in BILANS
        amount = rule.price(p.discipline, "bilan" if is_bilan else "session") if rule else Decimal("0.00")
        priced.append(UsedAct(day, is_bilan, amount, intervention=kind == INTERVENTION))
    return priced


def _terms(p: Prescription) -> PrescriptionTerms:
    return PrescriptionTerms(p.discipline, p.forfait_kind, p.sessions_authorised, p.bilan_included,
                             p.valid_from, p.valid_until)


def _status(p: Prescription, birth: date, tariff: NetworkTariff | None, acts: list[tuple[date, str]],
            today: date) -> tuple[str, ForfaitStatus]:
    version = tariff.version_on(p.valid_from) if tariff else None
    rule = version.forfait(p.forfait_kind) if version else None
    max_years = tariff.pathway_max_age_years if tariff else 5
    status = forfait_status(_terms(p), rule, _priced(p, tariff, acts), birth, max_years, today)
    return (rule.label if rule else p.forfait_kind), status


def child_forfaits(sessions: sessionmaker[Session], child_id: int, today: date,
                   acts_until: date | None = None) -> list[ForfaitLine]:
    """Each prescription's forfait; with `acts_until`, counting only the acts up to that day (an attestation
    for a past period says what was used and left at its end)."""
    tariffs = load_tariffs(sessions)
    records = list_prescriptions(sessions, child_id)
    with sessions() as session:
        child = session.get(Child, child_id)
        if child is None:
            return []
        rows = {p.id: p for p in session.scalars(select(Prescription).where(Prescription.child_id == child_id))}
        acts = acts_by_prescription(session, list(rows))
        lines = []
        for record in records:
            row = rows[record.data.id or 0]
            used = [a for a in acts[row.id] if acts_until is None or a[0] <= acts_until]
            # a PCO forfait after a relay: PCO-TND's; another pathway's: its payer's
            tariff = pathway_tariff(tariffs, row.pathway, child.network, known_pathways(session), row.payer)
            label, status = _status(row, child.birth_date, tariff, used, today)
            lines.append(ForfaitLine(record, label, status))
        return lines


def children_with_warnings(sessions: sessionmaker[Session], today: date) -> set[int]:
    """Children with at least one warning on a forfait still running (or just ended)."""
    tariffs = load_tariffs(sessions)
    with sessions() as session:
        rows = session.execute(
            select(Prescription, Child.birth_date, Child.network).join(Child, Child.id == Prescription.child_id)
            .where(or_(Child.exit_date.is_(None), Child.exit_date > today))).all()
        acts = acts_by_prescription(session, [p.id for p, _, _ in rows])
        known = known_pathways(session)
        flagged: set[int] = set()
        for prescription, birth, network in rows:
            tariff = pathway_tariff(tariffs, prescription.pathway, network, known, prescription.payer)
            _, status = _status(prescription, birth, tariff, acts[prescription.id], today)
            if status.state != "expired" and status.warnings:
                flagged.add(prescription.child_id)
        return flagged


def forfait_for(sessions: sessionmaker[Session], network: str, birth: date | None, discipline: str,
                start: date) -> str:
    """The forfait whose age band covers a child born on `birth` on the first day of validity `start`, for
    `discipline` (the default of a new prescription); CoconError("forfait_none") when the tariff has none."""
    tariff = load_tariffs(sessions).get(network)
    version = tariff.version_on(start) if tariff else None
    if version is None or birth is None:
        raise CoconError("forfait_none", network=network)
    months = months_between(birth, start)
    for rule in version.forfaits:
        if rule.covers_age(months) and discipline in rule.disciplines:
            return rule.kind
    raise CoconError("forfait_none", network=network)
