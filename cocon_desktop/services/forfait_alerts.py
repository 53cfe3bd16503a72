"""The forfait warnings of every child still in the pathway at once (for the dashboard): one SQL query with the
sessions used per prescription counted by the database, then domain/forfait.py's rules applied to each running
prescription — the same warnings `services.forfaits.child_forfaits` gives one child at a time (a test holds the
two equal), without one query per child."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from cocon_desktop.domain.ages import date_at_age
from cocon_desktop.domain.forfait import ENDS_SOON_DAYS, FEW_SESSIONS, Warning
from cocon_desktop.domain.seance import BILANS
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.models import Child, Prescription, Seance
from cocon_desktop.services.enrolments import pathway_tariff
from cocon_desktop.services.pathway_files import known_pathways


@dataclass(frozen=True)
class ForfaitAlert:
    prescription_id: int
    child_id: int
    child_name: str  # "Nour ANDRÉ"
    inclusion_number: str
    discipline: str
    state: str  # not_started, active, exhausted (expired forfaits give no alert)
    warning: Warning
    renewed: bool  # a later prescription of the same discipline exists: the warning is already dealt with


def _warnings(state: str, sessions_left: int, valid_until: date, birth: date, band_months: int | None,
              pathway_years: int, today: date) -> list[Warning]:
    """domain.forfait.forfait_status's warnings for a forfait not expired (the same rules, same order)."""
    found: list[Warning] = []
    if state == "exhausted":
        return [Warning("exhausted", count=0)]
    if sessions_left <= FEW_SESSIONS:
        found.append(Warning("few_sessions_left", count=sessions_left))
    days_left = (valid_until - today).days
    if days_left <= ENDS_SOON_DAYS:
        found.append(Warning("ends_soon", valid_until, days_left))
    band_end = _reached_by(birth, band_months, valid_until) if band_months is not None else None
    if band_end is not None:
        found.append(Warning("left_age_band" if band_end <= today else "leaves_age_band", band_end))
    pathway_end = _reached_by(birth, pathway_years * 12, valid_until)
    if pathway_end is not None:
        found.append(Warning("left_pathway" if pathway_end <= today else "leaves_pathway", pathway_end))
    return found


def _reached_by(birth: date, months: int, day: date) -> date | None:
    """The day the child reaches `months` months when it is `day` or before, else None — without computing that
    day when it falls in a later year (most children are years from the end of their band or pathway)."""
    if birth.year + (birth.month - 1 + months) // 12 > day.year:
        return None
    reached = date_at_age(birth, months)
    return reached if reached <= day else None


def forfait_alerts(session: Session, today: date, tariffs: dict[str, NetworkTariff]) -> list[ForfaitAlert]:
    """Every warning of the prescriptions still running or not started (`valid_until >= today`) of the children
    in the pathway (no exit, or an exit after today). `no_tariff` is left to the child's file."""
    # Sessions used per prescription (not hors forfait, not a bilan: as services.forfaits counts them), one short
    # range of the covering index ix_seance_forfait (schema 0010) per running prescription, in index order: no
    # temporary B-tree, no séance row read, whatever the number of séances of other prescriptions.
    used = (select(func.count()).where(Seance.prescription_id == Prescription.id, Seance.out_of_forfait.is_(False),
                                       Seance.kind.not_in(BILANS))
            .correlate(Prescription).scalar_subquery())
    # the child's later prescription of the discipline, found through the child's few prescriptions
    # (ix_prescription_child_id): `|| ''` keeps SQLite off ix_prescription_discipline, which it was taking (one
    # discipline per practice: all its prescriptions for each row — 0.56 s for 2,000 children, 27 ms without it)
    later = aliased(Prescription)
    renewed = exists().where(and_(later.child_id == Prescription.child_id,
                                  later.discipline + "" == Prescription.discipline,
                                  later.valid_from > Prescription.valid_from))
    statement = (
        select(Prescription.id, Prescription.child_id, Prescription.discipline, Prescription.forfait_kind,
               Prescription.sessions_authorised, Prescription.valid_from, Prescription.valid_until, Child.birth_date,
               Child.network, Child.first_name, Child.last_name, Child.inclusion_number, renewed.label("renewed"),
               used.label("used"), Prescription.pathway, Prescription.payer)
        .join(Child, Child.id == Prescription.child_id)
        .where(Prescription.valid_until >= today, or_(Child.exit_date.is_(None), Child.exit_date > today))
        .order_by(Child.last_name, Child.first_name, Prescription.valid_from, Prescription.id))
    # the tariff's answer, once per combination (a PCO forfait after a relay follows its pathway's tariff)
    rules: dict[tuple[str, str, str, date, str], tuple[int | None, int]] = {}
    known = known_pathways(session)
    alerts: list[ForfaitAlert] = []
    for (prescription_id, child_id, discipline, kind, authorised, valid_from, valid_until, birth, network,
         first_name, last_name, inclusion, is_renewed, used_count, pathway, payer) in session.connection().execute(
            statement).all():
        limits = rules.get((pathway, network, payer, valid_from, kind))
        if limits is None:
            tariff = pathway_tariff(tariffs, pathway, network, known, payer)
            version = tariff.version_on(valid_from) if tariff else None
            rule = version.forfait(kind) if version else None
            limits = rules[pathway, network, payer, valid_from, kind] = (
                rule.age_max_months if rule else None, tariff.pathway_max_age_years if tariff else 5)
        sessions_left = max(0, authorised - int(used_count or 0))
        state = "not_started" if today < valid_from else "exhausted" if sessions_left == 0 else "active"
        warnings = _warnings(state, sessions_left, valid_until, birth, limits[0], limits[1], today)
        name = f"{first_name} {last_name.upper()}" if warnings else ""
        for warning in warnings:
            alerts.append(ForfaitAlert(prescription_id, child_id, name, inclusion, discipline, state, warning,
                                       bool(is_renewed)))
    return alerts
