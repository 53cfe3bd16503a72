"""Pathways as data (issue 22): the configured payers, a child's enrolments in other pathways, the pathway and
payer of a prescription, and the forfait an invoice line pays when it pays a milestone rather than a séance.

- `payer`: one row per payer typed in Paramètres for a pathway whose payers are configured (PCO-TND: one per
  plateforme, codes PCO1, PCO2…). A code is never deleted nor given again: invoices keep it.
- `enrolment`: a child's enrolment in a pathway other than COCON (from which day, with which payer, under which
  dossier number). The COCON enrolment stays in the child's row: no data moves.
- `prescription.pathway` ('cocon' for every row already there) and `prescription.payer` ('': the child's COCON
  network, read at query time as before).
- `invoice_line.prescription_id` (NULL for every line already there): the forfait a milestone line pays.

Nothing is renamed or rebuilt: every addition is nullable or has a constant default, so SQLite is given plain
`ALTER TABLE … ADD COLUMN` (no table copy), and the triggers on `invoice_line` and `prescription`'s neighbours
stay as they are (db/triggers.EXPECTED_TRIGGERS is unchanged; `invoice_line_no_update` refuses any update, the
new column's included). The new column's foreign key is written into the ADD COLUMN itself (SQLite accepts a
named REFERENCES clause there when the default is NULL; Alembic's batch `create_foreign_key` would copy the table
and lose its triggers). SQLAlchemy's reflection of SQLite reads only table-level FOREIGN KEY clauses for a key's
name and ON DELETE: a later migration that copies `invoice_line` (batch mode) must declare this key again
(`fk_invoice_line_prescription_id_prescription`, ON DELETE RESTRICT) or the copy keeps it unnamed, NO ACTION.

The downgrade cannot drop that column in place (SQLite refuses to drop a column a foreign key uses), so it copies
`invoice_line` (Alembic's batch mode): the triggers on that table, and those on `seance` whose body reads it
(SQLite checks them when the copy takes the table's name), are set aside first and made again afterwards with
their exact SQL.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 21:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payer",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("pathway", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=300), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_payer")),
    )
    op.create_table(
        "enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("pathway", sa.String(length=20), nullable=False),
        sa.Column("payer", sa.String(length=8), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"], name=op.f("fk_enrolment_child_id_child"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment")),
    )
    op.create_index(op.f("ix_enrolment_child_id"), "enrolment", ["child_id"], unique=False)
    op.create_index(op.f("ix_enrolment_started_on"), "enrolment", ["started_on"], unique=False)

    with op.batch_alter_table("prescription", recreate="auto") as batch:
        batch.add_column(sa.Column("pathway", sa.String(length=20), nullable=False, server_default="cocon"))
        batch.add_column(sa.Column("payer", sa.String(length=8), nullable=False, server_default=""))
    op.execute("ALTER TABLE invoice_line ADD COLUMN prescription_id INTEGER "
               "CONSTRAINT fk_invoice_line_prescription_id_prescription REFERENCES prescription (id) "
               "ON DELETE RESTRICT")
    op.create_index(op.f("ix_invoice_line_prescription_id"), "invoice_line", ["prescription_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_invoice_line_prescription_id"), table_name="invoice_line")
    connection = op.get_bind()
    kept = connection.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (tbl_name = 'invoice_line' "
        "OR sql LIKE '%invoice_line%') ORDER BY name")).all()
    for name, _ in kept:
        op.execute(f'DROP TRIGGER "{name}"')
    with op.batch_alter_table("invoice_line", recreate="always") as batch:
        batch.drop_column("prescription_id")
    for _, sql in kept:
        op.execute(sql)
    with op.batch_alter_table("prescription", recreate="auto") as batch:
        batch.drop_column("payer")
        batch.drop_column("pathway")
    op.drop_index(op.f("ix_enrolment_started_on"), table_name="enrolment")
    op.drop_index(op.f("ix_enrolment_child_id"), table_name="enrolment")
    op.drop_table("enrolment")
    op.drop_table("payer")
