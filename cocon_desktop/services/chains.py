"""The hash chains of the attestations and of the audit log (schema 0014), as the invoices have theirs
(services/invoicing.chain_hash): each row's link is the SHA-256 of the link before it and of what the row says,
so that a row changed, inserted or removed in the middle breaks every link after it; chain-head.json anchors the
last link and the count (services/invoice_verify.py), so that removing the last rows is seen too.

The audit log's link covers the SHA-256 of the entry's `changes` (`changes_sha256`, its own column) rather than
the text: an erasure blanks the text (audit.redact_child) and the chain still holds; `cocon verify` checks the
digest against the text while the entry is not redacted.

Migration 0014 chained the rows that existed before it with the same material (it keeps its own copy of these
functions: a migration never imports the program's code)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

GENESIS = "0" * 64


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def stamp(moment: datetime) -> str:
    """A moment as the database stores it (SQLAlchemy's SQLite DateTime: naive, microseconds): the same before the
    row is written (an aware datetime) and once read back (a naive one)."""
    return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def attestation_hash(prev: str, number: str, kind: str, child_id: int, issue_date: date, period_start: date,
                     period_end: date, seance_count: int, signed_pades: bool, signature_image: bool,
                     pdf_sha256: str) -> str:
    return sha256_text(f"cocon-attestation|{prev}|{number}|{kind}|{child_id}|{issue_date.isoformat()}|"
                       f"{period_start.isoformat()}|{period_end.isoformat()}|{int(seance_count)}|"
                       f"{int(signed_pades)}|{int(signature_image)}|{pdf_sha256}")


def audit_hash(prev: str, at: datetime, actor: str, origin: str, entity: str, entity_id: int | None, action: str,
               child_id: int | None, fields: str, changes_sha256: str) -> str:
    return sha256_text(f"cocon-audit|{prev}|{stamp(at)}|{actor}|{origin}|{entity}|{entity_id}|{action}|{child_id}|"
                       f"{fields}|{changes_sha256}")
