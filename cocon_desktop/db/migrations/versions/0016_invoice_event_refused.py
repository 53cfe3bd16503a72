"""The invoices a network rejected on their own, found without reading every invoice event (issue 21, #5).

A network's answer may reject single invoices of a batch it received (services/document_decisions.py): each gets
an invoice event `refused` with the network's reason. The Synchronisation page's list of batches and the dashboard
look for them at each reading; without an index they read the whole `invoice_event` table (12,000 rows on the large
demo: 7 and 13 ms). A partial index holds only those rows — a handful — so that finding them costs nothing and
the other events pay nothing to keep it. No data changes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 17:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_invoice_event_refused", "invoice_event", ["invoice_id"],
                    sqlite_where=sa.text("kind = 'refused'"))


def downgrade() -> None:
    op.drop_index("ix_invoice_event_refused", table_name="invoice_event")
