"""The network's schema for part F's tests: the migrations (init_schema) once they exist, else models.py."""

from __future__ import annotations

from sqlalchemy import Engine

from cocon_network.server.db import init_schema
from cocon_network.server.models import Base


def create_schema(engine: Engine) -> None:
    try:
        init_schema(engine)
    except ModuleNotFoundError as error:  # before the migrations land (issue 21, part A)
        if error.name != "cocon_network.server.migrate":
            raise
        Base.metadata.create_all(engine)
