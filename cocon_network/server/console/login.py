"""Signing in and out: login + password (Argon2id) + the TOTP code when the user turned it on; a throttle after
failed attempts (per user in the database, so that every worker sees it; per address in memory)."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from cocon_network.server import audit
from cocon_network.server.console import csrf, passwords, sessions, totp
from cocon_network.server.console.auth import LOGIN_PATH, forbidden
from cocon_network.server.console.templating import render
from cocon_network.server.models import ConsoleUser

FREE_FAILURES = 5  # consecutive failures before the account waits
MAX_WAIT = timedelta(minutes=30)
ADDRESS_FAILURES = 30  # failures from one address within ADDRESS_WINDOW seconds before it waits
ADDRESS_WINDOW = 15 * 60
HOME = "/console/"

_by_address: dict[str, deque[float]] = {}


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def wait_after(failures: int) -> timedelta:
    """How long an account waits after `failures` consecutive failures: 1 min at the 5th, doubling, 30 min at most."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(MAX_WAIT, timedelta(minutes=2 ** (failures - FREE_FAILURES)))


@dataclass(frozen=True)
class Outcome:
    user: ConsoleUser | None
    message: str = ""
    field: str = ""  # the field the message belongs next to


def _address_blocked(address: str) -> bool:
    now = time.monotonic()
    recent = _by_address.setdefault(address, deque())
    while recent and recent[0] < now - ADDRESS_WINDOW:
        recent.popleft()
    return len(recent) >= ADDRESS_FAILURES


def _address_failed(address: str) -> None:
    if len(_by_address) > 10_000:  # many addresses: forget those with no recent failure
        limit = time.monotonic() - ADDRESS_WINDOW
        for key in [k for k, v in _by_address.items() if not v or v[-1] < limit]:
            del _by_address[key]
    _by_address.setdefault(address, deque()).append(time.monotonic())


def authenticate(db: Session, login: str, password: str, code: str, address: str = "") -> Outcome:
    """Check one attempt; counts failures, blocks, and records blocks and sign-ins in the audit log."""
    wrong = Outcome(None, "Identifiant ou mot de passe incorrect.", "password")
    if _address_blocked(address):
        return Outcome(None, "Trop d'essais infructueux depuis cet appareil : réessayez dans un quart d'heure.")
    user = db.scalar(select(ConsoleUser).where(ConsoleUser.login == login).with_for_update())
    if user is None or not user.active:
        passwords.burn_time(password)
        _address_failed(address)
        return wrong
    now = datetime.now(UTC)
    if user.blocked_until is not None and _utc(user.blocked_until) > now:
        local = render_time(user.blocked_until)
        return Outcome(None, f"Trop d'essais infructueux pour ce compte : réessayez après {local}.")
    if not passwords.verify_password(user.password_hash, password):
        return _failed(db, user, now, address, wrong)
    if user.totp_secret:
        if not code.strip():
            return Outcome(None, "Saisissez le code à six chiffres de votre application d'authentification.", "code")
        counter = totp.accepted_counter(user.totp_secret, code, user.totp_last_counter)
        if counter is None:
            return _failed(db, user, now, address,
                           Outcome(None, "Code incorrect ou déjà utilisé : saisissez le code affiché maintenant.",
                                   "code"))
        user.totp_last_counter = counter
    user.failed_logins, user.blocked_until = 0, None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    audit.record(db, user.id, "login", f"utilisateur {user.login}")
    return Outcome(user)


