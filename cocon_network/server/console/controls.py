"""The coordinator's pages of the controls across therapists: the flags (paged, filtered by kind, child, documents
still awaiting a decision), and the inclusion list's import (the coordination tool's CSV, all or nothing)."""

from __future__ import annotations

import re

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console.auth import Page, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.console.paging import Pager
from cocon_network.server.controls import KIND_LABELS
from cocon_network.server.inclusions import COLUMNS, MAX_BYTES, import_inclusions
from cocon_network.server.models import DOC_RECEIVED, ROLE_COORDINATOR, ControlFlag, Document, Inclusion, Therapist

FLAGS_PATH = "/console/controles"
INCLUSIONS_PATH = "/console/inclusions"
NAV = (NavItem("Contrôles", FLAGS_PATH, (ROLE_COORDINATOR,)),
       NavItem("Inclusions", INCLUSIONS_PATH, (ROLE_COORDINATOR,)))
_CHILD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")


@require_role(ROLE_COORDINATOR)
def flags_page(page: Page) -> Response:
    kind, child, pending = page.query("type"), page.query("enfant"), page.query("en_attente") == "1"
    if kind and kind not in KIND_LABELS:
        page.errors["type"] = "Type de signalement inconnu : tous sont affichés."
        kind = ""
    if child and not _CHILD.fullmatch(child):
        page.errors["enfant"] = "Un numéro d'inclusion : lettres, chiffres, . _ / - (40 caractères au plus)."
        child = ""
    query = (select(ControlFlag.id, ControlFlag.kind, ControlFlag.inclusion_number, ControlFlag.message,
                    ControlFlag.created_at, ControlFlag.batch_id, ControlFlag.document_id, Document.number,
                    Document.status, Therapist.id.label("therapist_id"), Therapist.name.label("therapist_name"))
             .outerjoin(Document, Document.id == ControlFlag.document_id)
             .outerjoin(Therapist, Therapist.id == Document.therapist_id)
             .order_by(ControlFlag.id.desc()))
    if kind:
        query = query.where(ControlFlag.kind == kind)
    if child:
        query = query.where(ControlFlag.inclusion_number == child)
    if pending:
        query = query.where(Document.status == DOC_RECEIVED)
    pager = Pager.from_request(page.request)
    rows = pager.fetch(page.db, query)
    return page.render("controls/flags.html", {
        "rows": rows, "pager": pager, "kinds": KIND_LABELS, "kind": kind, "child": child, "pending": pending,
        "errors": page.errors}, status_code=400 if page.errors else 200)


def _inclusions_context(page: Page) -> dict[str, object]:
    latest = page.db.scalar(select(Inclusion.imported_at).order_by(Inclusion.imported_at.desc()).limit(1))
    return {"columns": ";".join(COLUMNS), "latest": latest, "errors": page.errors, "report": None}


@require_role(ROLE_COORDINATOR)
def inclusions_page(page: Page) -> Response:
    context = _inclusions_context(page)
    if page.request.method != "POST":
        return page.render("controls/inclusions.html", context)
    upload = page.upload("fichier")
    if upload is None:
        page.errors["fichier"] = "Choisissez le fichier CSV exporté de l'outil de coordination."
        return page.render("controls/inclusions.html", context, status_code=400)
    data = upload.file.read(MAX_BYTES + 1)
    report = import_inclusions(page.db, data)
    context["report"] = report
    if not report.imported:
        page.errors["fichier"] = (f"Fichier refusé, rien n'a été importé : {report.error_count} erreur"
                                  f"{'s' if report.error_count > 1 else ''} (détail ci-dessous).")
        return page.render("controls/inclusions.html", context, status_code=400)
    page.audit("inclusions_imported", f"liste d'inclusion ({upload.filename})",
               {"lines": report.lines, "created": report.created, "updated": report.updated,
                "batches_checked": report.batches_checked})
    return page.redirect(INCLUSIONS_PATH, report.french())


def routes() -> list[BaseRoute]:
    return [
        Route(FLAGS_PATH, flags_page, methods=["GET"]),
        Route(INCLUSIONS_PATH, inclusions_page, methods=["GET", "POST"]),
    ]
