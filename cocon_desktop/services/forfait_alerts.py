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
    if band_months is not None:
        band_end = date_at_age(birth, band_months)
        if band_end <= valid_until:
            found.append(Warning("left_age_band" if band_end <= today else "leaves_age_band", band_end))
    pathway_end = date_at_age(birth, pathway_years * 12)
    if pathway_end <= valid_until:
        found.append(Warning("left_pathway" if pathway_end <= today else "leaves_pathway", pathway_end))
    return found


def forfait_alerts(session: Session, today: date, tariffs: dict[str, NetworkTariff]) -> list[ForfaitAlert]:
    """Every warning of the prescriptions still running or not started (`valid_until >= today`) of the children
    in the pathway (no exit, or an exit after today). `no_tariff` is left to the child's file."""
    running = (Prescription.valid_until >= today, or_(Child.exit_date.is_(None), Child.exit_date > today))
    first_day = session.scalar(select(func.min(Prescription.valid_from)).join(Child, Child.id == Prescription.child_id)
                               .where(*running))
    if first_day is None:
        return []
    # Sessions used per prescription, counted over the days of the running prescriptions only (a séance lies within
    # its prescription's validity). Grouping by `prescription_id + 0` keeps the database on the day index — the
    # séances of those days, read in table order — instead of walking every séance of the practice through the
    # prescription index (10× slower on SQLCipher, where each page read is decrypted).
    pid = Seance.prescription_id + 0
    used = {int(p or 0): int(n) for p, n in session.execute(
        select(pid, func.count(Seance.id))
        .where(Seance.day >= first_day, Seance.prescription_id.is_not(None), Seance.out_of_forfait.is_(False),
               Seance.kind.not_in(BILANS)).group_by(pid))}
    later = aliased(Prescription)
    renewed = exists().where(and_(later.child_id == Prescription.child_id,
                                  later.discipline == Prescription.discipline,
                                  later.valid_from > Prescription.valid_from))
    statement = (
        select(Prescription.id, Prescription.child_id, Prescription.discipline, Prescription.forfait_kind,
               Prescription.sessions_authorised, Prescription.valid_from, Prescription.valid_until, Child.birth_date,
               Child.network, Child.first_name, Child.last_name, Child.inclusion_number, renewed.label("renewed"))
        .join(Child, Child.id == Prescription.child_id).where(*running)
        .order_by(Child.last_name, Child.first_name, Prescription.valid_from, Prescription.id))
    alerts: list[ForfaitAlert] = []
    for (prescription_id, child_id, discipline, kind, authorised, valid_from, valid_until, birth, network,
         first_name, last_name, inclusion, is_renewed) in session.execute(statement):
        tariff = tariffs.get(network)
        version = tariff.version_on(valid_from) if tariff else None
        rule = version.forfait(kind) if version else None
        sessions_left = max(0, authorised - used.get(prescription_id, 0))
        state = "not_started" if today < valid_from else "exhausted" if sessions_left == 0 else "active"
        name = f"{first_name} {last_name.upper()}"
        for warning in _warnings(state, sessions_left, valid_until, birth,
                                 rule.age_max_months if rule else None,
                                 tariff.pathway_max_age_years if tariff else 5, today):
            alerts.append(ForfaitAlert(prescription_id, child_id, name, inclusion, discipline, state, warning,
                                       bool(is_renewed)))
    return alerts
