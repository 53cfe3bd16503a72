"""The dashboard: what waits for whom (batches to handle, documents to decide, invoices to pay, flags), and the
activity charts (séances and amounts per month and per discipline, server-rendered SVG)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console.auth import Page, require_role
from cocon_network.server.console.nav import NavItem

NAV = (NavItem("Tableau de bord", "/console/"),)


@require_role()
def dashboard(page: Page) -> Response:
    return page.render("dashboard.html", {})


def routes() -> list[BaseRoute]:
    return [Route("/console/", dashboard, methods=["GET"])]
