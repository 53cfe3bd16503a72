"""Helpers of the console's tests: a schema on the test's PostgreSQL database, console users, the ASGI app and a
signed-in TestClient."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from cocon_network.server.config import Settings
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.models import Base, ConsoleUser

PASSWORD = "correct horse battery staple"


def schema(url: str) -> Engine:
    """The engine of `url` with every table (the migration when it is complete, models.py otherwise)."""
    engine = make_engine(url)
    try:
        from cocon_network.server.db import init_schema

        init_schema(engine)
        from sqlalchemy import inspect

        columns = {c["name"] for c in inspect(engine).get_columns("console_user")}
        if "blocked_until" not in columns:
            raise RuntimeError("migration without the console's columns yet")
    except Exception:  # part A's migration not landed (or not yet folding models.py)
        engine.dispose()
        engine = make_engine(url)
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
    return engine


def add_user(engine: Engine, login: str, role: str, *, password: str = PASSWORD, totp_secret: str = "") -> int:
    from cocon_network.server.console.passwords import hash_password

    with transaction(session_factory(engine)) as db:
        user = ConsoleUser(login=login, display_name=login.capitalize(), role=role,
                           password_hash=hash_password(password), totp_secret=totp_secret)
        db.add(user)
        db.flush()
        return user.id


def app_for(engine: Engine, url: str, **settings: Any) -> Starlette:
    values: dict[str, Any] = {"database_url": url, "secure_cookies": False}
    values.update(settings)
    try:
        from cocon_network.server.app import create_app

        return create_app(Settings(**values), engine=engine)
    except ImportError:  # the API (part A) not landed yet: the console alone
        from cocon_network.server.app import ServerState
        from cocon_network.server.console import routes

        app = Starlette(routes=routes.routes())
        app.state.server = ServerState(settings=Settings(**values), engine=engine, sessions=session_factory(engine))
        return app


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(client: TestClient, login: str, password: str = PASSWORD, code: str = "") -> Any:
    page = client.get("/console/connexion")
    return client.post("/console/connexion", data={"csrf": csrf_of(page.text), "login": login,
                                                  "password": password, "code": code, "suite": "/console/"},
                       follow_redirects=False)
