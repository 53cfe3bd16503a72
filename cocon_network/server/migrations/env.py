"""Alembic environment of the network's database: the connection comes from migrate.py; no URL, no secret."""

from alembic import context

from cocon_network.server.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Les migrations passent par cocon_network.server.migrate (cocon-network migrate).")

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
