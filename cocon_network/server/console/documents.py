"""A document's page: the signed PDF (served inline from the database and embedded), its Factur-X data, its
signature status, its acts, its flags; and the coordinator's decision (accept, or reject with a reason)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import defer
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_network.server.console.auth import Page, not_found, require_role
from cocon_network.server.console.facturx_view import read_view
from cocon_network.server.decisions import DecisionError, accept_document, reject_document
from cocon_network.server.document_pdf import pdf_of
from cocon_network.server.models import (
    DOC_ACCEPTED,
    DOC_RECEIVED,
    ROLE_ACCOUNTANT,
    ROLE_COORDINATOR,
    VERIFY_PENDING,
    Act,
    Batch,
    ConsoleUser,
    ControlFlag,
    Document,
    Therapist,
)

VIEWERS = (ROLE_COORDINATOR, ROLE_ACCOUNTANT)


def _document_id(page: Page) -> int | None:
    raw = page.request.path_params["document_id"]
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _show(page: Page, document: Document, *, errors: dict[str, str] | None = None, reason: str = "",
          status_code: int = 200) -> Response:
    therapist = page.db.get(Therapist, document.therapist_id)
    acts = list(page.db.scalars(select(Act).where(Act.document_id == document.id).order_by(Act.line).limit(1000)))
    flags = list(page.db.scalars(select(ControlFlag).where(ControlFlag.document_id == document.id)
                                 .order_by(ControlFlag.id).limit(200)))
    decided_by = page.db.get(ConsoleUser, document.decided_by) if document.decided_by else None
    verifying = page.db.scalar(select(Batch.verification).where(Batch.batch_id == document.batch_id)) \
        == VERIFY_PENDING  # decisions wait for the PDFs' signatures (ingest_verify.py)
    can_decide = page.user.role != ROLE_ACCOUNTANT and not verifying
    return page.render("document.html", {
        "doc": document, "therapist": therapist, "acts": acts, "flags": flags, "decided_by": decided_by,
        "facturx": read_view(document.facturx_xml), "errors": errors or {}, "reason": reason,
        "verifying": verifying,
        "can_accept": can_decide and document.status == DOC_RECEIVED,
        "can_reject": can_decide and (document.status == DOC_RECEIVED or (
            document.status == DOC_ACCEPTED and document.payment_run_id is None)),
    }, status_code=status_code)


@require_role(*VIEWERS)
def document_page(page: Page) -> Response:
    document_id = _document_id(page)
    document = page.db.get(Document, document_id, options=[defer(Document.pdf)]) if document_id else None
    if document is None:
        return not_found(page.request, "Ce document n'existe pas.")
    return _show(page, document)


@require_role(*VIEWERS)
def document_pdf(page: Page) -> Response:
    document_id = _document_id(page)
    found = pdf_of(page.db, document_id) if document_id else None  # kept once, in its batch's ZIP
    if found is None:
        return not_found(page.request, "Ce document n'existe pas.")
    pdf, number = found
    name = re.sub(r"[^A-Za-z0-9._-]", "_", number) + ".pdf"
    disposition = "attachment" if page.query("telecharger") else "inline"
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'{disposition}; filename="{name}"', "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store", "Content-Security-Policy": "frame-ancestors 'self'"})


@require_role(ROLE_COORDINATOR)
def decide(page: Page) -> Response:
    document_id = _document_id(page)
    document = page.db.get(Document, document_id, options=[defer(Document.pdf)]) if document_id else None
    if document is None:
        return not_found(page.request, "Ce document n'existe pas.")
    action, reason = page.field("decision"), page.field("motif")
    try:
        if action == "accepter":
            accept_document(page.db, document.id, page.user.id)
            message = f"Document {document.number} accepté."
        elif action == "rejeter":
            reject_document(page.db, document.id, page.user.id, reason)
            message = (f"Document {document.number} rejeté : le thérapeute verra le motif à sa prochaine "
                       "synchronisation.")
        else:
            raise DecisionError("", "Choisissez « Accepter » ou « Rejeter ».")
    except DecisionError as error:  # refused before anything changed (decisions.py checks first)
        return _show(page, document, errors={error.field or "decision": error.message}, reason=reason,
                     status_code=400)
    return page.redirect(f"/console/documents/{document.id}", message)


def routes() -> list[BaseRoute]:
    return [
        Route("/console/documents/{document_id}", document_page, methods=["GET"]),
        Route("/console/documents/{document_id}/pdf", document_pdf, methods=["GET"]),
        Route("/console/documents/{document_id}/decision", decide, methods=["POST"]),
    ]
