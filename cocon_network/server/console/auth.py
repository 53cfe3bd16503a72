"""Who is signed in, and what they may open: `require_role` turns a page function into a Starlette endpoint.

    @require_role(ROLE_COORDINATOR)              # the administrator passes every check; () = any signed-in user
    def inbox(page: Page) -> Response:
        rows = page.db.scalars(...)              # one transaction per request, committed after the function
        return page.render("inbox.html", {"rows": rows})

The page function runs in a worker thread (synchronous SQLAlchemy never blocks the event loop). Before it: the
session cookie is looked up (none, expired → 303 to the login page, which says so), the role is checked (→ 403,
a French page), and for a POST the form is read and its CSRF token compared with the session's (→ 403)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from cocon_network.server import audit
from cocon_network.server.config import Settings
from cocon_network.server.console import csrf, sessions
from cocon_network.server.console.nav import allowed
from cocon_network.server.console.templating import render, set_flash
from cocon_network.server.models import ConsoleUser

LOGIN_PATH = "/console/connexion"
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass
class Page:
    """What a page function gets: the request, its database session (in a transaction), the signed-in user, and
    for a POST the form (already CSRF-checked)."""

    request: Request
    db: Session
    user: ConsoleUser
    form: FormData | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        settings: Settings = self.request.app.state.server.settings
        return settings

    def render(self, template: str, context: dict[str, Any] | None = None, *,
               status_code: int = 200) -> HTMLResponse:
        return render(self.request, template, context, status_code=status_code)

    def redirect(self, url: str, message: str = "") -> RedirectResponse:
        """303 to `url` (after a POST), with a message shown on the next page."""
        response = RedirectResponse(url, status_code=303)
        if message:
            set_flash(response, message, secure=self.settings.secure_cookies)
        return response

    def audit(self, action: str, target: str, detail: dict[str, Any] | str | None = None) -> None:
        audit.record(self.db, self.user.id, action, target, detail)

    def field(self, name: str, default: str = "") -> str:
        """A text field of the form, stripped ("" when absent or a file)."""
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else default

    def upload(self, name: str) -> UploadFile | None:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, UploadFile) and value.filename else None

    def query(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default).strip()


PageFunction = Callable[[Page], Response]


def forbidden(request: Request, message: str) -> HTMLResponse:
    return render(request, "error.html", {"title": "Accès refusé", "message": message}, status_code=403)


def not_found(request: Request, message: str = "Cette page n'existe pas.") -> HTMLResponse:
    return render(request, "error.html", {"title": "Introuvable", "message": message}, status_code=404)


def _login_redirect(request: Request, expired: bool) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    suffix = "&expiree=1" if expired else ""
    response = RedirectResponse(f"{LOGIN_PATH}?suite={quote(target, safe='')}{suffix}", status_code=303)
    if expired:
        sessions.clear_cookie(response, secure=request.app.state.server.settings.secure_cookies)
    return response


def _run(request: Request, roles: tuple[str, ...], function: PageFunction | None, form: FormData | None) -> Response:
    state = request.app.state.server
    factory: sessionmaker[Session] = state.sessions
    with factory() as db, db.begin():
        found = sessions.find_session(db, request.cookies.get(sessions.COOKIE), state.settings.session_minutes)
        if found.user is None or found.session is None:
            db.commit()  # the expired session's row goes
            return _login_redirect(request, found.expired)
        request.state.user = found.user
        request.state.csrf_token = found.session.csrf_token
        if not allowed(roles, found.user.role):
            return forbidden(request, "Votre rôle ne donne pas accès à cette page.")
        if function is None:  # the check before a POST's body is read
            return Response(status_code=204)
        if request.method == "POST" and not csrf.same(found.session.csrf_token, form.get(csrf.FIELD) if form else None):
            return forbidden(request, "Le formulaire a expiré ou ne vient pas de la console : rechargez la page et "
                                      "recommencez.")
        response = function(Page(request, db, found.user, form))
    return response


def require_role(*roles: str) -> Callable[[PageFunction], Endpoint]:
    """The decorator of every console page (see the module's docstring)."""

    def decorate(function: PageFunction) -> Endpoint:
        @functools.wraps(function)
        async def endpoint(request: Request) -> Response:
            form = None
            if request.method == "POST":
                # Signed in and allowed before the body is read: nobody unknown makes the server parse an upload.
                checked = await run_in_threadpool(_run, request, roles, None, None)
                if checked.status_code != 204:
                    return checked
                form = await request.form(max_files=4, max_fields=2000, max_part_size=4 * 1024 * 1024)
            return await run_in_threadpool(_run, request, roles, function, form)

        return endpoint

    return decorate
