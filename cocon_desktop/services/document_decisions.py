"""The network's decision on each document of a batch it received (issue 21, #5 and #6), as a receipt or a status
answer carries it (cocon_exchange/protocol.DocumentDecision): stored as the invoice's history, from which
payments.py derives its state.

- `rejete`: an invoice event "refused" with the network's reason: the invoice reads « Rejetée par le réseau : … »
  and needs correcting — an issued invoice is immutable, so the way out is a credit note (which cancels it and makes
  its séances billable again) and a corrected invoice; both go into the next batch as usual. Its batch stays
  « Reçu »: the other documents of it were received.
- `paye`: a payment of what is left to pay, dated the day of the answer, its reference naming the network: the
  invoice reads « Payée »; a batch whose every invoice is settled becomes « Payé » (batches.paid_batches).
- `accepte`: an invoice event "accepted" (« Acceptée par le réseau »).

Idempotent: the same answer twice changes nothing; a refused document stays refused (a later « paye » or
« accepte » for it is ignored); an accepted one may become paid. The network is not trusted: only the documents
of THIS batch are touched — a number of another batch, or unknown, is ignored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from cocon_desktop.models import Batch, BatchDocument, Invoice, InvoiceEvent, Payment
from cocon_exchange.protocol import DOCUMENT_ACCEPTED, DOCUMENT_PAID, DOCUMENT_REJECTED, DocumentDecision

REFUSED = "refused"  # an invoice event: the network rejected this document alone
# the condition that finds them by the partial index ix_invoice_event_refused (schema 0016): SQLite uses a partial
# index only for a query that repeats its condition with the same literal, never for a bound parameter
REFUSED_ONLY = InvoiceEvent.kind == literal_column("'refused'")
ACCEPTED = "accepted"  # an invoice event: the network accepted it
NETWORK_REFERENCE = "Réseau {network}, lot {batch}"  # a network's payment's reference (String(100))


@dataclass(frozen=True)
class DecisionCounts:
    """What one answer changed: documents newly refused, paid, accepted."""

    refused: int = 0
    paid: int = 0
    accepted: int = 0

    def __add__(self, other: DecisionCounts) -> DecisionCounts:
        return DecisionCounts(self.refused + other.refused, self.paid + other.paid, self.accepted + other.accepted)


@dataclass
class _Document:
    id: int
    kind: str
    total: int
    credited: int
    paid: int
    events: set[str]


def _documents(session: Session, batch_pk: int, numbers: Iterable[str]) -> dict[str, _Document]:
    """The batch's documents among `numbers`, with their sums and the network's events they already have."""
    wanted = sorted(set(numbers))
    found: dict[str, _Document] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        for iid, number, kind, total in session.execute(
                select(Invoice.id, Invoice.number, Invoice.kind, Invoice.total_cents)
                .join(BatchDocument, BatchDocument.invoice_id == Invoice.id)
                .where(BatchDocument.batch_pk == batch_pk, Invoice.number.in_(chunk))):
            found[number] = _Document(iid, kind, total, 0, 0, set())
    ids = {document.id: document for document in found.values()}
    for start in range(0, len(ids), 500):
        chunk_ids = list(ids)[start:start + 500]
        for iid, amount in session.execute(select(Payment.invoice_id, func.sum(Payment.amount_cents))
                                           .where(Payment.invoice_id.in_(chunk_ids)).group_by(Payment.invoice_id)):
            ids[iid].paid = int(amount or 0)
        for corrected, amount in session.execute(select(Invoice.corrects_id, func.sum(Invoice.total_cents))
                                                 .where(Invoice.corrects_id.in_(chunk_ids),
                                                        Invoice.kind == "credit_note").group_by(Invoice.corrects_id)):
            if corrected is not None:
                ids[corrected].credited = int(amount or 0)
        for iid, kind in session.execute(select(InvoiceEvent.invoice_id, InvoiceEvent.kind)
                                         .where(InvoiceEvent.invoice_id.in_(chunk_ids),
                                                InvoiceEvent.kind.in_((REFUSED, ACCEPTED)))):
            ids[iid].events.add(kind)
    return found


def _decide(session: Session, batch: Batch, document: _Document, decision: DocumentDecision, day: date,
            moment: datetime) -> DecisionCounts:
    if REFUSED in document.events:  # rejete stays
        return DecisionCounts()
    if decision.status == DOCUMENT_REJECTED:
        reason = decision.reason or "aucun motif donné"
        session.add(InvoiceEvent(invoice_id=document.id, kind=REFUSED, at=moment, detail=reason))
        document.events.add(REFUSED)
        return DecisionCounts(refused=1)
    if decision.status == DOCUMENT_PAID and document.kind == "invoice":
        left = document.total - document.credited - document.paid
        if left <= 0:  # paid already (by hand, or this same answer before): nothing more
            return DecisionCounts()
        reference = NETWORK_REFERENCE.format(network=batch.network, batch=batch.batch_id)[:100]
        session.add(Payment(invoice_id=document.id, day=day, amount_cents=left, reference=reference,
                            means="virement", created_at=moment))
        document.paid += left
        return DecisionCounts(paid=1)
    if decision.status in (DOCUMENT_ACCEPTED, DOCUMENT_PAID) and ACCEPTED not in document.events:
        session.add(InvoiceEvent(invoice_id=document.id, kind=ACCEPTED, at=moment, detail=""))
        document.events.add(ACCEPTED)
        return DecisionCounts(accepted=1)
    return DecisionCounts()


def record_decisions(session: Session, batch: Batch, decisions: Iterable[DocumentDecision], answered_at: datetime,
                     now: datetime) -> DecisionCounts:
    """Store the network's decisions on the documents of `batch`, in the open transaction (outbox.py's). A payment
    is dated the day of the answer (`answered_at`, the receipt's time, never later than `now`), in UTC."""
    chosen = list(decisions)
    if not chosen or batch.state == "rejete":  # a batch rejected whole: its documents are pending again already
        return DecisionCounts()
    documents = _documents(session, batch.id, (d.number for d in chosen))
    moment = now.astimezone(UTC)
    day = min(answered_at.astimezone(UTC), moment).date()
    counts = DecisionCounts()
    for decision in chosen:
        document = documents.get(decision.number)
        if document is not None:
            counts += _decide(session, batch, document, decision, day, moment)
    return counts
