"""The audit log: an append-only record of every decision and administrative act, chained by SHA-256.

    record(session, user_id, action, target, detail) -> AuditEntry
        action: a snake_case word (document_accepted, document_rejected, token_issued, payment_run_executed…);
        target: what it acted on, in French (« document FAC-2026-0023 (91234567500017) »);
        detail: a dict (stored as canonical JSON) or a string.
        Call it inside the transaction that makes the change: the entry and the change commit together.
    verify_chain(session) -> ChainCheck      every entry re-hashed in order, each linked to the one before
    verify_entries(entries, previous) -> int | None   the same over a window (a page of the console)

Each entry's SHA-256 covers its moment, user, action, target, detail and the previous entry's SHA-256, so that a
line removed or changed shows as a broken link. The database refuses UPDATE and DELETE on audit_log (a trigger,
part A's migration). Writers are serialised (a PostgreSQL advisory lock for the transaction) so that two
concurrent decisions never chain to the same previous entry."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cocon_network.server.models import AuditEntry

_LOCK_KEY = 2121_0005  # pg_advisory_xact_lock's key for the audit chain


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _Entry(Protocol):
    """An AuditEntry or a row of its columns."""

    @property
    def id(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def user_id(self) -> int | None: ...
    @property
    def action(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def previous_sha256(self) -> str: ...
    @property
    def entry_sha256(self) -> str: ...


_COLUMNS = (AuditEntry.id, AuditEntry.at, AuditEntry.user_id, AuditEntry.action, AuditEntry.target,
            AuditEntry.detail, AuditEntry.previous_sha256, AuditEntry.entry_sha256)


def entry_digest(entry: _Entry) -> str:
    payload = json.dumps(
        [_utc(entry.at).isoformat(timespec="microseconds"), entry.user_id, entry.action, entry.target,
         entry.detail, entry.previous_sha256], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session: Session, user_id: int | None, action: str, target: str,
           detail: dict[str, Any] | str | None = None) -> AuditEntry:
    """Append one entry, chained to the last one, in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    previous = session.scalar(select(AuditEntry.entry_sha256).order_by(AuditEntry.id.desc()).limit(1)) or ""
    if detail is None:
        detail_text = ""
    elif isinstance(detail, str):
        detail_text = detail
    else:
        detail_text = json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    entry = AuditEntry(at=datetime.now(UTC), user_id=user_id, action=action,
                       target=target[:200], detail=detail_text, previous_sha256=previous)
    entry.entry_sha256 = entry_digest(entry)
    session.add(entry)
    session.flush()
    return entry


def verify_entries(entries: Iterable[_Entry], previous: str | None = None) -> int | None:
    """The id of the first entry whose hash or link is wrong, None when the window holds. `previous`: the SHA-256
    of the entry before the window ("" at the very start; None: do not check the first link)."""
    expected = previous
    for entry in entries:
        if expected is not None and entry.previous_sha256 != expected:
            return entry.id
        if entry_digest(entry) != entry.entry_sha256:
            return entry.id
        expected = entry.entry_sha256
    return None


@dataclass(frozen=True)
class ChainCheck:
    count: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify_chain(session: Session, *, batch: int = 2000) -> ChainCheck:
    """Re-hash the whole log in order, streamed (never the whole log in memory)."""
    count, expected, last_id = 0, "", 0
    while True:
        rows: list[Any] = list(session.execute(select(*_COLUMNS).where(AuditEntry.id > last_id)
                                               .order_by(AuditEntry.id).limit(batch)))
        if not rows:
            return ChainCheck(count, None)
        broken = verify_entries(rows, expected)
        if broken is not None:
            return ChainCheck(count, broken)
        count += len(rows)
        expected, last_id = rows[-1].entry_sha256, rows[-1].id
