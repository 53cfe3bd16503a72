"""Hash chains of their own for the attestations and the audit log (issue 19, #2: `cocon verify` binds).

attestation: `prev_chain` and `chain_hash` (each row's hash covers the one before, as the invoices' chain does).
audit_entry: `changes_sha256` (the SHA-256 of `changes` as written: an erasure blanks `changes` but never this
digest, so the chain holds after it), `prev_chain` and `chain_hash`.

The rows already there are chained here, in the migration's transaction, once: all of them or none. Never later
on demand (a row without its chain would then be something an editor of the file could ask to be chained again).
The chain therefore vouches for the rows as this upgrade found them (docs/security.md).

The two UPDATE triggers are made again so that the narrow updates an erasure makes (a PDF removed, an entry's
values blanked) can never touch the new columns; the code is self-contained (a migration never imports the
program's code: services/chains.py computes the same hashes and tests/db/test_schema_fixtures.py proves it).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:00:00
"""
import hashlib
from datetime import date, datetime
from typing import Any

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
IMMUTABLE = "'cocon: issued documents are immutable'"


def _same(columns: tuple[str, ...]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


AUDIT_KEPT = ("id", "at", "actor", "origin", "entity", "entity_id", "action", "child_id", "fields",
              "changes_sha256", "prev_chain", "chain_hash")
AUDIT_REDACTION = ("OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.changes = '' AND " + _same(AUDIT_KEPT)
                   + " AND EXISTS (SELECT 1 FROM child WHERE child.id = OLD.child_id AND child.erased_at IS NOT NULL)")
ATTESTATION_KEPT = ("id", "number", "year", "sequence", "kind", "child_id", "issue_date", "period_start",
                    "period_end", "seance_count", "signed_pades", "signature_image", "pdf_sha256", "created_at",
                    "prev_chain", "chain_hash")
PDF_ERASED = "length(NEW.pdf) = 0 AND " + _same(ATTESTATION_KEPT)
# as 0008 left them, for the downgrade
OLD_AUDIT_REDACTION = ("OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.changes = '' AND " + _same(AUDIT_KEPT[:9])
                       + " AND EXISTS (SELECT 1 FROM child WHERE child.id = OLD.child_id "
                         "AND child.erased_at IS NOT NULL)")
OLD_PDF_ERASED = "length(NEW.pdf) = 0 AND " + _same(ATTESTATION_KEPT[:14])


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else date.fromisoformat(str(value)[:10]).isoformat()


def _stamp(value: object) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _attestation_hash(prev: str, row: sa.Row[Any]) -> str:  # services/chains.attestation_hash
    return _sha(f"cocon-attestation|{prev}|{row.number}|{row.kind}|{row.child_id}|{_day(row.issue_date)}|"
                f"{_day(row.period_start)}|{_day(row.period_end)}|{int(row.seance_count)}|{int(row.signed_pades)}|"
                f"{int(row.signature_image)}|{row.pdf_sha256}")


def _audit_hash(prev: str, row: sa.Row[Any], changes_sha256: str) -> str:  # services/chains.audit_hash
    return _sha(f"cocon-audit|{prev}|{_stamp(row.at)}|{row.actor}|{row.origin}|{row.entity}|{row.entity_id}|"
                f"{row.action}|{row.child_id}|{row.fields}|{changes_sha256}")


def _triggers(redaction: str, erased: str) -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    op.execute(f"CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry WHEN NOT ({redaction}) "
               "BEGIN SELECT RAISE(ABORT, 'cocon: the audit log is append-only'); END")
    op.execute("DROP TRIGGER IF EXISTS attestation_no_update")
    op.execute(f"CREATE TRIGGER attestation_no_update BEFORE UPDATE ON attestation WHEN NOT ({erased}) "
               f"BEGIN SELECT RAISE(ABORT, {IMMUTABLE}); END")


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN (no table rebuild: the tables' other triggers stay)
    for table, names in (("attestation", ("prev_chain", "chain_hash")),
                         ("audit_entry", ("changes_sha256", "prev_chain", "chain_hash"))):
        for name in names:
            op.add_column(table, sa.Column(name, sa.String(length=64), nullable=False, server_default=""))
    op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    op.execute("DROP TRIGGER IF EXISTS attestation_no_update")
    bind = op.get_bind()
    previous, values = GENESIS, []
    for row in bind.execute(sa.text("SELECT id, number, kind, child_id, issue_date, period_start, period_end, "
                                    "seance_count, signed_pades, signature_image, pdf_sha256 FROM attestation "
                                    "ORDER BY id")):
        link = _attestation_hash(previous, row)
        values.append({"id": row.id, "prev": previous, "link": link})
        previous = link
    if values:
        bind.execute(sa.text("UPDATE attestation SET prev_chain = :prev, chain_hash = :link WHERE id = :id"), values)
    previous, values = GENESIS, []
    for row in bind.execute(sa.text("SELECT id, at, actor, origin, entity, entity_id, action, child_id, fields, "
                                    "changes FROM audit_entry ORDER BY id")):
        digest = _sha(row.changes or "")
        link = _audit_hash(previous, row, digest)
        values.append({"id": row.id, "digest": digest, "prev": previous, "link": link})
        previous = link
    if values:
        bind.execute(sa.text("UPDATE audit_entry SET changes_sha256 = :digest, prev_chain = :prev, "
                             "chain_hash = :link WHERE id = :id"), values)
    _triggers(AUDIT_REDACTION, PDF_ERASED)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    op.execute("DROP TRIGGER IF EXISTS attestation_no_update")
    for table, names in (("audit_entry", ("chain_hash", "prev_chain", "changes_sha256")),
                         ("attestation", ("chain_hash", "prev_chain"))):
        for name in names:
            op.drop_column(table, name)
    _triggers(OLD_AUDIT_REDACTION, OLD_PDF_ERASED)
