"""The ASGI application: the sync protocol's API (api.py) and the console (console/), on one database.

Starlette was chosen over FastAPI and Litestar: the protocol is a few routes with bytes in and JSON out (no
request models to validate), the console is server-rendered HTML with forms; Starlette gives routing, forms,
Jinja2 templates, static files and a test client with nothing else to learn, and FastAPI is Starlette plus a
validation layer this server would not use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from cocon_network.server.config import Settings
from cocon_network.server.db import make_engine, session_factory


@dataclass
class ServerState:
    """What every request handler reaches through `request.app.state.server`."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def create_app(settings: Settings, *, engine: Engine | None = None) -> Starlette:
    engine = engine or make_engine(settings.database_url)
    state = ServerState(settings=settings, engine=engine, sessions=session_factory(engine))
    routes: list[BaseRoute] = []
    from cocon_network.server import api

    routes += api.routes()
    try:
        from cocon_network.server.console import routes as console_routes
    except ImportError:  # the console is built beside the API (issue 21, #5)
        pass
    else:
        routes += console_routes.routes()
    app = Starlette(routes=routes, lifespan=api.lifespan)
    app.state.server = state
    return app
