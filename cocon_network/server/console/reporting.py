"""The accountant's page of the report to the funder (article 51 evaluation): a period, the month-by-month figures,
and the downloads — the table as CSV and PDF, the detail by child (inclusion numbers only) as CSV."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console.auth import Page, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.models import ROLE_ACCOUNTANT
from cocon_network.server.reporting import children_rows, funder_report
from cocon_network.server.reporting_csv import children_csv, report_csv, report_filename
from cocon_network.server.reporting_pdf import report_pdf

PATH = "/console/rapports"
NAV = (NavItem("Rapports", PATH, (ROLE_ACCOUNTANT,)),)
MAX_DAYS = 6 * 366


def default_period(today: date) -> tuple[date, date]:
    """From the 1st of January to the end of the last whole month (the previous year's in January)."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(month=1, day=1), end


def _period(page: Page) -> tuple[date, date] | None:
    """The period of the query (?du=AAAA-MM-JJ&au=AAAA-MM-JJ), the default one when absent; None with errors."""
    start, end = default_period(date.today())
    values = {}
    for name, default in (("du", start), ("au", end)):
        raw = page.query(name)
        try:
            values[name] = date.fromisoformat(raw) if raw else default
        except ValueError:
            page.errors[name] = "Date illisible : AAAA-MM-JJ (le calendrier du navigateur l'écrit ainsi)."
    if page.errors:
        return None
    if values["du"] > values["au"]:
        page.errors["au"] = "La fin de la période précède son début."
    elif (values["au"] - values["du"]).days > MAX_DAYS:
        page.errors["au"] = "Six ans au plus par rapport."
    return None if page.errors else (values["du"], values["au"])


@require_role(ROLE_ACCOUNTANT)
def report_page(page: Page) -> Response:
    """The form alone until a period is asked for (a year reads the monthly aggregate: report_read.py)."""
    if not page.query("du") and not page.query("au"):
        start, end = default_period(date.today())
        return page.render("reporting/report.html", {"errors": {}, "du": start.isoformat(), "au": end.isoformat(),
                                                     "report": None, "months": []})
    period = _period(page)
    context: dict[str, object] = {"errors": page.errors, "du": page.query("du"), "au": page.query("au"),
                                  "report": None, "months": []}
    if period is None:
        return page.render("reporting/report.html", context, status_code=400)
    report = funder_report(page.db, *period, page.settings.network)
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"seances": 0, "bilans": 0, "cents": 0})
    for row in report.rows:
        months[row.month_key]["seances"] += row.seances
        months[row.month_key]["bilans"] += row.bilans
        months[row.month_key]["cents"] += row.cents
    children = dict(report.month_children)
    context.update(report=report, du=period[0].isoformat(), au=period[1].isoformat(),
                   months=[(key, children.get(key, 0), sums) for key, sums in months.items()],
                   query=f"du={period[0].isoformat()}&au={period[1].isoformat()}")
    return page.render("reporting/report.html", context)


def _download(page: Page, what: str) -> Response:
    period = _period(page)
    if period is None:
        return page.render("reporting/report.html", {"errors": page.errors, "du": page.query("du"),
                                                      "au": page.query("au"), "report": None, "months": []},
                           status_code=400)
    report = funder_report(page.db, *period, page.settings.network) if what != "enfants" else None
    if what == "pdf" and report is not None:
        body, media, name = (report_pdf(report, page.settings.network_name), "application/pdf",
                             report_filename(report, "rapport", "pdf"))
    elif what == "csv" and report is not None:
        body, media, name = report_csv(report), "text/csv; charset=utf-8", report_filename(report)
    else:
        rows = children_rows(page.db, *period)
        body, media = children_csv(rows), "text/csv; charset=utf-8"
        network = f"-{page.settings.network}" if page.settings.network else ""
        name = f"COCON{network}-enfants-{period[0].isoformat()}-{period[1].isoformat()}.csv"
        page.audit("report_children_downloaded", f"enfants suivis du {period[0]:%d/%m/%Y} au {period[1]:%d/%m/%Y}",
                   {"rows": len(rows)})
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                     "Cache-Control": "private, no-store",
                                                     "X-Content-Type-Options": "nosniff"})


@require_role(ROLE_ACCOUNTANT)
def report_csv_download(page: Page) -> Response:
    return _download(page, "csv")


@require_role(ROLE_ACCOUNTANT)
def report_pdf_download(page: Page) -> Response:
    return _download(page, "pdf")


@require_role(ROLE_ACCOUNTANT)
def children_csv_download(page: Page) -> Response:
    return _download(page, "enfants")


def routes() -> list[BaseRoute]:
    return [
        Route(PATH, report_page, methods=["GET"]),
        Route(PATH + "/rapport.csv", report_csv_download, methods=["GET"]),
        Route(PATH + "/rapport.pdf", report_pdf_download, methods=["GET"]),
        Route(PATH + "/enfants.csv", children_csv_download, methods=["GET"]),
    ]
