"""The audit log, written by the services inside the very transaction of the change it describes.

Who: the practitioner (the practice's one user, named in the profile) and where from — the program or the
`cocon` command (set_origin, on the sessionmaker). What: the entity, its id, the action, the child concerned and,
for a change, each field as (old, new). A note's text never enters the log: it shows as "note modifiée".
Read-only through the program: nothing here updates or deletes an entry (the database refuses it anyway).

Chained (schema 0014, services/chains.py): when a session flushes new entries, each gets the SHA-256 of its
`changes` and its link over the last entry written, in the order they were recorded — read inside the writing
transaction, so two writers never chain onto the same entry (SQLite lets one writer in at a time)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from cocon_desktop.models import AuditEntry, Practice
from cocon_desktop.services.chains import GENESIS, audit_hash, sha256_text

ORIGIN_APP = "application"
ORIGIN_CLI = "cli"
ORIGIN_LABELS = {ORIGIN_APP: "application", ORIGIN_CLI: "cocon (ligne de commande)"}
_ORIGIN_KEY = "cocon_audit_origin"
_ACTOR_KEY = "cocon_audit_actor"
HIDDEN_FIELDS = frozenset({"note"})  # free text about the child's care: its content stays out of the log
NOTE_CHANGED = "note modifiée"

Changes = Mapping[str, tuple[Any, Any]]


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    origin: str  # "application" or "cli"
    entity: str
    entity_id: int | None
    action: str
    child_id: int | None
    fields: tuple[str, ...]
    changes: dict[str, tuple[Any, Any]]  # empty once an erasure blanked the values
    redacted: bool

    @property
    def origin_label(self) -> str:
        return ORIGIN_LABELS.get(self.origin, self.origin)


def set_origin(sessions: sessionmaker[Session], origin: str) -> None:
    """Every session made by `sessions` from now on records entries with this origin."""
    info = dict(sessions.kw.get("info") or {})
    info[_ORIGIN_KEY] = origin
    sessions.configure(info=info)


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates and times in ISO form, decimals as text, tuples as lists."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """A dataclass (or dict) as {field: value}, nested lists of records as "guardians[0].phone"; ids left out."""
    values = asdict(data) if is_dataclass(data) and not isinstance(data, type) else dict(data)
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "id":
            continue
        if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                out.update(flatten(item, f"{prefix}{name}[{index}]."))
        else:
            out[f"{prefix}{name}"] = plain(value)
    return out


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    """The fields whose value differs (a creation: before is None; a deletion: after is None). Empty values of a
    creation or a deletion are left out."""
    old, new = dict(before or {}), dict(after or {})
    changes: dict[str, tuple[Any, Any]] = {}
    for name in [*old, *(n for n in new if n not in old)]:
        a, b = old.get(name), new.get(name)
        if a == b or (before is None and b in (None, "", [], False)) or (after is None and a in (None, "", [])):
            continue
        changes[name] = (a, b)
    return changes


def _masked(changes: Changes) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name, (old, new) in changes.items():
        if name.rsplit(".", 1)[-1] in HIDDEN_FIELDS:
            out[name] = [None, NOTE_CHANGED]
        else:
            out[name] = [plain(old), plain(new)]
    return out


def _actor(session: Session) -> str:
    actor = session.info.get(_ACTOR_KEY)
    if actor is None:
        actor = session.scalar(select(Practice.name).where(Practice.id == 1)) or ""
        session.info[_ACTOR_KEY] = actor
    return str(actor)


def record(session: Session, entity: str, entity_id: int | None, action: str, child_id: int | None,
           changes: Changes | None = None) -> None:
    """Add one entry in the caller's open transaction: it is written with the change, or not at all."""
    masked = _masked(changes or {})
    session.add(AuditEntry(at=datetime.now(UTC), actor=_actor(session),
                           origin=str(session.info.get(_ORIGIN_KEY, ORIGIN_APP)), entity=entity,
                           entity_id=entity_id, action=action, child_id=child_id, fields=",".join(masked)[:2000],
                           changes=json.dumps(masked, ensure_ascii=False, sort_keys=True), redacted=False))


def last_link(session: Session) -> str:
    """The chain link of the last entry written (in this session's transaction), GENESIS for an empty log."""
    head = session.connection().scalar(select(AuditEntry.chain_hash).order_by(AuditEntry.id.desc()).limit(1))
    return str(head) if head else GENESIS


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Link the entries about to be inserted, in the order they were added (the order of their ids)."""
    new = [entry for entry in session.new if isinstance(entry, AuditEntry)]
    if not new:
        return
    new.sort(key=lambda entry: inspect(entry).insert_order or 0)
    previous = last_link(session)
    for entry in new:
        entry.changes_sha256 = sha256_text(entry.changes or "")
        entry.prev_chain = previous
        entry.chain_hash = previous = audit_hash(previous, entry.at, entry.actor, entry.origin, entry.entity,
                                                 entry.entity_id, entry.action, entry.child_id, entry.fields or "",
                                                 entry.changes_sha256)


def _record(row: AuditEntry) -> AuditRecord:
    changes = json.loads(row.changes) if row.changes else {}
    return AuditRecord(row.id, row.at, row.actor, row.origin, row.entity, row.entity_id, row.action, row.child_id,
                       tuple(f for f in row.fields.split(",") if f),
                       {name: (pair[0], pair[1]) for name, pair in changes.items()}, row.redacted)


def child_history(sessions: sessionmaker[Session], child_id: int) -> list[AuditRecord]:
    """Every entry concerning one child, the most recent first."""
    with sessions() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.child_id == child_id)
                               .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())).all()
        return [_record(row) for row in rows]


def entries(sessions: sessionmaker[Session], entity: str | None = None) -> list[AuditRecord]:
    """The whole log (or one kind of entity), oldest first."""
    with sessions() as session:
        statement = select(AuditEntry).order_by(AuditEntry.id)
        if entity is not None:
            statement = statement.where(AuditEntry.entity == entity)
        return [_record(row) for row in session.scalars(statement)]


def redact_child(session: Session, child_id: int) -> int:
    """Blank the values of a child's entries (the child must already be marked erased: the database checks it);
    who, when, what and which fields stay. Returns how many entries were blanked."""
    result = session.execute(update(AuditEntry).where(AuditEntry.child_id == child_id,
                                                      AuditEntry.redacted.is_(False))
                             .values(changes="", redacted=True).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
