"""The funder's report by child and day (report_aggregate.py): report_child_day, what a period cut inside a month
reads for its partial months instead of the acts; filled from the acts already there (and the month rows
recomputed from it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_child_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("inclusion_number", sa.String(length=40), nullable=False),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("discipline", sa.String(length=40), nullable=False),
        sa.Column("invoiced", sa.Boolean(), nullable=False),
        sa.Column("seances", sa.Integer(), nullable=False),
        sa.Column("bilans", sa.Integer(), nullable=False),
        sa.Column("acts", sa.Integer(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "inclusion_number", "departement", "discipline"),
    )
    op.create_index("ix_report_child_day_child", "report_child_day", ["inclusion_number", "day"], unique=False)
    # a database that already holds acts gets its day rows now (an empty one: nothing to do)
    from cocon_network.server.report_aggregate import rebuild

    with Session(bind=op.get_bind()) as session:
        rebuild(session)
        session.flush()


def downgrade() -> None:
    op.drop_index("ix_report_child_day_child", table_name="report_child_day")
    op.drop_table("report_child_day")
