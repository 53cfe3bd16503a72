"""Console sessions: a random token in an HttpOnly, SameSite=Strict cookie; the table keeps its SHA-256 only (a
copy of the database gives no usable session). A session ends after Settings.session_minutes of idleness, after
MAX_HOURS whatever happens, or at logout."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session
from starlette.responses import Response

from cocon_network.server.models import ConsoleSession, ConsoleUser

COOKIE = "cocon_console"
MAX_HOURS = 12  # absolute lifetime of a session, however active
TOUCH_SECONDS = 30  # last_seen_at is written at most this often (a page view is otherwise a read only)


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def open_session(db: Session, user: ConsoleUser) -> tuple[str, ConsoleSession]:
    """A new session for `user`: the cookie's token (returned once) and its row."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    row = ConsoleSession(token_sha256=_sha256(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                         created_at=now, last_seen_at=now, expires_at=now + timedelta(hours=MAX_HOURS))
    db.add(row)
    db.flush()
    return token, row


@dataclass(frozen=True)
class Lookup:
    """What a cookie's token leads to: a live session and its user, or why not (expired: say it on the login)."""

    session: ConsoleSession | None
    user: ConsoleUser | None
    expired: bool = False


def find_session(db: Session, token: str | None, idle_minutes: int) -> Lookup:
    if not token or len(token) > 200:
        return Lookup(None, None)
    row = db.get(ConsoleSession, _sha256(token))
    if row is None:
        return Lookup(None, None)
    now = datetime.now(UTC)
    if _utc(row.expires_at) <= now or _utc(row.last_seen_at) + timedelta(minutes=idle_minutes) <= now:
        db.delete(row)
        return Lookup(None, None, expired=True)
    user = db.get(ConsoleUser, row.user_id)
    if user is None or not user.active:
        db.delete(row)
        return Lookup(None, None)
    if (now - _utc(row.last_seen_at)).total_seconds() >= TOUCH_SECONDS:
        row.last_seen_at = now
    return Lookup(row, user)


def close_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(ConsoleSession).where(ConsoleSession.token_sha256 == _sha256(token)))


def close_user_sessions(db: Session, user_id: int) -> None:
    """Every session of a user (deactivated, password changed)."""
    db.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user_id))


def purge_expired(db: Session, idle_minutes: int) -> None:
    now = datetime.now(UTC)
    db.execute(delete(ConsoleSession).where(
        (ConsoleSession.expires_at <= now) | (ConsoleSession.last_seen_at <= now - timedelta(minutes=idle_minutes))))


def set_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(COOKIE, token, max_age=MAX_HOURS * 3600, path="/", secure=secure, httponly=True,
                        samesite="strict")


def clear_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="strict")
