"""`cocon verify`: the database's triggers compared by their SQL with those of the schema (db/triggers.py), the
invoices and credit notes (services/verify_invoices.py: PDF hash, lines, hash chain, and with the signatures each
row bound to its signed PDF and the Factur-X XML inside it), the attestations and the audit log in chains of their
own (services/verify_chains.py), gap-free numbering not behind its outside witnesses (services/number_witness.py),
and an anchor kept beside the database (chain-head.json) so that deleting the latest rows is seen too.

chain-head.json holds, for each chain, how many rows it had and its last link, under an HMAC keyed by the data key:
{"version": 2, "count", "head" (the invoices), "attestations": {"count", "head"}, "audit": {"count", "head"}, "mac"}.
A file of the first form ({"count", "head", "mac"}: invoices only) still reads; the next write replaces it. The
anchor is written after every write through the practice handle (practice_handle.Practice.write) and after each
issuing; `verify` accepts rows added after it (a write made outside the handle) but never fewer rows, nor another
link at the anchored place."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.db.catalog import trigger_sql
from cocon_desktop.db.triggers import EXPECTED_TRIGGERS
from cocon_desktop.fsutil import locked_read, locked_write
from cocon_desktop.models import Attestation, AuditEntry, Invoice
from cocon_desktop.services import number_witness
from cocon_desktop.services.invoicing import GENESIS
from cocon_desktop.services.verify_chains import check_attestations, check_audit
from cocon_desktop.services.verify_invoices import Checked, SignatureCheck, check_invoices

ANCHOR_FILE = "chain-head.json"
ANCHOR_VERSION = 2
__all__ = ["ANCHOR_FILE", "Anchor", "SignatureCheck", "VerifyReport", "verify", "write_anchor"]


@dataclass(frozen=True)
class VerifyReport:
    checked: int  # invoices and credit notes
    code: str = ""  # "" when everything holds; otherwise the first break
    data: dict[str, Any] = field(default_factory=dict)
    attestations: int = 0
    audit_entries: int = 0

    @property
    def ok(self) -> bool:
        return not self.code


class Anchor(NamedTuple):
    """What chain-head.json says: (count, head) of the invoices, and of the attestations and the audit log (None
    in a file of the first form). count −1: the file does not read or its MAC does not hold."""

    documents: int
    head: str
    attestations: tuple[int, str] | None = None
    audit: tuple[int, str] | None = None


ALTERED = Anchor(-1, "")


def _mac(key: bytes, count: int, head: str) -> str:
    return hmac.new(key, f"cocon-chain|{count}|{head}".encode(), hashlib.sha256).hexdigest()


def _mac2(key: bytes, anchor: Anchor) -> str:
    attestations, audit = anchor.attestations or (0, GENESIS), anchor.audit or (0, GENESIS)
    material = (f"cocon-chain-v{ANCHOR_VERSION}|{anchor.documents}|{anchor.head}|{attestations[0]}|{attestations[1]}|"
                f"{audit[0]}|{audit[1]}")
    return hmac.new(key, material.encode(), hashlib.sha256).hexdigest()


def _head(session: Session, model: type[Invoice] | type[Attestation] | type[AuditEntry]) -> tuple[int, str]:
    count = int(session.scalar(select(func.count()).select_from(model)) or 0)
    head = session.scalar(select(model.chain_hash).order_by(model.id.desc()).limit(1)) or GENESIS
    return count, head


def current_anchor(session: Session) -> Anchor:
    """The anchor of the database as it is now."""
    return Anchor(*_head(session, Invoice), _head(session, Attestation), _head(session, AuditEntry))


def write_anchor(sessions: sessionmaker[Session], data_dir: Path, key: bytes) -> None:
    """Record how many rows each chain has and its last link (after every write), read and written under the
    anchor's file lock: two writers never interleave, and the later one writes the later state."""

    def content() -> bytes:
        with sessions() as session:
            anchor = current_anchor(session)
        assert anchor.attestations is not None and anchor.audit is not None
        return json.dumps({"version": ANCHOR_VERSION, "count": anchor.documents, "head": anchor.head,
                           "attestations": {"count": anchor.attestations[0], "head": anchor.attestations[1]},
                           "audit": {"count": anchor.audit[0], "head": anchor.audit[1]},
                           "mac": _mac2(key, anchor)}).encode()

    locked_write(data_dir / ANCHOR_FILE, content)


