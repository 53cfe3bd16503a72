"""The PKCS#11 token's label for a signing identity held on a token (a CPS card, a USB token).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signing_identity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pkcs11_token_label', sa.String(length=100), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('signing_identity', schema=None) as batch_op:
        batch_op.drop_column('pkcs11_token_label')
