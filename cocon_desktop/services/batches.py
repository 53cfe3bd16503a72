"""Batches ("lots de facturation"): the issued invoices and credit notes not yet sent to a network, closed into
one signed file (sync/batch_format.py), kept in the database as built, put in the outbox, exported.

States: `prepare` (closed, waiting in the outbox) → `exporte` (written to a file for the therapist to hand over
to the network — its portal, a drive —: « à remettre au réseau », not yet delivered) → `recu` (delivered over
HTTPS, the network acknowledged it) or `rejete` (with its reason; its documents become pending again) → `paye`
(every invoice of the batch paid — derived from the payments — or reported paid by the network). `envoye` was
what an export set before migration 0012 (which turned those batches into `exporte`); no code writes it now, its
label stays for a file written by an older version.
A document is never in two batches that are not rejected: checked in the closing IMMEDIATE transaction, and by
a trigger (migration 0006).

A batch is for one payer (issue 22, services/batch_payers.py): a COCON network, or a payer configured for another
pathway (PCO1…). A payer whose pathway says `sync = false` (PCO-TND) gets its batches exported only: closed
« Préparé » without an outbox entry, then « Exporté » once written to a file; the Synchronisation page lists
them not (`sendable_only`)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from cocon_desktop.db.engine import IMMEDIATE
from cocon_desktop.domain.money import from_cents, to_cents
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import CoconError
from cocon_desktop.fsutil import atomic_write, ensure_private_dir
from cocon_desktop.models import Batch, BatchDocument, Invoice, InvoiceEvent, InvoiceLine, OutboxEntry, Payment
from cocon_desktop.services import outbox_errors
from cocon_desktop.services.batch_payers import batch_payer, export_only_codes
from cocon_desktop.services.changes import HANDLE, Changes, writes
from cocon_desktop.services.document_decisions import REFUSED_ONLY
from cocon_desktop.services.outbox_errors import OutboxError
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from cocon_exchange import batch_format as fmt

STATES = {"prepare": "Préparé", "exporte": "Exporté (à remettre au réseau)", "envoye": "Envoyé", "recu": "Reçu",
          "rejete": "Rejeté", "paye": "Payé"}
OPEN_STATES = ("prepare", "exporte", "envoye")  # not yet acknowledged by the network
TO_SEND = "prepare"  # not yet handed over (neither sent nor exported): what the status bar counts as « à envoyer »
EXPORTED = "exporte"  # exported, « à remettre au réseau »: neither « à envoyer » nor « Envoyé »
EXPORTED_TO_PLATFORM = "Exporté (à remettre à la plateforme)"  # the same state, for a payer without a server (PCO)


@dataclass(frozen=True)
class PendingDocument:
    number: str
    kind: str
    issue_date: date
    total: Decimal


@dataclass(frozen=True)
class BatchSummary:
    id: int
    batch_id: str
    network: str
    period_start: date
    period_end: date
    created_at: datetime
    file_name: str
    documents: int
    total: Decimal  # what the network owes: invoices minus credit notes
    state: str  # see STATES
    receipt_id: str
    received_at: datetime | None
    reason: str
    attempts: int
    last_attempt_at: datetime | None
    error: OutboxError | None  # why the last sending failed, or the network's reason for a rejection
    next_attempt_at: datetime | None
    exported_at: datetime | None
    # its invoices the network rejected on their own (issue 21): (number, the network's reason), by number
    refused: tuple[tuple[str, str], ...] = ()
    export_only: bool = False  # its payer's pathway has no server (PCO-TND): exported, never sent

    @property
    def state_label(self) -> str:
        if self.export_only and self.state == EXPORTED:
            return EXPORTED_TO_PLATFORM
        return STATES.get(self.state, self.state)

    @property
    def last_error(self) -> str:
        """`error` as a French sentence, for the command line ("" for none); the window translates the code."""
        from cocon_desktop import messages

        return "" if self.error is None else messages.text(self.error.code, self.error.params)


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC): what the database stores and compares."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """A stored datetime (SQLite gives it back naive, in UTC) made aware again."""
    return None if moment is None else utc(moment)


def network_code(network: str) -> str:
    code = network.strip().upper()
    if code not in NETWORKS:
        raise CoconError("network_unknown", value=network)
    return code


def in_live_batch() -> Select[int]:
    """The ids of the documents in a batch that is not rejected."""
    return (select(BatchDocument.invoice_id).join(Batch, Batch.id == BatchDocument.batch_pk)
            .where(Batch.state != "rejete"))


def _pending_where(network: str = "") -> list[Any]:
    where: list[Any] = [Invoice.id.not_in(in_live_batch())]
    if network:
        where.append(Invoice.network == network)
    return where


def pending_documents(sessions: sessionmaker[Session], network: str) -> list[PendingDocument]:
    """The issued invoices and credit notes of `network` (a payer: services/batch_payers.py) in no batch (or only
    in rejected ones), oldest first."""
    with sessions() as session:
        code = batch_payer(session, network).code
        rows = session.execute(select(Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.total_cents)
                               .where(*_pending_where(code)).order_by(Invoice.issue_date, Invoice.id))
        return [PendingDocument(number, kind, issued, from_cents(total)) for number, kind, issued, total in rows]


def paid_batches(session: Session) -> set[int]:
    """Batches whose every invoice is settled (paid, or cancelled by credit notes), as payments.statuses says."""
    # Every invoice column read here is in an index (ix_invoice_corrects: corrects_id, kind, total_cents, and the
    # rowid): `coalesce(kind, '')` keeps SQLite off the unique (kind, year, sequence) index and `invoice.id + 0`
    # makes it scan that covering index, then find each invoice's batch — never the invoice rows with their PDF
    # (large practice: 250 → 40 ms; the Synchronisation page's list of batches runs it at each reading).
    credit = aliased(Invoice)
    credits = (select(credit.corrects_id.label("iid"), func.sum(credit.total_cents).label("amount"))
               .where(func.coalesce(credit.kind, "") == "credit_note").group_by(credit.corrects_id).subquery())
    paid = (select(Payment.invoice_id.label("iid"), func.sum(Payment.amount_cents).label("amount"))
            .group_by(Payment.invoice_id).subquery())
    settled = func.coalesce(paid.c.amount, 0) + func.coalesce(credits.c.amount, 0) >= Invoice.total_cents
    statement = (select(BatchDocument.batch_pk).select_from(Invoice)
                 .join(BatchDocument, BatchDocument.invoice_id == Invoice.id + 0)
                 .outerjoin(credits, credits.c.iid == Invoice.id).outerjoin(paid, paid.c.iid == Invoice.id)
                 .where(func.coalesce(Invoice.kind, "") == "invoice").group_by(BatchDocument.batch_pk)
                 .having(func.count() == func.sum(case((settled, 1), else_=0))))
    return set(session.scalars(statement))


def effective_state(stored: str, batch_pk: int, paid: set[int]) -> str:
    """`paye` is derived for a batch handed over (exporté, reçu) once every invoice in it is paid."""
    return "paye" if stored in ("exporte", "envoye", "recu") and batch_pk in paid else stored


_COLUMNS = (Batch.id, Batch.batch_id, Batch.network, Batch.period_start, Batch.period_end, Batch.created_at,
            Batch.file_name, Batch.documents, Batch.total_cents, Batch.state, Batch.receipt_id, Batch.received_at,
            Batch.reason, OutboxEntry.attempts, OutboxEntry.last_attempt_at, OutboxEntry.last_error,
            OutboxEntry.next_attempt_at, OutboxEntry.delivered_at, Batch.exported_at)


def refused_documents(session: Session) -> dict[int, tuple[tuple[str, str], ...]]:
    """Per batch, its documents the network rejected on their own (services/document_decisions.py): a few rows,
    found by the partial index of schema 0016 (one event each: a refused document stays refused)."""
    found: dict[int, dict[str, str]] = {}
    for pk, number, reason in session.execute(
            select(BatchDocument.batch_pk, Invoice.number, InvoiceEvent.detail)
            .join(InvoiceEvent, InvoiceEvent.invoice_id == BatchDocument.invoice_id)
            .join(Invoice, Invoice.id == BatchDocument.invoice_id)
            .where(REFUSED_ONLY)):
        found.setdefault(pk, {})[number] = reason
    return {pk: tuple(sorted(numbers.items())) for pk, numbers in found.items()}


def _summaries(session: Session, *where: Any) -> list[BatchSummary]:
    paid = paid_batches(session)
    refused = refused_documents(session)
    statement = (select(*_COLUMNS).outerjoin(OutboxEntry, OutboxEntry.batch_pk == Batch.id).where(*where)
                 .order_by(Batch.created_at.desc(), Batch.id.desc()))
    rows = session.execute(statement).all()
    # the payer table is read only when a batch is not a COCON network's (never for a COCON practice)
    manual = export_only_codes(session) if any(row[2] not in NETWORKS for row in rows) else frozenset()
    out = []
    for (pk, batch_id, network, start, end, created, name, documents, total, state, receipt, received, reason,
         attempts, last_attempt, last_error, next_attempt, delivered, exported) in rows:
        out.append(BatchSummary(
            id=pk, batch_id=batch_id, network=network, period_start=start, period_end=end, created_at=utc(created),
            file_name=name, documents=documents, total=from_cents(total), state=effective_state(state, pk, paid),
            receipt_id=receipt, received_at=aware(received), reason=reason, attempts=attempts or 0,
            last_attempt_at=aware(last_attempt), error=outbox_errors.read(last_error),
            next_attempt_at=aware(next_attempt) if delivered is None else None, exported_at=aware(exported),
            refused=refused.get(pk, ()), export_only=network in manual))
    return out


def list_batches(sessions: sessionmaker[Session], network: str = "", *,
                 sendable_only: bool = False) -> list[BatchSummary]:
    """Every batch (of `network` if given), newest first; `sendable_only` leaves out the batches of the payers whose
    batches are exported only (PCO-TND's: the Synchronisation page shows what goes to a network's server)."""
    with sessions() as session:
        found = _summaries(session, *([Batch.network == batch_payer(session, network).code] if network else []))
    return [batch for batch in found if not batch.export_only] if sendable_only else found


def get_batch(sessions: sessionmaker[Session], batch_pk: int) -> BatchSummary:
    with sessions() as session:
        found = _summaries(session, Batch.id == batch_pk)
    if not found:
        raise CoconError("batch_not_found", id=batch_pk)
    return found[0]


def batch_file(sessions: sessionmaker[Session], batch_pk: int) -> tuple[str, bytes]:
    """(file name, ZIP bytes) exactly as closed."""
    with sessions() as session:
        row = session.execute(select(Batch.file_name, Batch.zip).where(Batch.id == batch_pk)).first()
    if row is None:
        raise CoconError("batch_not_found", id=batch_pk)
    return row[0], bytes(row[1])


def _content_documents(session: Session, invoices: list[Invoice]) -> tuple[fmt.BatchDocument, ...]:
    ids = [invoice.id for invoice in invoices]
    lines: dict[int, list[fmt.BatchAct]] = {i: [] for i in ids}
    numbers = {invoice.id: invoice.number for invoice in invoices}
    for line in session.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id.in_(ids))
                                .order_by(InvoiceLine.invoice_id, InvoiceLine.line_no)):
        lines[line.invoice_id].append(fmt.BatchAct(
            document_number=numbers[line.invoice_id], line_no=line.line_no, service_day=line.service_day,
            inclusion_number=line.inclusion_number, initials=line.initials, discipline=line.discipline,
            seance_kind=line.seance_kind, amount=from_cents(line.amount_cents)))
    corrected_ids = {i.corrects_id for i in invoices if i.corrects_id is not None}
    corrected = {pk: number for pk, number in session.execute(
        select(Invoice.id, Invoice.number).where(Invoice.id.in_(corrected_ids)))}
    return tuple(fmt.BatchDocument(
        number=i.number, kind=i.kind, issue_date=i.issue_date,
        corrects_number=corrected.get(i.corrects_id) if i.corrects_id is not None else None,
        total=from_cents(i.total_cents), pdf=bytes(i.pdf), acts=tuple(lines[i.id])) for i in invoices)


def manifest_signer(sessions: sessionmaker[Session], pin: str | None = None) -> fmt.ManifestSigner:
    """batch_signing.manifest_signer, imported on first use (pyHanko, python-pkcs11: not at the program's start)."""
    from cocon_desktop.services.batch_signing import manifest_signer as signer

    return signer(sessions, pin)


def _practice(sessions: sessionmaker[Session]) -> fmt.BatchPractice:
    from cryptography.hazmat.primitives import serialization  # here: the dashboard reads batches at start

    from cocon_desktop.security.certificate import load_certificates
    from cocon_desktop.services.signing_identities import all_certificates

    profile = load_profile(sessions)
    address = ", ".join(part for part in (profile.address, f"{profile.postcode} {profile.city}".strip()) if part)
    fingerprints = tuple(hashlib.sha256(load_certificates(pem)[0].public_bytes(serialization.Encoding.DER))
                         .hexdigest() for pem in all_certificates(sessions))
    return fmt.BatchPractice(name=profile.legal_name, profession=profile.profession, rpps=profile.rpps,
                             adeli=profile.adeli, siret=profile.siret, address=address,
                             signing_certificates=fingerprints)


@writes(Changes.BATCHES, takes=HANDLE)
def close_batch(practice: Practice, network: str, now: datetime, pin: str | None = None) -> BatchSummary:
    """Close a batch of everything pending for `network` (a payer: a COCON network, or a configured one such as
    PCO1, whose pathway names the file and the manifest): the file is built and signed first (the slow part), then
    stored with its documents and put in the outbox — unless its pathway exports only — in ONE IMMEDIATE
    transaction, which re-checks that the pending set has not changed meanwhile (CoconError "batch_changed";
    "batch_empty" when nothing is pending). The file is verified as the network will (CoconError
    "batch_self_check_failed" otherwise); documents signed by an earlier identity of the practice pass because the
    manifest lists its certificates.
    `pin`: the token's PIN when the practice signs with a PKCS#11 token."""
    sessions = practice.sessions
    moment = utc(now)
    with sessions() as session:
        payer = batch_payer(session, network)
        code = payer.code
        invoices = list(session.scalars(select(Invoice).where(*_pending_where(code))
                                        .order_by(Invoice.issue_date, Invoice.id)))
        if not invoices:
            raise CoconError("batch_empty", network=code)
        documents = _content_documents(session, invoices)
    ids = {invoice.id for invoice in invoices}
    content = fmt.BatchContent(
        batch_id=str(uuid.uuid4()), network=code, period_start=min(i.period_start for i in invoices),
        period_end=max(i.period_end for i in invoices), created_at=moment, practice=_practice(sessions),
        documents=documents, pathway=payer.pathway)
    from cocon_exchange.batch_verify import verify_batch  # factur-x, pyHanko: imported when a batch is made

    data = fmt.build_batch(content, manifest_signer(sessions, pin))
    check = verify_batch(data)  # what the network will run: never store a file it would reject
    if check.first_fault is not None:
        raise CoconError("batch_self_check_failed", network=code, detail=check.first_fault.message)
    net = sum((fmt.signed_amount(d.kind, d.total) for d in documents), Decimal("0.00"))
    with sessions.begin() as session:
        session.connection(execution_options={IMMEDIATE: True})
        if set(session.scalars(select(Invoice.id).where(*_pending_where(code)))) != ids:
            raise CoconError("batch_changed", network=code)
        batch = Batch(batch_id=content.batch_id, network=code, period_start=content.period_start,
                      period_end=content.period_end, created_at=moment,
                      file_name=fmt.batch_file_name(content, payer.prefix),
                      zip=data, zip_sha256=hashlib.sha256(data).hexdigest(), documents=len(documents),
                      total_cents=to_cents(net), state="prepare", receipt_id="", reason="", updated_at=moment)
        session.add(batch)
        session.flush()
        session.add_all(BatchDocument(batch_pk=batch.id, invoice_id=i) for i in sorted(ids))
        if payer.sync:  # a payer without a server (PCO-TND) is never queued: its batch is exported
            session.add(OutboxEntry(batch_pk=batch.id, attempts=0, next_attempt_at=moment, last_error=""))
        batch_pk = batch.id
    return get_batch(sessions, batch_pk)


def record_documents_event(session: Session, batch_pk: int, kind: str, detail: str, at: datetime) -> None:
    """An invoice event ("sent", "received", "rejected") for every document of the batch, in the open
    transaction (payments.statuses derives the invoices' states from them)."""
    ids = list(session.scalars(select(BatchDocument.invoice_id).where(BatchDocument.batch_pk == batch_pk)))
    session.add_all(InvoiceEvent(invoice_id=iid, kind=kind, at=utc(at), detail=detail) for iid in ids)


@writes(Changes.BATCHES | Changes.INVOICES)  # its documents become « envoyée »
def export_batch(sessions: sessionmaker[Session], batch_pk: int, out_dir: Path, now: datetime) -> Path:
    """Write the batch file into `out_dir` (created 0700 if missing; an existing folder, a removable drive, is
    left as it is), atomically and 0600. A `prepare` batch becomes `exporte` (« à remettre au réseau ») and its
    documents "sent"; the batch stays in the outbox (a network with an endpoint still gets it: the receiver is
    idempotent by batch id), but the error of an earlier sending (« Aucune adresse de réception… ») goes: the
    therapist has chosen to hand the file over herself."""
    name, data = batch_file(sessions, batch_pk)
    if not out_dir.exists():
        ensure_private_dir(out_dir)
    target = out_dir / name
    atomic_write(target, data, private_dir=False)
    moment = utc(now)
    with sessions.begin() as session:
        batch = session.get(Batch, batch_pk)
        if batch is None:
            raise CoconError("batch_not_found", id=batch_pk)
        batch.exported_at = moment
        batch.updated_at = moment
        if batch.state == "prepare":
            batch.state = EXPORTED
            record_documents_event(session, batch_pk, "sent", f"lot {batch.batch_id} exporté", moment)
        entry = session.scalar(select(OutboxEntry).where(OutboxEntry.batch_pk == batch_pk))
        if entry is not None and entry.delivered_at is None:
            entry.last_error = ""
    return target


def last_unreceived(sessions: sessionmaker[Session], network: str) -> BatchSummary | None:
    """The newest batch of `network` still waiting for a receipt (préparé or exporté), if any."""
    return next((b for b in list_batches(sessions, network) if b.state in OPEN_STATES), None)


def pending_count(sessions: sessionmaker[Session]) -> int:
    """The status bar's « N à envoyer »: the issued documents in no batch (or only in rejected ones) plus the batches
    still « Préparé », i.e. not yet handed over to the network — neither sent nor exported. An exported batch reads
    « Exporté (à remettre au réseau) » on the Synchronisation page and on the dashboard, and is not counted here
    (the batch rows, the dashboard and this count say the same thing). A payer whose batches are exported only (a
    PCO) is not counted: its documents wait on the Facturation page (« Lots des plateformes »), not for a sending."""
    with sessions() as session:
        exported_only = export_only_codes(session)  # a PCO's documents are exported for it, never sent: not here
        documents = session.scalar(select(func.count()).select_from(Invoice).where(
            *_pending_where(), Invoice.network.not_in(exported_only))) or 0
        batches = session.scalar(select(func.count()).select_from(Batch).where(
            Batch.state == TO_SEND, Batch.network.not_in(exported_only))) or 0
    return int(documents) + int(batches)
