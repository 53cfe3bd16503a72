"""Appointments: planned slots (single or recurring), moved, marked present (→ a séance) or absent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.ics import CalendarEvent, to_ics
from cocon_desktop.domain.public_holidays import Series, public_holidays, region_of, series_days
from cocon_desktop.domain.seance import DEFAULT_DURATION, PLACES, SeanceData, overlaps
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import Appointment, Child, Seance
from cocon_desktop.models import Practice as PracticeRow
from cocon_desktop.services import audit, seances
from cocon_desktop.services.changes import Changes, writes

STATUSES = {"planned": "Prévu", "present": "Présent", "absence_excusee": "Absent (excusé)",
            "absence_non_excusee": "Absent (non excusé)", "cancelled": "Annulé"}


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    child_id: int
    inclusion_number: str
    child_name: str
    initials: str
    day: date
    start: time
    duration_min: int
    place: str
    status: str
    seance_id: int | None
    series_id: str
    conflict: bool = False  # overlaps another appointment of the practice
    first_name: str = ""
    last_name: str = ""
    uid: str = ""  # the calendar UID (schema 0015)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start)


@dataclass(frozen=True)
class AgendaSeance:
    """A séance recorded without an appointment (quick entry, « Aujourd'hui », the command line): done, or an
    absence, drawn in the agenda beside the appointments."""

    id: int
    child_id: int
    inclusion_number: str
    child_name: str
    first_name: str
    last_name: str
    day: date
    start: time
    duration_min: int
    place: str
    kind: str  # domain.seance.KINDS
    out_of_forfait: bool

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start)


@dataclass(frozen=True)
class AgendaWeek:
    appointments: list[AppointmentRow]
    seances: list[AgendaSeance]  # the séances of no appointment (a pointed appointment carries its own)
    holidays: dict[date, str] = field(default_factory=dict)  # the public holidays of these days, with their names


@writes(Changes.APPOINTMENTS)
def plan(sessions: sessionmaker[Session], child_id: int, first_day: date, start: time,
         duration_min: int = DEFAULT_DURATION, place: str = "cabinet", weeks: int = 1,
         every_days: int = 7, include_holidays: bool = False) -> list[int]:
    """One slot, or a recurring series (e.g. every Tuesday 10:00 for 12 weeks). A series skips the French public
    holidays of the practice's region (`series_days`) unless `include_holidays`; a single slot is kept as chosen."""
    errors = []
    if not 1 <= weeks <= 104:
        errors.append(FieldError("weeks", "recurrence_range"))
    if place not in PLACES:
        errors.append(FieldError("place", "choice_invalid"))
    if errors:
        raise ValidationError(errors)
    series = str(uuid.uuid4()) if weeks > 1 else ""
    with sessions.begin() as session:
        child = session.get(Child, child_id)
        if child is None:
            raise CoconError("child_missing", id=child_id)
        if first_day < child.birth_date:
            raise ValidationError([FieldError("day", "date_before_birth")])
        days = series_days(first_day, weeks, every_days, include_holidays=include_holidays,
                           region=_region(session)).days
        if not days:
            raise ValidationError([FieldError("weeks", "series_all_holidays")])
        rows = [Appointment(child_id=child_id, day=day, start=start, duration_min=duration_min, place=place,
                            status="planned", series_id=series)
                for day in days if child.exit_date is None or day <= child.exit_date]
        session.add_all(rows)
        session.flush()
        return [int(r.id) for r in rows]


def _region(session: Session) -> str | None:
    return region_of(session.scalar(select(PracticeRow.postcode).where(PracticeRow.id == 1)) or "")


def holiday_region(sessions: sessionmaker[Session]) -> str | None:
    """The practice's region for public holidays (Alsace-Moselle and overseas have days of their own)."""
    with sessions() as session:
        return _region(session)


def series_preview(sessions: sessionmaker[Session], first_day: date, weeks: int, every_days: int = 7,
                   include_holidays: bool = False) -> Series:
    """The days `plan` would keep and the holidays it would skip, before planning."""
    return series_days(first_day, weeks, every_days, include_holidays=include_holidays,
                       region=holiday_region(sessions))


@writes(Changes.APPOINTMENTS)
def move(sessions: sessionmaker[Session], appointment_id: int, day: date, start: time) -> None:
    with sessions.begin() as session:
        row = session.get(Appointment, appointment_id)
        if row is None:
            raise CoconError("appointment_missing", id=appointment_id)
        if row.status != "planned":
            raise CoconError("appointment_done")
        row.day, row.start = day, start


@writes(Changes.APPOINTMENTS)
def cancel(sessions: sessionmaker[Session], appointment_id: int) -> None:
    with sessions.begin() as session:
        row = session.get(Appointment, appointment_id)
        if row is None:
            raise CoconError("appointment_missing", id=appointment_id)
        row.status = "cancelled"


@writes(Changes.APPOINTMENTS | Changes.SEANCES)
def mark(sessions: sessionmaker[Session], appointment_id: int, status: str, *, out_of_forfait: bool = False
         ) -> int | None:
    """Present → records the séance (OutOfForfait propagates, nothing changed); absent → records the absence
    (billed only if the network's tariff says so, otherwise kept hors forfait); "planned" undoes the mark."""
    if status not in STATUSES:
        raise ValidationError([FieldError("status", "choice_invalid")])
    with sessions() as session:
        row = session.get(Appointment, appointment_id)
        if row is None:
            raise CoconError("appointment_missing", id=appointment_id)
        child_id, day, start, minutes, place = row.child_id, row.day, row.start, row.duration_min, row.place
        previous = row.seance_id
    if previous is not None:
        seances.delete_seance(sessions, previous)
    seance_id = None
    if status in ("present", "absence_excusee", "absence_non_excusee"):
        kind = "seance" if status == "present" else status
        data = SeanceData(child_id=child_id, day=day, start=start, duration_min=minutes, kind=kind, place=place,
                          out_of_forfait=out_of_forfait)
        try:
            seance_id = seances.record_seance(sessions, data)
        except seances.OutOfForfait:
            if status == "present" and not out_of_forfait:
                raise
            seance_id = seances.record_seance(sessions, SeanceData(**{**data.__dict__, "out_of_forfait": True}))
    with sessions.begin() as session:
        row = session.get(Appointment, appointment_id)
        assert row is not None
        changes = audit.diff({"status": row.status, "seance_id": row.seance_id},
                             {"status": status, "seance_id": seance_id})
        row.status, row.seance_id = status, seance_id
        if changes:  # the séance itself is in the log too, from record_seance
            audit.record(session, "appointment", appointment_id, "update", row.child_id, changes)
    return seance_id


@writes(Changes.APPOINTMENTS | Changes.SEANCES)
def call_off(sessions: sessionmaker[Session], appointment_id: int) -> None:
    """Cancel an appointment; a pointed one loses its séance first (back to planned, then cancelled)."""
    with sessions() as session:
        row = session.get(Appointment, appointment_id)
        if row is None:
            raise CoconError("appointment_missing", id=appointment_id)
        pointed = row.seance_id is not None
    if pointed:
        mark(sessions, appointment_id, "planned")
    cancel(sessions, appointment_id)


@writes(Changes.APPOINTMENTS)
def cancel_all(sessions: sessionmaker[Session], appointment_ids: list[int]) -> None:
    """Cancel the appointments just planned (the undo of a slot or a series)."""
    for appointment_id in appointment_ids:
        cancel(sessions, appointment_id)


@writes(Changes.APPOINTMENTS | Changes.SEANCES)
def restore(sessions: sessionmaker[Session], appointment_id: int, status: str) -> int | None:
    """Put an appointment back in the state it had (the undo of a mark or a cancellation); a "present" that is no
    longer billable comes back hors forfait rather than not at all."""
    try:
        return mark(sessions, appointment_id, status)
    except seances.OutOfForfait:
        return mark(sessions, appointment_id, status, out_of_forfait=True)


def between(sessions: sessionmaker[Session], first: date, last: date, include_cancelled: bool = False
            ) -> list[AppointmentRow]:
    with sessions() as session:
        statement = (select(Appointment, Child.inclusion_number, Child.last_name, Child.first_name)
                     .join(Child, Child.id == Appointment.child_id)
                     .where(Appointment.day >= first, Appointment.day <= last)
                     .order_by(Appointment.day, Appointment.start, Appointment.id))
        if not include_cancelled:
            statement = statement.where(Appointment.status != "cancelled")
        rows = []
        for a, inclusion, last_name, first_name in session.execute(statement):
            initials = f"{first_name[:1].upper()}. {last_name[:1].upper()}."
            rows.append(AppointmentRow(a.id, a.child_id, inclusion, f"{last_name.upper()} {first_name}", initials,
                                       a.day, a.start, a.duration_min, a.place, a.status, a.seance_id, a.series_id,
                                       first_name=first_name, last_name=last_name, uid=a.uid))
    return _with_conflicts(rows)


def week(sessions: sessionmaker[Session], first: date, last: date) -> AgendaWeek:
    """What the agenda draws for these days: the appointments (planned or pointed) and the séances recorded
    without one (done or absent), in one read."""
    pointed = select(Appointment.seance_id).where(Appointment.seance_id.is_not(None))
    with sessions() as session:
        statement = (select(Seance, Child.inclusion_number, Child.last_name, Child.first_name)
                     .join(Child, Child.id == Seance.child_id)
                     .where(Seance.day >= first, Seance.day <= last, Seance.id.not_in(pointed))
                     .order_by(Seance.day, Seance.start, Seance.id))
        seances_done = [AgendaSeance(s.id, s.child_id, inclusion, f"{last_name.upper()} {first_name}", first_name,
                                     last_name, s.day, s.start, s.duration_min, s.place, s.kind, s.out_of_forfait)
                        for s, inclusion, last_name, first_name in session.execute(statement)]
        region = _region(session)
    return AgendaWeek(between(sessions, first, last), seances_done, public_holidays(first, last, region))


def _with_conflicts(rows: list[AppointmentRow]) -> list[AppointmentRow]:
    """Flag slots that overlap another one the same day (the therapist cannot be in two places)."""
    flagged: set[int] = set()
    by_day: dict[date, list[AppointmentRow]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    for day_rows in by_day.values():
        for i, a in enumerate(day_rows):
            for b in day_rows[i + 1:]:
                if overlaps(a.starts_at, a.duration_min, b.starts_at, b.duration_min):
                    flagged.update((a.id, b.id))
    return [AppointmentRow(**{**r.__dict__, "conflict": r.id in flagged}) for r in rows]


def export_ics(sessions: sessionmaker[Session], first: date, last: date, now: datetime | None = None) -> bytes:
    """The planned slots of `first`..`last` as an ICS file (Paris times with their VTIMEZONE, each appointment's
    own UID): initials and inclusion number only, never the child's name."""
    events = [CalendarEvent(uid=r.uid, starts_at=r.starts_at, minutes=r.duration_min,
                            summary=f"Séance {r.initials} ({r.inclusion_number})", location=PLACES[r.place])
              for r in between(sessions, first, last)]
    return to_ics(events, now=now, first=first, last=last)
