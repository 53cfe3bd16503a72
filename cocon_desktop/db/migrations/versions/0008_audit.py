"""The audit log (append-only: triggers refuse UPDATE and DELETE, except the blanking of an erased child's
values), the erasure date of a child, and the two narrow changes an erasure makes to issued data: the note of an
invoiced séance emptied, the PDF of an issued attestation removed (its register row kept).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _same(columns: tuple[str, ...]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


AUDIT_KEPT = ("id", "at", "actor", "origin", "entity", "entity_id", "action", "child_id", "fields")
# the only UPDATE allowed: an erased child's entry loses its values, nothing else changes
AUDIT_REDACTION = ("OLD.redacted = 0 AND NEW.redacted = 1 AND NEW.changes = '' AND " + _same(AUDIT_KEPT)
                   + " AND EXISTS (SELECT 1 FROM child WHERE child.id = OLD.child_id AND child.erased_at IS NOT NULL)")
# as in 0004: a séance on an invoice line that no credit note cancels
SEANCE_INVOICED = (
    "EXISTS (SELECT 1 FROM invoice_line AS l WHERE l.seance_id = OLD.id AND l.credited_line_id IS NULL "
    "AND NOT EXISTS "
    "(SELECT 1 FROM invoice_line AS c WHERE c.credited_line_id = l.id))"
)
SEANCE_BILLED = ("child_id", "prescription_id", "day", "start", "duration_min", "kind", "place", "out_of_forfait",
                 "created_at")
NOTE_ERASED = "NEW.note = '' AND " + _same(SEANCE_BILLED)
ATTESTATION_KEPT = ("id", "number", "year", "sequence", "kind", "child_id", "issue_date", "period_start",
                    "period_end", "seance_count", "signed_pades", "signature_image", "pdf_sha256", "created_at")
PDF_ERASED = "length(NEW.pdf) = 0 AND " + _same(ATTESTATION_KEPT)
IMMUTABLE = "'cocon: issued documents are immutable'"


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.String(length=2000), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('redacted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_child_id'), ['child_id'], unique=False)
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    op.execute("CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
               "BEGIN SELECT RAISE(ABORT, 'cocon: the audit log is append-only'); END")
    op.execute(f"CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry WHEN NOT ({AUDIT_REDACTION}) "
               "BEGIN SELECT RAISE(ABORT, 'cocon: the audit log is append-only'); END")
    op.execute("DROP TRIGGER IF EXISTS seance_invoiced_no_update")
    op.execute(f"CREATE TRIGGER seance_invoiced_no_update BEFORE UPDATE ON seance "
               f"WHEN {SEANCE_INVOICED} AND NOT ({NOTE_ERASED}) "
               "BEGIN SELECT RAISE(ABORT, 'cocon: invoiced seance'); END")
    op.execute("DROP TRIGGER IF EXISTS attestation_no_update")
    op.execute(f"CREATE TRIGGER attestation_no_update BEFORE UPDATE ON attestation WHEN NOT ({PDF_ERASED}) "
               f"BEGIN SELECT RAISE(ABORT, {IMMUTABLE}); END")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS attestation_no_update")
    op.execute(f"CREATE TRIGGER attestation_no_update BEFORE UPDATE ON attestation "
               f"BEGIN SELECT RAISE(ABORT, {IMMUTABLE}); END")
    op.execute("DROP TRIGGER IF EXISTS seance_invoiced_no_update")
    op.execute(f"CREATE TRIGGER seance_invoiced_no_update BEFORE UPDATE ON seance WHEN {SEANCE_INVOICED} "
               "BEGIN SELECT RAISE(ABORT, 'cocon: invoiced seance'); END")
    op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_child_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
    op.drop_table('audit_entry')
