"""An exported batch gets a state of its own: `exporte` (« Exporté (à remettre au réseau) »), no longer `envoye`,
which read « Envoyé » as if the network had been reached (issue 18). Every batch an export turned `envoye` and
that the network never acknowledged (no receipt: still `envoye`) becomes `exporte`; before this revision nothing
but an export wrote `envoye`. Its outbox entry, not delivered, loses the error of an earlier sending (« Aucune
adresse de réception… »): the export replaced that sending, as services/batches.export_batch now does. A data
migration only: no table or column changes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:00:00
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE outbox SET last_error = '' WHERE delivered_at IS NULL AND batch_pk IN "
               "(SELECT id FROM batch WHERE state = 'envoye' AND exported_at IS NOT NULL)")
    op.execute("UPDATE batch SET state = 'exporte' WHERE state = 'envoye' AND exported_at IS NOT NULL")


def downgrade() -> None:
    op.execute("UPDATE batch SET state = 'envoye' WHERE state = 'exporte'")
