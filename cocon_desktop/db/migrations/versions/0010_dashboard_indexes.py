"""Covering indexes for the dashboard's action list: the séances counted against each running prescription
(not hors forfait, not a bilan) are read from ix_seance_forfait alone, one short range per prescription in index
order, instead of every séance of those days grouped through a temporary B-tree (2,000 prescriptions, 50,000
séances on a dense practice); each invoice's paid sum (overdue invoices, the unpaid list) from
ix_payment_invoice_amount without reading the payment rows. docs/performance.md gives the figures.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 11:00:00
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seance") as batch:
        batch.create_index("ix_seance_forfait", ["prescription_id", "out_of_forfait", "kind"])
    with op.batch_alter_table("payment") as batch:
        batch.create_index("ix_payment_invoice_amount", ["invoice_id", "amount_cents"])


def downgrade() -> None:
    with op.batch_alter_table("payment") as batch:
        batch.drop_index("ix_payment_invoice_amount")
    with op.batch_alter_table("seance") as batch:
        batch.drop_index("ix_seance_forfait")
