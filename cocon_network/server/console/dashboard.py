"""The dashboard: what waits for whom (documents to decide, flags on them, invoices to pay) and the activity
charts (séances and amounts per month and per discipline, server-rendered SVG with the figures as tables)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console import activity, charts
from cocon_network.server.console.auth import Page, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.console.templating import discipline, euros

NAV = (NavItem("Tableau de bord", "/console/"),)


def _euros_round(cents: int) -> str:
    return euros(cents).split(",")[0] + "\u00a0€"


def _euros_short(cents: int) -> str:
    """A bar's label: « 15,3 k€ », « 980 € », « 1,2 M€ »."""
    value = cents / 100
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}".replace(".", ",") + "\u00a0M€"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.1f}".replace(".", ",") + "\u00a0k€"
    return f"{value:.0f}\u00a0€"


def _count(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


@require_role()
def dashboard(page: Page) -> Response:
    waiting = activity.waiting(page.db)
    figures = activity.cached_activity(page.db, page.request.app.state.server.engine)
    labels = [activity.short_month(m) for m in figures.months]
    names = [discipline(d[0]) for d in figures.disciplines]
    context = {"waiting": waiting, "figures": figures, "charts": None}
    if figures.months:
        context["charts"] = {
            "sessions": charts.month_bars("seances", "Séances par mois", labels, figures.sessions, _count),
            "amounts": charts.month_bars("montants", "Montants facturés par mois", labels, figures.cents,
                                         _euros_short),
            "disciplines": charts.category_bars("disciplines", "Montants par discipline sur douze mois", names,
                                                [d[2] for d in figures.disciplines], _euros_round),
        }
    return page.render("dashboard.html", context)


def routes() -> list[BaseRoute]:
    return [Route("/console/", dashboard, methods=["GET"])]
