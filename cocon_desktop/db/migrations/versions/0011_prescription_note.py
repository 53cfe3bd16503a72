"""A prescription's free note (kept out of the audit log, like a séance's) and the reason given when it grants
more séances than the network's forfait (domain/prescription.py: above the forfait a reason is asked, above twice
the forfait the prescription is refused).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 13:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prescription") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("over_forfait_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("prescription") as batch:
        batch.drop_column("over_forfait_reason")
        batch.drop_column("note")
