"""The inbox of batches (paged, filtered by status, therapist and month) and a batch's page (its documents, its
flags, the bulk acceptance of its unflagged documents, its ZIP)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import ColumnElement, exists, func, select
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console.auth import Page, not_found, require_role
from cocon_network.server.console.nav import NavItem
from cocon_network.server.console.paging import Pager
from cocon_network.server.decisions import DecisionError, accept_unflagged
from cocon_network.server.models import (
    DOC_RECEIVED,
    ROLE_ACCOUNTANT,
    ROLE_COORDINATOR,
    VERIFY_PENDING,
    Batch,
    ControlFlag,
    Document,
    Therapist,
)

NAV = (NavItem("Lots reçus", "/console/lots", (ROLE_COORDINATOR,), also=("/console/documents",)),)
STATUS_FILTERS = {
    "a_traiter": "À traiter (documents en attente)",
    "recu": "Reçus",
    "rejete": "Rejetés à la réception",
    "paye": "Payés",
}
VIEWERS = (ROLE_COORDINATOR, ROLE_ACCOUNTANT)


def parse_month(value: str) -> date | None:
    """« 2026-11 » (the month field) or « 11/2026 »; None when empty or not a month."""
    value = value.strip()
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", value) or re.fullmatch(r"(\d{1,2})/(\d{4})", value)
    if not found:
        return None
    year, month = (found.group(1), found.group(2)) if "-" in value else (found.group(2), found.group(1))
    if not 1 <= int(month) <= 12:
        return None
    return date(int(year), int(month), 1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _pending_exists() -> ColumnElement[bool]:
    return exists().where(Document.batch_id == Batch.batch_id, Document.status == DOC_RECEIVED)


@require_role(ROLE_COORDINATOR)
def inbox(page: Page) -> Response:
    status, search, month_text = page.query("statut"), page.query("therapeute"), page.query("mois")
    errors: dict[str, str] = {}
    # The page's batches first (filters, order, offset: an index walk), then their counts for those 50 only: a
    # deep page does not count the documents and flags of every batch it skips.
    chosen = (select(Batch.batch_id, Batch.received_at)
              .outerjoin(Therapist, Therapist.id == Batch.therapist_id))
    if status == "a_traiter":
        chosen = chosen.where(Batch.status == "recu", _pending_exists())
    elif status in STATUS_FILTERS:
        chosen = chosen.where(Batch.status == status)
    if search:
        if search.isdigit() and page.query("exact") == "id":
            chosen = chosen.where(Batch.therapist_id == int(search))
        elif search.replace(" ", "").isdigit():
            chosen = chosen.where(Batch.siret.startswith(search.replace(" ", "")))
        else:
            chosen = chosen.where(Therapist.name.ilike(f"%{_like(search)}%", escape="\\"))
    if month_text:
        month = parse_month(month_text)
        if month is None:
            errors["mois"] = "Mois non reconnu : choisissez un mois (par exemple 2026-11)."
        else:
            chosen = chosen.where(Batch.period_start < next_month(month),
                                  func.coalesce(Batch.period_end, Batch.period_start) >= month)
    pager = Pager.from_request(page.request)
    ids = (chosen.order_by(Batch.received_at.desc(), Batch.batch_id.desc())
           .offset(pager.offset).limit(pager.size + 1).subquery())
    documents = select(func.count(Document.id)).where(Document.batch_id == Batch.batch_id).scalar_subquery()
    pending = (select(func.count(Document.id))
               .where(Document.batch_id == Batch.batch_id, Document.status == DOC_RECEIVED).scalar_subquery())
    flags = select(func.count(ControlFlag.id)).where(ControlFlag.batch_id == Batch.batch_id).scalar_subquery()
    statement = (select(Batch.batch_id, Batch.received_at, Batch.status, Batch.period_start, Batch.period_end,
                        Batch.total_cents, Batch.siret, Batch.reject_reason, Batch.verification,
                        Therapist.id.label("therapist_id"),
                        Therapist.name.label("therapist_name"), documents.label("documents"),
                        pending.label("pending"), flags.label("flags"))
                 .join(ids, ids.c.batch_id == Batch.batch_id)
                 .outerjoin(Therapist, Therapist.id == Batch.therapist_id)
                 .order_by(ids.c.received_at.desc(), ids.c.batch_id.desc()))
    rows = pager.take(list(page.db.execute(statement))) if not errors else []
    return page.render("inbox.html", {
        "rows": rows, "pager": pager, "errors": errors, "statuses": STATUS_FILTERS,
        "status_filter": status, "search": search, "month": month_text,
    }, status_code=400 if errors else 200)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@require_role(*VIEWERS)
def batch_page(page: Page) -> Response:
    batch_id = page.request.path_params["batch_id"]
    row = page.db.execute(select(Batch.batch_id, Batch.received_at, Batch.status, Batch.period_start,
                                 Batch.period_end, Batch.total_cents, Batch.siret, Batch.network, Batch.sha256,
                                 Batch.size, Batch.receipt_id, Batch.reject_code, Batch.reject_reason,
                                 Batch.therapist_id, Batch.verification).where(Batch.batch_id == batch_id)).first()
    if row is None:
        return not_found(page.request, "Ce lot n'existe pas.")
    therapist = page.db.get(Therapist, row.therapist_id) if row.therapist_id is not None else None
    doc_flags = (select(func.count(ControlFlag.id)).where(ControlFlag.document_id == Document.id)
                 .scalar_subquery())
    pager = Pager.from_request(page.request, size=200)
    documents = pager.fetch(page.db, select(Document.id, Document.number, Document.kind, Document.issue_date,
                                            Document.amount_cents, Document.status, Document.decision_reason,
                                            Document.signature_status, doc_flags.label("flags"))
                            .where(Document.batch_id == batch_id).order_by(Document.id))
    flags = list(page.db.execute(
        select(ControlFlag.id, ControlFlag.kind, ControlFlag.message, ControlFlag.inclusion_number,
               ControlFlag.document_id, Document.number)
        .outerjoin(Document, Document.id == ControlFlag.document_id)
        .where(ControlFlag.batch_id == batch_id).order_by(ControlFlag.id).limit(500)))
    unflagged = page.db.scalar(select(func.count(Document.id)).where(
        Document.batch_id == batch_id, Document.status == DOC_RECEIVED,
        ~exists().where(ControlFlag.document_id == Document.id))) or 0
    return page.render("batch.html", {"batch": row, "therapist": therapist, "documents": documents,
                                      "pager": pager, "flags": flags, "unflagged": unflagged,
                                      "can_decide": page.user.role != ROLE_ACCOUNTANT
                                      and row.verification != VERIFY_PENDING})


@require_role(ROLE_COORDINATOR)
def accept_batch(page: Page) -> Response:
    batch_id = page.request.path_params["batch_id"]
    if page.db.scalar(select(Batch.batch_id).where(Batch.batch_id == batch_id)) is None:
        return not_found(page.request, "Ce lot n'existe pas.")
    try:
        accepted = accept_unflagged(page.db, batch_id, page.user.id)
    except DecisionError as error:  # the batch's verification is not finished
        return page.redirect(f"/console/lots/{batch_id}", error.message)
    message = (f"{len(accepted)} document(s) sans signalement accepté(s)." if accepted
               else "Aucun document sans signalement n'attendait de décision.")
    return page.redirect(f"/console/lots/{batch_id}", message)


@require_role(*VIEWERS)
def batch_zip(page: Page) -> Response:
    batch_id = page.request.path_params["batch_id"]
    data = page.db.scalar(select(Batch.data).where(Batch.batch_id == batch_id))
    if data is None:
        return not_found(page.request, "Ce lot n'existe pas.")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", batch_id)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.zip"',
                             "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def routes() -> list[BaseRoute]:
    return [
        Route("/console/lots", inbox, methods=["GET"]),
        Route("/console/lots/{batch_id}", batch_page, methods=["GET"]),
        Route("/console/lots/{batch_id}/accepter", accept_batch, methods=["POST"]),
        Route("/console/lots/{batch_id}/zip", batch_zip, methods=["GET"]),
    ]
