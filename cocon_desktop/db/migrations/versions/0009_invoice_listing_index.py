"""Covering indexes for the lists of issued documents (Documents émis, Impayés): their pages are read in
(issue_date, id) order from ix_invoice_listing alone, without touching the invoice rows, whose PDF is stored
inline (one SQLCipher page decrypted per invoice otherwise); ix_invoice_corrects gives each invoice's credit
notes (their sum) without scanning them all; ix_seance_billing and ix_invoice_line_seance serve the dashboard's
aggregates (séances per month, séances still to invoice, forfait use). docs/performance.md gives the figures.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

COLUMNS = ["issue_date", "id", "number", "kind", "due_date", "network", "total_cents", "corrects_id"]


def upgrade() -> None:
    with op.batch_alter_table("invoice") as batch:
        batch.create_index("ix_invoice_listing", COLUMNS)
        batch.create_index("ix_invoice_corrects", ["corrects_id", "kind", "total_cents"])
    with op.batch_alter_table("seance") as batch:
        batch.create_index("ix_seance_billing", ["day", "kind", "out_of_forfait", "prescription_id", "child_id"])
    with op.batch_alter_table("invoice_line") as batch:
        batch.create_index("ix_invoice_line_seance", ["seance_id", "credited_line_id"])


def downgrade() -> None:
    with op.batch_alter_table("invoice_line") as batch:
        batch.drop_index("ix_invoice_line_seance")
    with op.batch_alter_table("seance") as batch:
        batch.drop_index("ix_seance_billing")
    with op.batch_alter_table("invoice") as batch:
        batch.drop_index("ix_invoice_corrects")
        batch.drop_index("ix_invoice_listing")
