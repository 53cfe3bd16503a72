"""The practitioner's civility (« Mme », « M. », or "" while not given), so that what the program writes in their
name is agreed: « Je soussignée … psychomotricienne » on the attestations instead of « Je soussigné(e) …
psychomotricien·ne » (issue 18). Asked in Paramètres › Cabinet and in the first-run wizard; "" for the practices
created before, until the practitioner gives it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 13:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practice") as batch:
        batch.add_column(sa.Column("civility", sa.String(length=4), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("practice") as batch:
        batch.drop_column("civility")
