"""Helpers of the console's tests: a schema on the test's PostgreSQL database, console users, the ASGI app and a
signed-in TestClient."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from cocon_network.server.app import create_app
from cocon_network.server.config import Settings
from cocon_network.server.db import init_schema, make_engine, session_factory, transaction
from cocon_network.server.models import ConsoleUser

PASSWORD = "correct horse battery staple"


def schema(url: str) -> Engine:
    """The engine of `url`, migrated to the newest schema (the network's Alembic migrations)."""
    engine = make_engine(url)
    init_schema(engine)
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
    """The server's ASGI app (API and console) on `engine`, cookies without Secure (http://127.0.0.1)."""
    values: dict[str, Any] = {"database_url": url, "secure_cookies": False}
    values.update(settings)
    return create_app(Settings(**values), engine=engine)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(client: TestClient, login: str, password: str = PASSWORD, code: str = "") -> Any:
    """Sign `login` in (whoever was signed in on this client before: their cookie is dropped first, as a new
    browser would, since the login page sends a signed-in user on)."""
    client.cookies.pop("cocon_console", None)
    page = client.get("/console/connexion")
    return client.post("/console/connexion", data={"csrf": csrf_of(page.text), "login": login,
                                                  "password": password, "code": code, "suite": "/console/"},
                       follow_redirects=False)
