"""The console's routes: every module of PAGE_MODULES (a module of this package) exposes `routes()`, and may declare
`NAV` (its menu items, nav.NavItem). Another part adds its pages by creating `console/<name>.py` and appending
"<name>" to PAGE_MODULES — nothing else to change."""

from __future__ import annotations

import importlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from cocon_network.server.console import nav

PAGE_MODULES: tuple[str, ...] = (
    "login",
    "dashboard",
    "inbox",
    "documents",
    "therapists",
    "conventions_pages",
    "children",
    "payments",
    "controls",
    "reporting",
    "users",
    "audit_pages",
    "account",
)

STATIC = Path(__file__).parent / "static"


async def _home(request: Request) -> Response:
    return RedirectResponse("/console/", status_code=303)


def routes() -> list[BaseRoute]:
    collected: list[BaseRoute] = [
        Route("/", _home, methods=["GET"]),
        Route("/console", _home, methods=["GET"]),
        Mount("/console/static", app=StaticFiles(directory=str(STATIC)), name="console-static"),
    ]
    for name in PAGE_MODULES:
        module = importlib.import_module(f"cocon_network.server.console.{name}")
        collected += module.routes()
        nav.register(tuple(getattr(module, "NAV", ())))
    return collected
