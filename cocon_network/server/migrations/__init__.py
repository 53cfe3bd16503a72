"""The network's database migrations (Alembic), separate from the desktop's: run by cocon_network.server.migrate."""
