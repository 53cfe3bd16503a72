"""Importing the appointments a therapist already has in another calendar (an online booking service, Google
Agenda, Outlook: a .ics file), so that she does not type them again (issue 20, #6).

Two steps: `preview` reads the file and says, for each occurrence over the period, which child it is for (matched:
one child's first and last names are in its title; to choose: several; ignored: none), and whether an earlier
import already made it (then it is an update); `apply` writes what the review kept. Each imported appointment
keeps its occurrence's key as `uid`: importing the same file again moves the appointments whose time changed and
adds the new ones, never a second copy. An appointment already pointed (present, absent) is left as it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.ics_import import ChildName, candidates, read_events
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Appointment, Child
from cocon_desktop.services.changes import Changes, writes

MATCHED, TO_CHOOSE, IGNORED = "matched", "to_choose", "ignored"
MAX_FILE_BYTES = 10 * 1024 * 1024  # years of a busy agenda hold a few megabytes


@dataclass(frozen=True)
class ImportLine:
    key: str
    starts_at: datetime
    minutes: int
    summary: str
    state: str  # MATCHED, TO_CHOOSE or IGNORED
    child_ids: tuple[int, ...]  # the candidates (one when matched)
    appointment_id: int | None = None  # made by an earlier import: this one updates it


@dataclass(frozen=True)
class ImportChoice:
    key: str
    child_id: int
    starts_at: datetime
    minutes: int


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int  # the same time as before, or already pointed


def preview(sessions: sessionmaker[Session], content: bytes, first: date, last: date) -> list[ImportLine]:
    try:
        events = read_events(content, first, last)
    except (ValueError, KeyError, TypeError) as exc:
        raise CoconError("calendar_file_unreadable") from exc
    with sessions() as session:
        children = [ChildName(c.id, c.first_name, c.last_name) for c in session.scalars(select(Child))]
        keys = [e.key for e in events]
        known: dict[str, int] = {uid: appointment_id for uid, appointment_id in session.execute(
            select(Appointment.uid, Appointment.id).where(Appointment.uid.in_(keys)))} if keys else {}
    lines = []
    for event in events:
        found = candidates(event.summary, children)
        state = MATCHED if len(found) == 1 else TO_CHOOSE if found else IGNORED
        lines.append(ImportLine(event.key, event.starts_at, event.minutes, event.summary, state, tuple(found),
                                known.get(event.key)))
    return lines


def read_preview(sessions: sessionmaker[Session], path: Path, first: date, last: date) -> list[ImportLine]:
    """`preview` of a file the window chose (read here, in the background; 10 MB at most)."""
    with path.open("rb") as handle:
        content = handle.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise CoconError("calendar_file_unreadable")
    return preview(sessions, content, first, last)


def child_labels(sessions: sessionmaker[Session], ids: set[int]) -> dict[int, str]:
    """« RPO-2025-0101 (MARTIN Léa) » of these children, for the review."""
    with sessions() as session:
        rows = session.execute(select(Child.id, Child.inclusion_number, Child.last_name, Child.first_name)
                               .where(Child.id.in_(ids))).all()
        return {i: f"{number} ({last.upper()} {first})" for i, number, last, first in rows}


def matched_choices(lines: list[ImportLine]) -> list[ImportChoice]:
    """What the review keeps by default: the occurrences matched to one child."""
    return [ImportChoice(line.key, line.child_ids[0], line.starts_at, line.minutes)
            for line in lines if line.state == MATCHED]


@writes(Changes.APPOINTMENTS)
def apply(sessions: sessionmaker[Session], choices: list[ImportChoice]) -> ImportResult:
    created = updated = unchanged = 0
    with sessions.begin() as session:
        for choice in choices:
            if session.get(Child, choice.child_id) is None:
                raise CoconError("child_missing", id=choice.child_id)
            row = session.scalar(select(Appointment).where(Appointment.uid == choice.key))
            day, start = choice.starts_at.date(), choice.starts_at.time()
            if row is None:
                session.add(Appointment(uid=choice.key, child_id=choice.child_id, day=day, start=start,
                                        duration_min=choice.minutes, place="cabinet", status="planned",
                                        series_id=""))
                created += 1
            elif row.status != "planned" or (row.child_id, row.day, row.start, row.duration_min) == (
                    choice.child_id, day, start, choice.minutes):
                unchanged += 1
            else:
                row.child_id, row.day, row.start, row.duration_min = choice.child_id, day, start, choice.minutes
                updated += 1
    return ImportResult(created, updated, unchanged)
