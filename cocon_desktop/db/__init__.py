"""The encrypted database: engine (SQLCipher), migrations (Alembic). SQLite-only SQL stays here."""
