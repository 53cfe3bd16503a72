"""The funder's report kept by month (report_aggregate.py): report_child_month, report_month, report_month_total,
filled from the acts already there.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_child_month",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("inclusion_number", sa.String(length=40), nullable=False),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("discipline", sa.String(length=40), nullable=False),
        sa.Column("invoiced", sa.Boolean(), nullable=False),
        sa.Column("seances", sa.Integer(), nullable=False),
        sa.Column("bilans", sa.Integer(), nullable=False),
        sa.Column("acts", sa.Integer(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "inclusion_number", "departement", "discipline"),
    )
    op.create_index("ix_report_child_month_child", "report_child_month", ["inclusion_number", "month"],
                    unique=False)
    op.create_table(
        "report_month",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("departement", sa.String(length=3), nullable=False),
        sa.Column("discipline", sa.String(length=40), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("seances", sa.Integer(), nullable=False),
        sa.Column("bilans", sa.Integer(), nullable=False),
        sa.Column("acts", sa.Integer(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "departement", "discipline"),
    )
    op.create_table(
        "report_month_total",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    # a database that already holds acts gets its aggregate now (an empty one: nothing to do)
    from cocon_network.server.report_aggregate import rebuild

    with Session(bind=op.get_bind()) as session:
        rebuild(session, days=False)  # report_child_day comes with 0005
        session.flush()


def downgrade() -> None:
    op.drop_table("report_month_total")
    op.drop_table("report_month")
    op.drop_index("ix_report_child_month_child", table_name="report_child_month")
    op.drop_table("report_child_month")
