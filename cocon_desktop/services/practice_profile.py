"""Read and save the practice profile."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.practice import PracticeProfile, validate_profile
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.models import Practice
from cocon_desktop.services.changes import Changes, writes


def validated(profile: PracticeProfile) -> PracticeProfile:
    """The normalized profile, or ValidationError listing every blocking problem."""
    profile = profile.normalized()
    blocking = [e for e in validate_profile(profile) if e.blocking]
    if blocking:
        raise ValidationError(blocking)
    return profile


def load_profile(sessions: sessionmaker[Session]) -> PracticeProfile:
    with sessions() as session:
        row = session.get(Practice, 1)
        if row is None:
            raise CoconError("practice_missing")
        return PracticeProfile(**{name: getattr(row, name) for name in PracticeProfile.field_names()})


def is_demo(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        return bool(session.scalar(select(Practice.is_demo).where(Practice.id == 1)))


@writes(Changes.PROFILE)
def save_profile(sessions: sessionmaker[Session], profile: PracticeProfile, *, demo: bool = False
                 ) -> PracticeProfile:
    profile = validated(profile)
    now = datetime.now(UTC)
    with sessions.begin() as session:
        row = session.get(Practice, 1)
        if row is None:
            row = Practice(id=1, created_at=now, is_demo=demo)
            session.add(row)
        for name, value in asdict(profile).items():
            setattr(row, name, value)
        row.updated_at = now
    return profile
