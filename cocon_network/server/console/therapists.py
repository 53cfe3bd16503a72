"""The therapists under convention: a paged list (searched by name or SIRET) and a therapist's page (identity,
convention, certificates, tokens, latest batches, amounts per month)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import extract, func, select
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console.auth import Page, not_found, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.console.paging import Pager
from cocon_network.server.conventions import convention_active, list_tokens
from cocon_network.server.models import (
    ROLE_ACCOUNTANT,
    ROLE_ADMINISTRATOR,
    ROLE_COORDINATOR,
    Batch,
    Document,
    Therapist,
    TherapistCertificate,
)

NAV = (NavItem("Thérapeutes", "/console/therapeutes", (ROLE_COORDINATOR, ROLE_ACCOUNTANT)),)
VIEWERS = (ROLE_COORDINATOR, ROLE_ACCOUNTANT)
CONVENTION_ROLES = (ROLE_COORDINATOR, ROLE_ADMINISTRATOR)  # who registers therapists, certificates, tokens
MONTHS_SHOWN = 12


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@require_role(*VIEWERS)
def therapist_list(page: Page) -> Response:
    search = page.query("q")
    statement = select(Therapist).order_by(Therapist.name, Therapist.id)
    if search:
        compact = search.replace(" ", "")
        statement = (statement.where(Therapist.siret.startswith(compact)) if compact.isdigit()
                     else statement.where(Therapist.name.ilike(f"%{_like(search)}%", escape="\\")))
    pager = Pager.from_request(page.request)
    therapists = pager.scalars(page.db, statement)
    return page.render("therapists.html", {
        "therapists": therapists, "pager": pager, "search": search, "today": date.today(),
        "active": convention_active, "can_register": page.user.role in CONVENTION_ROLES})


def monthly_amounts(page: Page, therapist_id: int) -> list[Any]:
    """The therapist's last months: documents, amounts billed, accepted (or paid) and rejected, per issue month."""
    year, month = extract("year", Document.issue_date), extract("month", Document.issue_date)
    accepted = func.sum(Document.amount_cents).filter(Document.status.in_(("accepte", "paye")))
    rejected = func.sum(Document.amount_cents).filter(Document.status == "rejete")
    return list(page.db.execute(
        select(year.label("year"), month.label("month"), func.count(Document.id).label("documents"),
               func.sum(Document.amount_cents).label("billed"), accepted.label("accepted"),
               rejected.label("rejected"))
        .where(Document.therapist_id == therapist_id).group_by(year, month)
        .order_by(year.desc(), month.desc()).limit(MONTHS_SHOWN)))


def show_therapist(page: Page, therapist: Therapist, *, issued_token: str = "", errors: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    certificates = list(page.db.scalars(select(TherapistCertificate).where(
        TherapistCertificate.therapist_id == therapist.id).order_by(TherapistCertificate.id)))
    documents = select(func.count(Document.id)).where(Document.batch_id == Batch.batch_id).scalar_subquery()
    batches = list(page.db.execute(
        select(Batch.batch_id, Batch.received_at, Batch.status, Batch.period_start, Batch.total_cents,
               documents.label("documents"))
        .where(Batch.therapist_id == therapist.id).order_by(Batch.received_at.desc()).limit(12)))
    return page.render("therapist.html", {
        "t": therapist, "active": convention_active(therapist), "certificates": certificates,
        "tokens": list_tokens(page.db, therapist.id), "batches": batches,
        "months": monthly_amounts(page, therapist.id), "issued_token": issued_token, "errors": errors or {},
        "can_manage": page.user.role in CONVENTION_ROLES}, status_code=status_code)


def therapist_of(page: Page) -> Therapist | None:
    therapist_id = int(page.request.path_params["therapist_id"])  # the route's :int
    return page.db.get(Therapist, therapist_id) if 0 < therapist_id < 2**31 else None


@require_role(*VIEWERS)
def therapist_page(page: Page) -> Response:
    therapist = therapist_of(page)
    if therapist is None:
        return not_found(page.request, "Ce thérapeute n'existe pas.")
    return show_therapist(page, therapist)


def routes() -> list[BaseRoute]:
    return [Route("/console/therapeutes", therapist_list, methods=["GET"]),
            Route("/console/therapeutes/{therapist_id:int}", therapist_page, methods=["GET"])]
