"""Use cases. Each write is one transaction; results are frozen dataclasses, never ORM rows."""
