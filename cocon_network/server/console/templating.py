"""Rendering the console's pages: Jinja2 with autoescape, the layout's context (user, menu, CSRF token, message),
and the French formats (amounts, dates) as filters.

    render(request, "inbox.html", {"rows": rows}, status_code=200) -> HTMLResponse

Filters: `euros` (cents → « 1 234,56 € »), `date_fr` (« 07/12/2026 »), `moment_fr` (« 07/12/2026 à 18:02 », Paris
time), `month_fr` (« décembre 2026 »)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from cocon_network.server.console import nav

TEMPLATES = Path(__file__).parent / "templates"
PARIS = ZoneInfo("Europe/Paris")
FLASH_COOKIE = "cocon_message"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
ROLE_LABELS = {"coordinateur": "Coordination", "comptable": "Comptabilité", "administrateur": "Administration"}


def euros(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "−" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}\u00a0€"


def euros_decimal(value: Decimal | None) -> str:
    """A Decimal amount in euros (the Factur-X XML's) → « 1 234,56 € »."""
    if value is None:
        return ""
    return euros(int((value * 100).to_integral_value(ROUND_HALF_EVEN)))


def date_fr(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = moment_paris(value).date()
    return value.strftime("%d/%m/%Y")


def moment_paris(value: datetime) -> datetime:
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(PARIS)


def moment_fr(value: datetime | None) -> str:
    if value is None:
        return ""
    local = moment_paris(value)
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


def month_fr(value: date | str | None) -> str:
    """« décembre 2026 » from a date or « 2026-12 »."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        year, month = value.split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {year}"
    return f"{MONTHS[value.month - 1]} {value.year}"


def discipline(code: str) -> str:
    """« psychomotricite » → « Psychomotricité » (the controls' labels), the code itself when unknown."""
    from cocon_network.server.controls_rules import discipline_label

    return discipline_label(code)


NATURES = {"seance": "Séance", "bilan_initial": "Bilan initial", "bilan": "Bilan", "bilan_final": "Bilan final"}


def nature(code: str) -> str:
    """An act's nature as actes.csv codes it (« bilan_initial ») → « Bilan initial »."""
    return NATURES.get(code, code.replace("_", " ").capitalize())


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(("html", "svg")),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(euros=euros, euros_decimal=euros_decimal, date_fr=date_fr, moment_fr=moment_fr,
                       month_fr=month_fr, discipline=discipline,
                       nature=nature)
    env.globals["role_labels"] = ROLE_LABELS
    return env


ENV = _environment()


def set_flash(response: Response, message: str, *, secure: bool = True) -> None:
    """A message for the next page (after a POST's redirect): « Document rejeté. »"""
    response.set_cookie(FLASH_COOKIE, quote(message[:300]), max_age=60, path="/console", secure=secure,
                        httponly=True, samesite="strict")


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """The page `template` (which extends base.html) with the layout's context of the signed-in user, if any."""
    user = getattr(request.state, "user", None)
    values: dict[str, Any] = {
        "request": request,
        "user": user,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "menu": nav.menu(user.role, request.url.path) if user is not None else [],
        "flash": unquote(request.cookies.get(FLASH_COOKIE, ""))[:300],
    }
    values.update(context or {})
    body = ENV.get_template(template).render(values)
    response = HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
    if values["flash"]:
        response.delete_cookie(FLASH_COOKIE, path="/console", httponly=True, samesite="strict")
    return response


# The console serves no script and embeds only its own PDFs: a strict policy costs nothing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; object-src 'self'; frame-src 'self'; "
                               "frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
