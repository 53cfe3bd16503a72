"""A child's page, by inclusion number (never a name): the forfait used across every therapist and discipline
(controls.child_summary), the flags, and every act billed for the child, whichever therapist billed it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console.auth import Page, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.console.paging import Pager
from cocon_network.server.controls import child_summary
from cocon_network.server.models import ROLE_COORDINATOR, Act, Document, Inclusion, Therapist

NAV = (NavItem("Enfants", "/console/enfants", (ROLE_COORDINATOR,)),)
NUMBER = re.compile(r"^[A-Za-z0-9._/-]{1,40}$")


@require_role(ROLE_COORDINATOR)
def search(page: Page) -> Response:
    number = page.query("numero")
    errors: dict[str, str] = {}
    if number:
        if not NUMBER.match(number):
            errors["numero"] = "Numéro d'inclusion illisible : lettres, chiffres et tirets (RPM-2025-00456)."
        elif (page.db.scalar(select(Inclusion.inclusion_number).where(Inclusion.inclusion_number == number))
              or page.db.scalar(select(Act.inclusion_number).where(Act.inclusion_number == number).limit(1))):
            return page.redirect(f"/console/enfants/{number}")
        else:
            errors["numero"] = f"Aucun enfant n° {number} dans la liste d'inclusion ni dans les actes reçus."
    return page.render("children.html", {"number": number, "errors": errors},
                       status_code=400 if errors else 200)


@require_role(ROLE_COORDINATOR)
def child_page(page: Page) -> Response:
    number = page.request.path_params["number"]
    if not NUMBER.match(number):
        return page.redirect("/console/enfants")
    pager = Pager.from_request(page.request, size=100)
    acts: list[Any] = pager.fetch(page.db, select(
        Act.act_date, Act.discipline, Act.nature, Act.amount_cents, Act.initials, Document.id.label("document_id"),
        Document.number, Document.status, Therapist.id.label("therapist_id"), Therapist.name.label("therapist"))
        .join(Document, Document.id == Act.document_id).join(Therapist, Therapist.id == Act.therapist_id)
        .where(Act.inclusion_number == number).order_by(Act.act_date.desc(), Act.id.desc()))
    summary = child_summary(page.db, number)
    return page.render("child.html", {"number": number, "summary": summary, "acts": acts, "pager": pager})


def routes() -> list[BaseRoute]:
    return [Route("/console/enfants", search, methods=["GET"]),
            Route("/console/enfants/{number:path}", child_page, methods=["GET"])]