def _failed(db: Session, user: ConsoleUser, now: datetime, address: str, outcome: Outcome) -> Outcome:
    _address_failed(address)
    user.failed_logins += 1
    wait = wait_after(user.failed_logins)
    if wait:
        user.blocked_until = now + wait
        audit.record(db, user.id, "login_blocked", f"utilisateur {user.login}",
                     {"failures": user.failed_logins, "minutes": int(wait.total_seconds() // 60)})
    return outcome


def render_time(moment: datetime) -> str:
    from cocon_network.server.console.templating import moment_paris

    return f"{moment_paris(moment):%H:%M}"


def _safe_next(target: str) -> str:
    """Only a console path (never another site: no open redirect)."""
    if target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def _login_page(request: Request, token: str, *, message: str = "", field: str = "", login: str = "",
                status_code: int = 200) -> Response:
    expired = request.query_params.get("expiree") == "1"
    response = render(request, "login.html", {
        "prelogin": token, "message": message, "field": field, "login": login, "expired": expired and not message,
        "suite": _safe_next(request.query_params.get("suite", HOME)),
    }, status_code=status_code)
    csrf.set_prelogin(response, token, secure=request.app.state.server.settings.secure_cookies)
    return response


def _signed_in(request: Request) -> bool:
    state = request.app.state.server
    with state.sessions() as db, db.begin():
        found = sessions.find_session(db, request.cookies.get(sessions.COOKIE), state.settings.session_minutes)
        return found.user is not None


async def login_page(request: Request) -> Response:
    if request.method == "GET":
        if request.cookies.get(sessions.COOKIE):
            signed_in: bool = await run_in_threadpool(_signed_in, request)
            if signed_in:
                return RedirectResponse(_safe_next(request.query_params.get("suite", HOME)), status_code=303)
        return _login_page(request, csrf.prelogin_token(request))
    form = await request.form(max_files=0, max_fields=20)
    cookie = request.cookies.get(csrf.PRELOGIN_COOKIE, "")
    if not csrf.same(cookie, form.get(csrf.FIELD)):
        return forbidden(request, "Le formulaire de connexion a expiré : rechargez la page et recommencez.")
    login = str(form.get("login", "")).strip()
    password = str(form.get("password", ""))
    code = str(form.get("code", ""))
    if not login or not password:
        field = "login" if not login else "password"
        text = "Saisissez votre identifiant." if not login else "Saisissez votre mot de passe."
        return _login_page(request, cookie, message=text, field=field, login=login, status_code=400)
    state = request.app.state.server
    address = request.client.host if request.client else ""

    def attempt() -> Response:
        with state.sessions() as db, db.begin():
            outcome = authenticate(db, login, password, code, address)
            if outcome.user is None:
                db.commit()
                return _login_page(request, cookie, message=outcome.message, field=outcome.field, login=login,
                                   status_code=400)
            token, _row = sessions.open_session(db, outcome.user)
            sessions.purge_expired(db, state.settings.session_minutes)
        response = RedirectResponse(_safe_next(str(form.get("suite", HOME))), status_code=303)
        sessions.set_cookie(response, token, secure=state.settings.secure_cookies)
        response.delete_cookie(csrf.PRELOGIN_COOKIE, path="/console")
        return response

    return await run_in_threadpool(attempt)


async def logout(request: Request) -> Response:
    state = request.app.state.server
    form = await request.form(max_files=0, max_fields=20)
    token = request.cookies.get(sessions.COOKIE)

    def close() -> Response:
        with state.sessions() as db, db.begin():
            found = sessions.find_session(db, token, state.settings.session_minutes)
            if found.session is None:
                return RedirectResponse(LOGIN_PATH, status_code=303)
            if not csrf.same(found.session.csrf_token, form.get(csrf.FIELD)):
                request.state.user, request.state.csrf_token = found.user, found.session.csrf_token
                return forbidden(request, "Le formulaire a expiré : rechargez la page et recommencez.")
            sessions.close_session(db, token)
        response = RedirectResponse(LOGIN_PATH + "?sortie=1", status_code=303)
        sessions.clear_cookie(response, secure=state.settings.secure_cookies)
        return response

    return await run_in_threadpool(close)


def routes() -> list[BaseRoute]:
    return [Route(LOGIN_PATH, login_page, methods=["GET", "POST"]),
            Route("/console/deconnexion", logout, methods=["POST"])]
