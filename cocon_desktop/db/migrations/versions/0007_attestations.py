"""Attestations issued to the families (immutable: triggers refuse UPDATE and DELETE) and the image of the
therapist's handwritten signature.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attestation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('seance_count', sa.Integer(), nullable=False),
    sa.Column('signed_pades', sa.Boolean(), nullable=False),
    sa.Column('signature_image', sa.Boolean(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_attestation_child_id_child'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attestation')),
    sa.UniqueConstraint('number', name=op.f('uq_attestation_number')),
    sa.UniqueConstraint('year', 'sequence', name=op.f('uq_attestation_year')),
    )
    with op.batch_alter_table('attestation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attestation_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attestation_issue_date'), ['issue_date'], unique=False)

    op.create_table('signature_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=20), nullable=False),
    sa.Column('width_px', sa.Integer(), nullable=False),
    sa.Column('height_px', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_signature_image_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature_image')),
    )
    for action in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER attestation_no_{action.lower()} BEFORE {action} ON attestation "
                   "BEGIN SELECT RAISE(ABORT, 'cocon: issued documents are immutable'); END")


def downgrade() -> None:
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS attestation_no_{action}")
    op.drop_table('signature_image')
    with op.batch_alter_table('attestation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attestation_issue_date'))
        batch_op.drop_index(batch_op.f('ix_attestation_child_id'))
    op.drop_table('attestation')
