"""CSRF protection: every POST carries the session's token in a hidden field (`csrf`), compared in constant time.
Before login there is no session: the login form's token is a random cookie of its own, repeated in the form
(double submit; the cookie is SameSite=Strict and HttpOnly)."""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

FIELD = "csrf"
PRELOGIN_COOKIE = "cocon_prelogin"


def same(expected: str, given: object) -> bool:
    return isinstance(given, str) and bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def prelogin_token(request: Request) -> str:
    """The login form's token: the cookie's when there is one, a new one otherwise (set it with `set_prelogin`)."""
    token = request.cookies.get(PRELOGIN_COOKIE, "")
    return token if 20 <= len(token) <= 100 else secrets.token_urlsafe(32)


def set_prelogin(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(PRELOGIN_COOKIE, token, max_age=3600, path="/console", secure=secure, httponly=True,
                        samesite="strict")
