"""Each appointment's calendar UID (RFC 5545 §3.8.4.7), globally unique and stable (issue 20, #6).

The agenda's export (`cocon agenda export`, Agenda › « Exporter le calendrier… ») wrote `cocon-rdv-<id>`: two
practices exported into the same calendar overwrote each other's appointments, and a row's id is not a promise
that outlives a restore. `uid` is a random UUID (uuid4) given once, when the appointment is created, and kept:
the rows already there get theirs here, one each, in the migration's transaction. Unique (an index).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:15:00
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("uid", sa.String(length=64), nullable=False, server_default=""))
    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM appointment ORDER BY id"))]
    for appointment_id in ids:
        connection.execute(sa.text("UPDATE appointment SET uid = :uid WHERE id = :id"),
                           {"uid": str(uuid.uuid4()), "id": appointment_id})
    op.create_index("ix_appointment_uid", "appointment", ["uid"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_appointment_uid", table_name="appointment")
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("uid")
