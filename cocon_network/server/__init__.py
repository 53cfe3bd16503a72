"""The network's server (issue 21): receives the practices' batches, checks them across every therapist under
convention, pays them by SEPA credit transfer and answers; a French web console for the coordinator, the
accountant and the administrator. ASGI (Starlette), SQLAlchemy 2 on PostgreSQL (SQLite for a trial).

Layout: models.py (the tables), db.py (engine and sessions), config.py (file + environment), app.py (the ASGI
application), api.py (the sync protocol), console/ (the web console), and one module per capability."""
