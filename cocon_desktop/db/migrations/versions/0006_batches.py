"""Batches of documents for the networks, their documents, the outbox, the networks' access tokens; triggers
keep a batch's file as built and a document out of two batches that are not rejected.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


# What the file says: once written, never changed (the network keys its idempotence on batch_id and the bytes).
FILE_COLUMNS = ("batch_id", "network", "period_start", "period_end", "created_at", "file_name", "zip",
                "zip_sha256", "documents", "total_cents")
TRIGGERS = {
    "batch_file_no_update": (
        "BEFORE UPDATE ON batch WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in FILE_COLUMNS)
        + " BEGIN SELECT RAISE(ABORT, 'cocon: a batch file is immutable'); END"),
    "batch_rejected_final": (
        "BEFORE UPDATE OF state ON batch WHEN OLD.state = 'rejete' AND NEW.state IS NOT 'rejete' "
        "BEGIN SELECT RAISE(ABORT, 'cocon: a rejected batch stays rejected'); END"),
    "batch_document_no_update": (
        "BEFORE UPDATE ON batch_document BEGIN SELECT RAISE(ABORT, 'cocon: batch documents are immutable'); END"),
    "batch_document_no_delete": (
        "BEFORE DELETE ON batch_document BEGIN SELECT RAISE(ABORT, 'cocon: batch documents are immutable'); END"),
    "batch_document_once": (
        "BEFORE INSERT ON batch_document WHEN EXISTS (SELECT 1 FROM batch_document AS d JOIN batch AS b "
        "ON b.id = d.batch_pk WHERE d.invoice_id = NEW.invoice_id AND b.state <> 'rejete') "
        "BEGIN SELECT RAISE(ABORT, 'cocon: document already in a batch'); END"),
}


def upgrade() -> None:
    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.String(length=36), nullable=False),
    sa.Column('network', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_name', sa.String(length=120), nullable=False),
    sa.Column('zip', sa.LargeBinary(), nullable=False),
    sa.Column('zip_sha256', sa.String(length=64), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.Column('total_cents', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('receipt_id', sa.String(length=100), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch')),
    sa.UniqueConstraint('batch_id', name=op.f('uq_batch_batch_id'))
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_network'), ['network'], unique=False)
        batch_op.create_index(batch_op.f('ix_batch_state'), ['state'], unique=False)

    op.create_table('network_credential',
    sa.Column('network', sa.String(length=8), nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('network', name=op.f('pk_network_credential'))
    )
    op.create_table('batch_document',
    sa.Column('batch_pk', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_pk'], ['batch.id'], name=op.f('fk_batch_document_batch_pk_batch'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_batch_document_invoice_id_invoice'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('batch_pk', 'invoice_id', name=op.f('pk_batch_document'))
    )
    with op.batch_alter_table('batch_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_document_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_pk', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['batch_pk'], ['batch.id'], name=op.f('fk_outbox_batch_pk_batch'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('batch_pk', name=op.f('uq_outbox_batch_pk'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)

    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_next_attempt_at'))

    op.drop_table('outbox')
    with op.batch_alter_table('batch_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_document_invoice_id'))

    op.drop_table('batch_document')
    op.drop_table('network_credential')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_state'))
        batch_op.drop_index(batch_op.f('ix_batch_network'))

    op.drop_table('batch')
