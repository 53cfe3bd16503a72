"""The database side of receiving a batch (synchronous: called from a worker thread by ingest.py).

    find_batch(session, batch_id) -> Batch | None
    admission_fault(session, therapist, verification, network, pathway) -> (code, French reason) | None
    store_rejected(session, therapist_id, batch_id, data, code, reason) -> Batch
    store_accepted(session, therapist, batch_id, data, verification, state=…) -> Batch   (batch, documents, acts)
    highest(session, therapist_id) -> {series: highest sequence}                   (the rollback witness)
    receipt_of(session, batch) -> Receipt        (current state, per-document decisions, highest)
    batch_status(session, batch) -> "recu" | "rejete" | "paye"   (paye: every invoice of it paid)
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from cocon_exchange.certificates import display_fingerprint
from cocon_exchange.pathway_labels import DEFAULT_PATHWAY, pathway_label
from cocon_exchange.protocol import (
    STATUS_PAID,
    STATUS_RECEIVED,
    STATUS_REJECTED,
    DocumentDecision,
    Receipt,
    sha256_hex,
)
from cocon_network.server.bulk_insert import bulk_insert
from cocon_network.server.conventions import active_fingerprints
from cocon_network.server.models import (
    DOC_ACCEPTED,
    DOC_PAID,
    DOC_RECEIVED,
    DOC_REJECTED,
    VERIFY_DONE,
    Act,
    Batch,
    Document,
    Therapist,
)
from cocon_network.server.verify_pool import Verification

MAX_LISTED_NUMBERS = 5


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive moments: they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def find_batch(session: Session, batch_id: str) -> Batch | None:
    """The batch without its file (9 MB for 100 invoices: read only where needed)."""
    return session.get(Batch, batch_id, options=[defer(Batch.data)])


def admission_fault(session: Session, therapist: Therapist, verification: Verification,
                    network: str, pathway: str = DEFAULT_PATHWAY) -> tuple[str, str] | None:
    """What the network checks beyond the file (issue 19 #4, issue 21 #2): the practice is the token's, its signer
    is registered (and not revoked) for it, the batch's period meets its convention, the batch is of this server's
    care pathway (issue 22: a PCO-TND batch never reaches a COCON network's records) and for this network, and no
    document was received before."""
    if verification.siret != therapist.siret:
        return ("practice_unregistered",
                f"le lot est au nom du SIRET {verification.siret}, mais le jeton d'accès est celui du SIRET "
                f"{therapist.siret} : lot refusé")
    registered = active_fingerprints(session, therapist.id)
    if not registered:
        return ("practice_unregistered",
                f"aucun certificat n'est enregistré pour le SIRET {therapist.siret} : le réseau doit d'abord "
                "enregistrer le certificat de signature du cabinet (cocon-network certificate add)")
    if verification.signer_fingerprint not in registered:
        return ("signer_not_registered",
                f"le lot est signé par le certificat {display_fingerprint(verification.signer_fingerprint)}, qui "
                f"n'est pas celui enregistré pour le SIRET {therapist.siret} : lot refusé (un autre signataire "
                "au nom de ce cabinet ?)")
    if verification.period_start is not None and verification.period_end is not None:
        convention = convention_fault(therapist, verification.period_start, verification.period_end)
        if convention is not None:
            return convention
    if verification.pathway != pathway:
        return ("pathway_mismatch", f"ce serveur reçoit les lots du parcours {pathway_label(pathway)} ; ce lot relève "
                                    f"du parcours {pathway_label(verification.pathway)}")
    if network and verification.network != network:
        return ("network_mismatch", f"le lot est adressé au réseau {verification.network}, ce serveur est celui "
                                    f"du réseau {network}")
    numbers = [d.number for d in verification.documents]
    known = sorted(session.scalars(select(Document.number).where(Document.therapist_id == therapist.id,
                                                                  Document.number.in_(numbers))))
    if known:
        listed = ", ".join(known[:MAX_LISTED_NUMBERS]) + (" …" if len(known) > MAX_LISTED_NUMBERS else "")
        return ("document_already_received",
                f"{len(known)} document(s) de ce lot ont déjà été reçus dans un autre lot ({listed}) : "
                "un numéro de facture ne sert qu'une fois")
    return None


def convention_fault(therapist: Therapist, first: date, last: date) -> tuple[str, str] | None:
    """A batch whose period lies wholly outside the therapist's convention (a late batch for months under the
    convention is still received: care billed after the convention's end, of a time it covered)."""
    if therapist.convention_end is not None and first > therapist.convention_end:
        return ("convention_ended",
                f"la convention du SIRET {therapist.siret} avec le réseau a pris fin le "
                f"{therapist.convention_end:%d/%m/%Y} ; ce lot porte sur la période du {first:%d/%m/%Y} au "
                f"{last:%d/%m/%Y} : lot refusé (si la convention a été renouvelée, le réseau doit d'abord "
                "en enregistrer les nouvelles dates)")
    if last < therapist.convention_start:
        return ("convention_not_started",
                f"la convention du SIRET {therapist.siret} avec le réseau commence le "
                f"{therapist.convention_start:%d/%m/%Y} ; ce lot porte sur la période du {first:%d/%m/%Y} au "
                f"{last:%d/%m/%Y}, avant elle : lot refusé")
    return None


def _new_batch(therapist_id: int, batch_id: str, data: bytes, status: str, digest: str | None) -> Batch:
    return Batch(batch_id=batch_id, therapist_id=therapist_id, sha256=digest or sha256_hex(data), size=len(data),
                 data=data, receipt_id=str(uuid.uuid4()), received_at=datetime.now(UTC).replace(microsecond=0),
                 status=status)


def store_rejected(session: Session, therapist_id: int, batch_id: str, data: bytes, code: str,
                   reason: str, *, digest: str | None = None) -> Batch:
    batch = _new_batch(therapist_id, batch_id, data, STATUS_REJECTED, digest)
    batch.reject_code, batch.reject_reason = code[:64], reason
    session.add(batch)
    session.flush()
    return batch


def store_accepted(session: Session, therapist: Therapist, batch_id: str, data: bytes,
                   verification: Verification, *, state: str = VERIFY_DONE, digest: str | None = None) -> Batch:
    """`state` VERIFY_PENDING: stored after the checks before the receipt (verify_pool.precheck), the full
    verification to come (ingest_verify.py). Each PDF is stored once, in the batch's ZIP (document_pdf.pdf_of):
    half the bytes to write (9 MB instead of 18 for 100 invoices). The documents and acts go in by COPY on
    PostgreSQL (bulk_insert.py: a few milliseconds where ORM objects took ≈ 0.1 s of CPU for 100 invoices);
    `digest`: the SHA-256 of `data` when the caller has it already."""
    batch = _new_batch(therapist.id, batch_id, data, STATUS_RECEIVED, digest)
    batch.verification = state
    batch.siret, batch.network = verification.siret, verification.network
    batch.period_start, batch.period_end = verification.period_start, verification.period_end
    batch.total_cents = verification.total_cents
    session.add(batch)
    session.flush()  # the batch's key before its documents: a concurrent twin fails here, on the primary key
    bulk_insert(session, Document, [dict(
        batch_id=batch_id, therapist_id=therapist.id, number=d.number, series=d.series, sequence=d.sequence,
        kind=d.kind, corrects=d.corrects, issue_date=d.issue_date, amount_cents=d.amount_cents, pdf=b"",
        sha256=d.sha256, signature_status=d.signature_status, facturx_xml=d.facturx_xml, status=DOC_RECEIVED,
        decision_reason="") for d in verification.documents])
    ids = {number: document_id for number, document_id in
           session.execute(select(Document.number, Document.id).where(Document.batch_id == batch_id))}
    bulk_insert(session, Act, [dict(
        document_id=ids[a.document], therapist_id=therapist.id, line=a.line, act_date=a.act_date,
        inclusion_number=a.inclusion_number, initials=a.initials, discipline=a.discipline, nature=a.nature,
        amount_cents=a.amount_cents) for a in verification.acts])
    return batch


def highest(session: Session, therapist_id: int) -> dict[str, int]:
    rows = session.execute(select(Document.series, func.max(Document.sequence))
                           .where(Document.therapist_id == therapist_id, Document.series != "")
                           .group_by(Document.series))
    return {str(series): int(sequence) for series, sequence in rows}


def batch_status(session: Session, batch: Batch) -> str:
    if batch.status == STATUS_REJECTED:
        return STATUS_REJECTED
    invoices = session.execute(select(func.count(), func.count().filter(Document.status == DOC_PAID))
                               .where(Document.batch_id == batch.batch_id, Document.kind == "invoice")).one()
    if invoices[0] and invoices[0] == invoices[1]:
        return STATUS_PAID
    return batch.status


def receipt_of(session: Session, batch: Batch) -> Receipt:
    rejected = batch.status == STATUS_REJECTED
    decisions: tuple[DocumentDecision, ...] = ()
    if not rejected:
        rows = session.execute(select(Document.number, Document.status, Document.decision_reason)
                               .where(Document.batch_id == batch.batch_id,
                                      Document.status.in_((DOC_ACCEPTED, DOC_REJECTED, DOC_PAID)))
                               .order_by(Document.id))
        decisions = tuple(DocumentDecision(number, status, reason if status == DOC_REJECTED else "")
                          for number, status, reason in rows)
    return Receipt(receipt_id=batch.receipt_id, received_at=_aware(batch.received_at),
                   status=batch_status(session, batch), reason=batch.reject_reason, code=batch.reject_code,
                   batch_id=batch.batch_id, sha256=batch.sha256,
                   highest={} if rejected or batch.therapist_id is None else highest(session, batch.therapist_id),
                   documents=decisions)
