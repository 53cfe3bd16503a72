"""The console's sign-in, sessions, roles and CSRF, through HTTP on a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pyotp
import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from cocon_network.server.db import session_factory, transaction
from cocon_network.server.models import AuditEntry, ConsoleSession, ConsoleUser
from tests.network.console_support import add_user, app_for, csrf_of, login, schema


@pytest.fixture
def engine(postgres_url: str):  # type: ignore[no-untyped-def]
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture
def client(engine, postgres_url: str):  # type: ignore[no-untyped-def]
    with TestClient(app_for(engine, postgres_url), base_url="http://127.0.0.1") as client:
        yield client


def test_login_opens_a_session_and_logout_closes_it(engine, client) -> None:  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    assert client.get("/console/", follow_redirects=False).headers["location"].startswith("/console/connexion")
    answer = login(client, "claire")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    page = client.get("/console/")
    assert page.status_code == 200 and "Tableau de bord" in page.text and "Claire" in page.text
    again = client.get("/console/connexion?suite=/console/lots", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/console/lots"  # already signed in
    with transaction(session_factory(engine)) as db:
        stored = db.scalars(select(ConsoleSession)).one()
        token = client.cookies.get("cocon_console")
        assert token and stored.token_sha256 != token and len(stored.token_sha256) == 64
    out = client.post("/console/deconnexion", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    with transaction(session_factory(engine)) as db:
        assert db.scalars(select(ConsoleSession)).first() is None
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_secure_cookie_by_default(engine, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    with TestClient(app_for(engine, postgres_url, secure_cookies=True), base_url="https://127.0.0.1") as client:
        answer = login(client, "claire")
        assert answer.status_code == 303 and "Secure" in answer.headers["set-cookie"]


def test_wrong_password_then_throttle(engine, client) -> None:  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    answer = login(client, "claire", "mauvais mot de passe")
    assert answer.status_code == 400 and "Identifiant ou mot de passe incorrect." in answer.text
    assert 'id="password-erreur"' in answer.text
    assert login(client, "personne", "mauvais").status_code == 400
    for _ in range(4):
        login(client, "claire", "mauvais mot de passe")
    blocked = login(client, "claire")  # the right password, but the account waits
    assert blocked.status_code == 400 and "Trop d'essais infructueux pour ce compte" in unescape(blocked.text)
    with transaction(session_factory(engine)) as db:
        user = db.scalars(select(ConsoleUser)).one()
        assert user.failed_logins == 5 and user.blocked_until is not None
        assert db.scalars(select(AuditEntry.action).where(AuditEntry.action == "login_blocked")).all()
        db.execute(update(ConsoleUser).values(blocked_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert login(client, "claire").status_code == 303


def test_totp_required_and_single_use(engine, client) -> None:  # type: ignore[no-untyped-def]
    secret = pyotp.random_base32()
    add_user(engine, "alain", "administrateur", totp_secret=secret)
    missing = login(client, "alain")
    assert missing.status_code == 400 and "code à six chiffres" in missing.text and 'id="code-erreur"' in missing.text
    assert login(client, "alain", code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
                 ).status_code == 400
    code = pyotp.TOTP(secret).now()
    assert login(client, "alain", code=code).status_code == 303
    client.cookies.clear()
    replay = login(client, "alain", code=code)
    assert replay.status_code == 400 and "déjà utilisé" in replay.text


def test_session_expires_after_idleness(engine, client) -> None:  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    assert login(client, "claire").status_code == 303
    assert client.get("/console/").status_code == 200
    with transaction(session_factory(engine)) as db:
        db.execute(update(ConsoleSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31)))
    answer = client.get("/console/", follow_redirects=False)
    assert answer.status_code == 303 and "expiree=1" in answer.headers["location"]
    assert "Votre session a expiré" in client.get(answer.headers["location"]).text
    with transaction(session_factory(engine)) as db:
        assert db.scalars(select(ConsoleSession)).first() is None


def test_session_has_an_absolute_maximum(engine, client) -> None:  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    login(client, "claire")
    with transaction(session_factory(engine)) as db:
        db.execute(update(ConsoleSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/console/", follow_redirects=False).status_code == 303


def test_login_form_refused_without_its_token(engine, client) -> None:  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    client.get("/console/connexion")
    answer = client.post("/console/connexion", data={"csrf": "x" * 43, "login": "claire", "password": "p"})
    assert answer.status_code == 403 and "Le formulaire de connexion a expiré" in answer.text


def test_post_without_csrf_refused(engine, client) -> None:  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    login(client, "claire")
    answer = client.post("/console/deconnexion", data={"csrf": "faux"})
    assert answer.status_code == 403 and "Le formulaire a expiré" in answer.text
    assert client.get("/console/").status_code == 200  # still signed in


def test_open_redirect_refused(engine, client) -> None:  # type: ignore[no-untyped-def]
    add_user(engine, "claire", "coordinateur")
    page = client.get("/console/connexion")
    answer = client.post("/console/connexion", data={"csrf": csrf_of(page.text), "login": "claire",
                                                     "password": "correct horse battery staple",
                                                     "suite": "https://ailleurs.example/"}, follow_redirects=False)
    assert answer.headers["location"] == "/console/"
