"""Alembic environment: the already-keyed connection comes from migrate.py; no URL, no secret."""

from alembic import context

from cocon_desktop.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Migrations run through cocon_desktop.db.migrate, with an open encrypted connection.")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