def _part(data: dict[str, Any], name: str) -> tuple[int, str]:
    return int(data[name]["count"]), str(data[name]["head"])


def _read_anchor(data_dir: Path, key: bytes) -> Anchor | None:
    try:
        data = json.loads(locked_read(data_dir / ANCHOR_FILE).decode("utf-8"))
        count, head = int(data["count"]), str(data["head"])
        if data.get("version") is None:  # the first form: the invoices only
            anchor, mac = Anchor(count, head), _mac(key, count, head)
        elif data["version"] == ANCHOR_VERSION:
            anchor = Anchor(count, head, _part(data, "attestations"), _part(data, "audit"))
            mac = _mac2(key, anchor)
        else:
            return ALTERED
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError):
        return ALTERED
    if not hmac.compare_digest(mac, str(data.get("mac", ""))):
        return ALTERED
    return anchor


def _behind(checked: Checked, anchored: tuple[int, str] | None) -> dict[str, int] | None:
    """{"expected", "found"} when the chain has fewer rows than anchored, or another link at the anchored place."""
    if anchored is None:
        return None
    count, head = anchored
    if len(checked.chain) < count or (count > 0 and checked.chain[count - 1] != head):
        return {"expected": count, "found": len(checked.chain)}
    return None


def _triggers_fault(session: Session) -> tuple[str, dict[str, Any]] | None:
    present = trigger_sql(session.connection())
    for name, sql in EXPECTED_TRIGGERS.items():
        if name not in present:
            return "triggers_missing", {"name": name}
        if present[name] != sql:
            return "trigger_altered", {"name": name}
    unexpected = sorted(set(present) - set(EXPECTED_TRIGGERS))
    return ("trigger_unexpected", {"name": unexpected[0]}) if unexpected else None


def verify(sessions: sessionmaker[Session], data_dir: Path, key: bytes,
           signature_ok: SignatureCheck | None = None) -> VerifyReport:
    try:
        return _verify(sessions, data_dir, key, signature_ok)
    except DBAPIError:  # a column rewritten with another type by hand no longer even reads
        return VerifyReport(0, "documents_unreadable")


def _verify(sessions: sessionmaker[Session], data_dir: Path, key: bytes,
            signature_ok: SignatureCheck | None) -> VerifyReport:
    with sessions() as session:
        fault = _triggers_fault(session)
        if fault is not None:
            return VerifyReport(0, *fault)
        invoices = check_invoices(session, signature_ok)
        if invoices.fault is not None:
            return VerifyReport(invoices.count, *invoices.fault)
        attestations = check_attestations(session, signature_ok)
        audit = check_audit(session)

    def report(code: str = "", data: dict[str, Any] | None = None) -> VerifyReport:
        return VerifyReport(invoices.count, code, data or {}, attestations.count, audit.count)

    for checked in (attestations, audit):
        if checked.fault is not None:
            return report(*checked.fault)
    anchor = _read_anchor(data_dir, key)
    if anchor is None:
        if invoices.count:
            return report("anchor_missing")
    elif anchor.documents < 0:
        return report("anchor_altered")
    else:
        for code, checked, anchored in (("documents_deleted", invoices, (anchor.documents, anchor.head)),
                                        ("attestations_deleted", attestations, anchor.attestations),
                                        ("audit_deleted", audit, anchor.audit)):
            behind = _behind(checked, anchored)
            if behind is not None:
                return report(code, behind)
    # gap-free numbering (but for a confirmed resume) and not behind an outside witness (issue 19, #1)
    return report(*number_witness.verify_numbering(sessions, invoices.numbering, data_dir, key))
