"""A batch's verification state (issue 21, part G: the two-phase reception): « en_cours » between the receipt and
the full verification of its PDFs, « verifie », « echec ». Batches already there were verified before their
receipt: « verifie ».

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch") as batch:
        batch.add_column(sa.Column("verification", sa.String(length=10), server_default="verifie",
                                   nullable=False))
        batch.create_index("ix_batch_verification", ["verification"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("batch") as batch:
        batch.drop_index("ix_batch_verification")
        batch.drop_column("verification")
