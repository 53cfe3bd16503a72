"""The médecin référent directory."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.identifiers import digits
from cocon_desktop.domain.prescription import PrescriberData, validate_prescriber
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.models import Prescriber
from cocon_desktop.services import audit
from cocon_desktop.services.changes import Changes, writes

FIELDS = [name for name in PrescriberData.__dataclass_fields__ if name != "id"]


def _data(row: Prescriber) -> PrescriberData:
    return PrescriberData(id=row.id, **{name: getattr(row, name) for name in FIELDS})


@writes(Changes.PRESCRIBERS)
def save_prescriber(sessions: sessionmaker[Session], data: PrescriberData) -> int:
    """Create (id None) or update a prescriber; RPPS Luhn failures are warnings, not errors."""
    data = replace(data, last_name=data.last_name.strip(), first_name=data.first_name.strip(),
                   rpps=digits(data.rpps))
    blocking = [e for e in validate_prescriber(data) if e.blocking]
    if blocking:
        raise ValidationError(blocking)
    with sessions.begin() as session:
        row = session.get(Prescriber, data.id) if data.id is not None else Prescriber()
        if row is None:
            raise CoconError("prescriber_missing", id=data.id)
        before = audit.flatten(_data(row)) if data.id is not None else None
        for name in FIELDS:
            setattr(row, name, getattr(data, name))
        session.add(row)
        session.flush()
        changes = audit.diff(before, audit.flatten(_data(row)))
        if changes or before is None:
            audit.record(session, "prescriber", row.id, "create" if before is None else "update", None, changes)
        return int(row.id)


def list_prescribers(sessions: sessionmaker[Session]) -> list[PrescriberData]:
    with sessions() as session:
        rows = session.scalars(select(Prescriber).order_by(Prescriber.last_name, Prescriber.first_name)).all()
        return [_data(row) for row in rows]


def get_prescriber(sessions: sessionmaker[Session], prescriber_id: int) -> PrescriberData:
    with sessions() as session:
        row = session.get(Prescriber, prescriber_id)
        if row is None:
            raise CoconError("prescriber_missing", id=prescriber_id)
        return _data(row)


def find_by_rpps(sessions: sessionmaker[Session], rpps: str) -> PrescriberData | None:
    with sessions() as session:
        row = session.scalar(select(Prescriber).where(Prescriber.rpps == digits(rpps)))
        return _data(row) if row else None
