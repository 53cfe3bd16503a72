"""A batch's file stored without PostgreSQL's compression attempt (issue 21, part G2): a batch is a ZIP of signed
PDFs, already compressed, so pglz only spent CPU on every 9 MB upload to find that it could not shrink it
(`SET STORAGE EXTERNAL`: still moved out of line, in TOAST chunks, never compressed). Rows already stored keep
their form; SQLite has no such setting.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE batch ALTER COLUMN data SET STORAGE {kind}")


def upgrade() -> None:
    _storage("EXTERNAL")


def downgrade() -> None:
    _storage("EXTENDED")
