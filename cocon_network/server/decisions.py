"""The coordinator's decisions on the documents of accepted batches: accept (payable) or reject with a reason (the
practice sees it at its next sync: the status answer carries each document's decision).

    accept_document(session, document_id, user_id) -> Document
    reject_document(session, document_id, user_id, reason) -> Document
    accept_unflagged(session, batch_id, user_id) -> list[Document]   (the batch's received documents with no flag)

A decision is taken on a received document; an accepted one may still be rejected while no payment run holds it;
a rejected or paid one is final (the practice issues a credit note and a new invoice). Each decision is one audit
entry, in the caller's transaction. Refusals raise DecisionError with a French message and the form's field."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, defer

from cocon_network.server import audit, controls, report_aggregate
from cocon_network.server.models import (
    DOC_ACCEPTED,
    DOC_PAID,
    DOC_RECEIVED,
    DOC_REJECTED,
    VERIFY_PENDING,
    Batch,
    ControlFlag,
    Document,
    Therapist,
)

MAX_REASON = 2000  # characters (the protocol allows 64 KB; a reason is a few sentences)


class DecisionError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _target(session: Session, document: Document) -> str:
    siret = session.scalar(select(Therapist.siret).where(Therapist.id == document.therapist_id)) or ""
    return f"document {document.number} ({siret})"


def _document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id, with_for_update=True, options=[defer(Document.pdf)])
    if document is None:
        raise DecisionError("", "Ce document n'existe pas.")
    _verified(session, document.batch_id)
    return document


def _verified(session: Session, batch_id: str) -> None:
    """No decision on a batch whose PDFs are not verified yet (ingest_verify.py): it may still be rejected."""
    if session.scalar(select(Batch.verification).where(Batch.batch_id == batch_id)) == VERIFY_PENDING:
        raise DecisionError("", "La vérification de ce lot est en cours (signatures des PDF, données Factur-X) : "
                                "les décisions seront possibles dans quelques instants.")


def accept_document(session: Session, document_id: int, user_id: int | None) -> Document:
    document = _document(session, document_id)
    if document.status != DOC_RECEIVED:
        raise DecisionError("", _final_message(document))
    _decide(document, DOC_ACCEPTED, "", user_id)
    report_aggregate.refresh_documents(session, [document.id])
    audit.record(session, user_id, "document_accepted", _target(session, document),
                 {"document_id": document.id, "batch_id": document.batch_id, "amount_cents": document.amount_cents})
    return document


def reject_document(session: Session, document_id: int, user_id: int | None, reason: str) -> Document:
    reason = reason.strip()
    if not reason:
        raise DecisionError("motif", "Saisissez le motif du rejet : le thérapeute le lira dans son logiciel.")
    if len(reason) > MAX_REASON:
        raise DecisionError("motif", f"Le motif dépasse {MAX_REASON} caractères ({len(reason)}) : abrégez-le.")
    document = _document(session, document_id)
    if document.status == DOC_ACCEPTED and document.payment_run_id is not None:
        raise DecisionError("", "Ce document est déjà dans un ordre de virement : il ne peut plus être rejeté.")
    if document.status not in (DOC_RECEIVED, DOC_ACCEPTED):
        raise DecisionError("", _final_message(document))
    previous = document.status
    _decide(document, DOC_REJECTED, reason, user_id)
    session.flush()
    # a rejected document counts for nothing: the pending batches of its children are checked again (another
    # therapist's séance the same day is no longer a duplicate)
    controls.rerun_after_decision(session, document.id)
    report_aggregate.refresh_documents(session, [document.id])
    audit.record(session, user_id, "document_rejected", _target(session, document),
                 {"document_id": document.id, "batch_id": document.batch_id, "reason": reason,
                  "previous_status": previous})
    return document


def accept_unflagged(session: Session, batch_id: str, user_id: int | None) -> list[Document]:
    """Accept every received document of the batch that no control flagged; the flagged ones wait."""
    _verified(session, batch_id)
    flagged = exists().where(ControlFlag.document_id == Document.id)
    documents = list(session.scalars(
        select(Document).where(Document.batch_id == batch_id, Document.status == DOC_RECEIVED, ~flagged)
        .order_by(Document.id).with_for_update()))
    for document in documents:
        _decide(document, DOC_ACCEPTED, "", user_id)
    if documents:
        report_aggregate.refresh_documents(session, [d.id for d in documents])
        audit.record(session, user_id, "documents_accepted", f"lot {batch_id}",
                     {"batch_id": batch_id, "numbers": [d.number for d in documents],
                      "amount_cents": sum(d.amount_cents for d in documents)})
    return documents


def _decide(document: Document, status: str, reason: str, user_id: int | None) -> None:
    document.status = status
    document.decision_reason = reason
    document.decided_at = datetime.now(UTC)
    document.decided_by = user_id


def _final_message(document: Document) -> str:
    if document.status == DOC_REJECTED:
        return "Ce document est déjà rejeté : le thérapeute émettra un avoir et une nouvelle facture."
    if document.status == DOC_PAID:
        return "Ce document est déjà payé."
    return "Ce document est déjà accepté."
