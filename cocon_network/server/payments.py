"""Payment runs: the accountant picks accepted invoices, the server makes one SEPA credit transfer per therapist
(pain.001.001.09, sepa.py) and, once the bank has executed the file, marks the documents paid.

    payable(session) -> list[TherapistDue]           what could be paid now, per therapist
    create_run(session, settings, invoice_ids, execution_date, user_id) -> RunCreated
    execute_run(session, run_id, user_id) -> RunExecuted
    cancel_run(session, run_id, user_id)              a run not executed gives its documents back
    run_dues(session, run_id) -> list[TherapistDue]   what a run pays to whom (the remittance advice's content)

What a therapist is paid: the sum of her selected accepted invoices minus her accepted credit notes not yet in a
run. A credit note follows the invoice it corrects: it is netted when that invoice is in the same run or already
paid (the network recovers what it overpaid) or unknown to the network; it waits while that invoice is accepted
but not chosen, or not decided yet. A credit note that cancels an invoice the network rejected moves no money
(the network never paid that invoice: netting it would pay the therapist twice less); it is settled in the run
without effect on the amount. When the credit notes outweigh the invoices the therapist is left out of the run
(never a negative transfer: her documents wait, still accepted, for her next invoices); when they cancel out
exactly, her documents are settled in the run without a transfer.

A document belongs to one run at most: `document.payment_run_id` is a single column, and the documents are
locked (SELECT … FOR UPDATE on PostgreSQL) and checked free inside the transaction that takes them. Every call
runs in the caller's transaction (db.transaction) and records its decision in the audit log."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, load_only
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from cocon_exchange.money import euros
from cocon_exchange.protocol import STATUS_PAID
from cocon_network.server import sepa
from cocon_network.server.config import Settings
from cocon_network.server.models import (
    DOC_ACCEPTED,
    DOC_PAID,
    DOC_REJECTED,
    VERIFY_PENDING,
    Batch,
    Document,
    PaymentRun,
    Therapist,
)

INVOICE = "invoice"
_Select = TypeVar("_Select", bound=Select[Any])
CREDIT_NOTE = "credit_note"


# A batch whose PDFs are not verified yet pays nothing (decisions.py refuses decisions on it anyway)
_VERIFIED = ~exists().where(Batch.batch_id == Document.batch_id, Batch.verification == VERIFY_PENDING)

# What a run reads of a document (never its PDF nor its Factur-X XML: a month holds thousands of them)
_FIELDS = (Document.id, Document.batch_id, Document.therapist_id, Document.number, Document.kind,
           Document.corrects, Document.issue_date, Document.amount_cents, Document.status, Document.payment_run_id)
_COLUMNS = load_only(*_FIELDS)


class PaymentError(Exception):
    """A payment run refused, in French, for the console and the command line."""


def format_euros(cents: int) -> str:
    """12345 → « 123,45 € » (French typography)."""
    return euros(Decimal(cents) / 100)


def next_working_day(today: date) -> date:
    """The first Monday–Friday after `today` (the default execution date; the bank moves TARGET holidays)."""
    day = today + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class DocumentLine:
    id: int
    number: str
    kind: str
    issue_date: date
    amount_cents: int  # as issued (negative for a credit note)
    counted_cents: int  # what it weighs in the transfer (0: a credit note of a rejected invoice)
    batch_id: str
    corrects: str = ""

    @property
    def is_invoice(self) -> bool:
        return self.kind == INVOICE


@dataclass
class TherapistDue:
    therapist_id: int
    name: str
    siret: str
    iban: str
    bic: str
    documents: list[DocumentLine] = field(default_factory=list)

    @property
    def invoices(self) -> list[DocumentLine]:
        return [d for d in self.documents if d.is_invoice]

    @property
    def credit_notes(self) -> list[DocumentLine]:
        return [d for d in self.documents if not d.is_invoice]

    @property
    def net_cents(self) -> int:
        return sum(d.counted_cents for d in self.documents)

    @property
    def account_problem(self) -> str:
        """Why her account cannot receive a transfer (French), "" when it can."""
        return account_problem(self.name, self.iban, self.bic)


@functools.lru_cache(maxsize=4096)  # python-stdnum's IBAN check looks the bank up: ~0.3 ms, per therapist once
def account_problem(name: str, iban: str, bic: str) -> str:
    try:
        stdnum_iban.validate(iban)
    except ValidationError:
        return (f"L'IBAN de {name} (« {iban or 'vide'} ») n'est pas valide : corrigez-le dans sa fiche "
                "avant de lui virer quoi que ce soit.")
    if bic:
        try:
            stdnum_bic.validate(bic)
        except ValidationError:
            return f"Le BIC de {name} (« {bic} ») n'est pas valide : corrigez-le dans sa fiche."
    return ""


def _lock(statement: _Select, session: Session) -> _Select:
    """`statement` FOR UPDATE on PostgreSQL (SQLite locks the whole database on write anyway)."""
    return statement.with_for_update() if session.get_bind().dialect.name == "postgresql" else statement


def _audit(session: Session, user_id: int | None, action: str, target: str, detail: dict[str, object]) -> None:
    from cocon_network.server.audit import record

    record(session, user_id, action, target, detail)


def _corrected(session: Session, credit_notes: Sequence[Any]) -> dict[tuple[int, str], tuple[int, str]]:
    """(therapist, invoice number) → (invoice id, its status), for the invoices `credit_notes` correct."""
    wanted = {(d.therapist_id, d.corrects) for d in credit_notes if d.corrects}
    if not wanted:
        return {}
    rows = session.execute(select(Document.therapist_id, Document.number, Document.id, Document.status).where(
        Document.therapist_id.in_({t for t, _ in wanted}), Document.number.in_({n for _, n in wanted}),
        Document.kind == INVOICE))
    return {(row[0], row[1]): (row[2], row[3]) for row in rows if (row[0], row[1]) in wanted}


def _rejected_numbers(session: Session, documents: Sequence[Any]) -> set[tuple[int, str]]:
    credit_notes = [d for d in documents if d.kind != INVOICE]
    return {key for key, (_, status) in _corrected(session, credit_notes).items() if status == DOC_REJECTED}


def _line(document: Any, rejected: set[tuple[int, str]]) -> DocumentLine:
    counted = document.amount_cents
    if document.kind != INVOICE and (document.therapist_id, document.corrects) in rejected:
        counted = 0
    return DocumentLine(id=document.id, number=document.number, kind=document.kind,
                        issue_date=document.issue_date, amount_cents=document.amount_cents, counted_cents=counted,
                        batch_id=document.batch_id, corrects=document.corrects)


def _group(session: Session, documents: Sequence[Any]) -> list[TherapistDue]:
    """Documents (ORM objects or rows of _FIELDS) per therapist, in name order."""
    therapist_ids = {d.therapist_id for d in documents}
    rejected = _rejected_numbers(session, documents)
    therapists = {t.id: t for t in session.scalars(select(Therapist).where(Therapist.id.in_(therapist_ids)))}
    dues: dict[int, TherapistDue] = {}
    for document in sorted(documents, key=lambda d: (d.kind != INVOICE, d.issue_date, d.number)):
        therapist = therapists[document.therapist_id]
        due = dues.setdefault(therapist.id, TherapistDue(therapist.id, therapist.name, therapist.siret,
                                                         therapist.iban, therapist.bic))
        due.documents.append(_line(document, rejected))
    return sorted(dues.values(), key=lambda d: (sepa.sepa_text(d.name, 200).casefold(), d.therapist_id))


def payable(session: Session, therapist_ids: Iterable[int] | None = None) -> list[TherapistDue]:
    """Every accepted document not yet in a run, per therapist (name order); only `therapist_ids`' if given."""
    statement = select(*_FIELDS).where(Document.status == DOC_ACCEPTED, Document.payment_run_id.is_(None),
                                       _VERIFIED)
    if therapist_ids is not None:
        statement = statement.where(Document.therapist_id.in_(list(therapist_ids)))
    return _group(session, session.execute(statement).all())


def payable_invoice_ids(session: Session) -> list[int]:
    """Every accepted invoice not yet in a run (« tout payer »)."""
    return list(session.scalars(select(Document.id).where(
        Document.status == DOC_ACCEPTED, Document.kind == INVOICE, Document.payment_run_id.is_(None), _VERIFIED)
        .order_by(Document.id)))


def run_dues(session: Session, run_id: int, therapist_ids: Iterable[int] | None = None) -> list[TherapistDue]:
    """The documents of a run per therapist (only `therapist_ids`' if given), with what each therapist is paid."""
    statement = select(*_FIELDS).where(Document.payment_run_id == run_id)
    if therapist_ids is not None:
        statement = statement.where(Document.therapist_id.in_(list(therapist_ids)))
    return _group(session, session.execute(statement).all())


def remittance_text(network: str, due: TherapistDue, message_id: str) -> str:
    """The transfer's unstructured remittance (≤ 140): the invoice numbers when they fit, else the run."""
    numbers = " ".join(d.number for d in due.documents if d.counted_cents)
    listed = f"COCON {network} {numbers}"
    if len(listed) <= sepa.REMITTANCE_MAX:
        return listed
    return f"Reseau COCON {network} lot {message_id} - {len(due.documents)} documents, voir l'avis de paiement"


def new_message_id(network: str, now: datetime) -> str:
    """≤ 28 characters (its EndToEndIds add « -<therapist id> » within the 35 allowed): the network, the moment to
    the second, 24 random bits (two runs of the same second collide once in 16 million; the column is unique)."""
    code = sepa.sepa_text(network, 8).replace(" ", "") or "COCON"
    return f"{code}-{now.astimezone(UTC):%y%m%d%H%M%S}-{secrets.token_hex(3).upper()}"


@dataclass(frozen=True)
class RunCreated:
    run: PaymentRun
    paid: list[TherapistDue]  # one transfer each
    settled: list[TherapistDue]  # invoices and credit notes cancelling out: settled without a transfer
    left_out: list[str]  # French: who is left out and why

    @property
    def transfer_count(self) -> int:
        return len(self.paid)


def _selected_invoices(session: Session, invoice_ids: list[int]) -> list[Document]:
    if not invoice_ids:
        raise PaymentError("Aucune facture choisie : cochez les factures à payer.")
    documents = list(session.scalars(_lock(select(Document).options(_COLUMNS).where(Document.id.in_(invoice_ids))
                                           .order_by(Document.id), session)))
    missing = set(invoice_ids) - {d.id for d in documents}
    if missing:
        raise PaymentError(f"Document introuvable (n° interne {', '.join(map(str, sorted(missing)))}).")
    problems = []
    for document in documents:
        if document.kind != INVOICE:
            problems.append(f"{document.number} est un avoir : les avoirs suivent leurs factures d'eux-mêmes.")
        elif document.payment_run_id is not None:
            problems.append(f"La facture {document.number} est déjà dans un autre virement.")
        elif document.status != DOC_ACCEPTED:
            problems.append(f"La facture {document.number} n'est pas acceptée (état : {document.status}).")
    if problems:
        raise PaymentError(" ".join(problems))
    return documents


def _follows(invoice: tuple[int, str] | None, chosen: set[int]) -> bool:
    """Whether a credit note of the invoice (id, status) goes into a run paying `chosen`."""
    if invoice is None:
        return True  # an invoice the network never received: the credit note is a plain deduction
    invoice_id, status = invoice
    return status in (DOC_PAID, DOC_REJECTED) or invoice_id in chosen


def _debtor(settings: Settings) -> sepa.Debtor:
    problem = account_problem(settings.network_name, settings.debtor_iban, settings.debtor_bic)
    if problem:
        raise PaymentError("Le compte du réseau n'est pas réglé (debtor_iban, debtor_bic dans la configuration "
                           "du serveur) : " + problem)
    return sepa.Debtor(settings.network_name, stdnum_iban.compact(settings.debtor_iban),
                       stdnum_bic.compact(settings.debtor_bic) if settings.debtor_bic else "")


def create_run(session: Session, settings: Settings, invoice_ids: Iterable[int], execution_date: date,
               user_id: int | None = None, *, now: datetime | None = None) -> RunCreated:
    """A payment run over the chosen invoices and their therapists' accepted credit notes, its SEPA file valid.
    Raises PaymentError (nothing is changed) when an invoice is not payable, an account invalid, nothing due."""
    now = now or datetime.now(UTC)
    debtor = _debtor(settings)
    if execution_date < now.astimezone(UTC).date():
        raise PaymentError(f"La date d'exécution {execution_date:%d/%m/%Y} est passée.")
    invoices = _selected_invoices(session, sorted(set(invoice_ids)))
    therapist_ids = sorted({d.therapist_id for d in invoices})
    credit_notes = list(session.scalars(_lock(select(Document).options(_COLUMNS).where(
        Document.therapist_id.in_(therapist_ids), Document.kind != INVOICE, Document.status == DOC_ACCEPTED,
        Document.payment_run_id.is_(None)).order_by(Document.id), session)))
    chosen = {d.id for d in invoices}
    corrected = _corrected(session, credit_notes)
    credit_notes = [d for d in credit_notes if _follows(corrected.get((d.therapist_id, d.corrects)), chosen)]
    dues = _group(session, invoices + credit_notes)
    paid = [d for d in dues if d.net_cents > 0]
    settled = [d for d in dues if d.net_cents == 0]
    left_out = [f"{d.name} : ses avoirs ({format_euros(-sum(c.counted_cents for c in d.credit_notes))}) "
                f"dépassent ses factures choisies ({format_euros(sum(i.amount_cents for i in d.invoices))}) ; "
                "aucun virement négatif, ses documents attendent ses prochaines factures."
                for d in dues if d.net_cents < 0]
    accounts = [d.account_problem for d in paid if d.account_problem]
    if accounts:
        raise PaymentError(" ".join(accounts))
    if not paid:
        raise PaymentError("Rien à virer : " + (" ".join(left_out) or "les avoirs compensent les factures."))
    message_id = new_message_id(settings.network, now)
    transfers = [sepa.CreditTransfer(end_to_end_id=f"{message_id}-{d.therapist_id}", name=d.name,
                                     iban=stdnum_iban.compact(d.iban),
                                     bic=stdnum_bic.compact(d.bic) if d.bic else "", amount_cents=d.net_cents,
                                     remittance=remittance_text(settings.network, d, message_id)) for d in paid]
    try:
        xml = sepa.build_pain001(debtor, transfers, message_id=message_id, execution_date=execution_date,
                                 created_at=now)
    except sepa.SepaInvalid as error:
        raise PaymentError(str(error)) from error
    run = PaymentRun(message_id=message_id, created_at=now, created_by=user_id, execution_date=execution_date,
                     total_cents=sum(t.amount_cents for t in transfers), sepa_xml=xml)
    session.add(run)
    session.flush()
    taken = {line.id for due in paid + settled for line in due.documents}
    for document in invoices + credit_notes:
        if document.id in taken:
            document.payment_run_id = run.id
    _audit(session, user_id, "payment_run_created", f"virement {message_id}", {
        "execution_date": execution_date.isoformat(), "total_cents": run.total_cents,
        "transfers": {d.siret: d.net_cents for d in paid}, "documents": sorted(taken)})
    session.flush()
    return RunCreated(run=run, paid=paid, settled=settled, left_out=left_out)


@dataclass(frozen=True)
class RunExecuted:
    run: PaymentRun
    documents: int
    batches_paid: list[str]


def _run_for_update(session: Session, run_id: int) -> PaymentRun:
    run = session.scalar(_lock(select(PaymentRun).where(PaymentRun.id == run_id), session))
    if run is None:
        raise PaymentError(f"Virement introuvable (n° {run_id}).")
    return run


def execute_run(session: Session, run_id: int, user_id: int | None = None, *,
                now: datetime | None = None) -> RunExecuted:
    """The bank executed the run's file: its documents become paid, a batch whose every invoice is paid too."""
    now = now or datetime.now(UTC)
    run = _run_for_update(session, run_id)
    if run.executed_at is not None:
        raise PaymentError(f"Le virement {run.message_id} est déjà marqué exécuté (le "
                           f"{run.executed_at.astimezone(UTC):%d/%m/%Y}) : il ne peut l'être deux fois.")
    documents = list(session.scalars(_lock(select(Document).options(_COLUMNS).where(
        Document.payment_run_id == run.id).order_by(Document.id), session)))
    for document in documents:
        document.status = DOC_PAID
    session.flush()
    batch_ids = sorted({d.batch_id for d in documents})
    unpaid = select(Document.id).where(Document.batch_id == Batch.batch_id, Document.kind == INVOICE,
                                       Document.status != DOC_PAID).exists()
    has_invoice = select(Document.id).where(Document.batch_id == Batch.batch_id, Document.kind == INVOICE).exists()
    batches_paid = []
    for batch in session.scalars(_lock(select(Batch).where(Batch.batch_id.in_(batch_ids), has_invoice, ~unpaid)
                                       .order_by(Batch.batch_id), session)):
        batch.status = STATUS_PAID
        batches_paid.append(batch.batch_id)
    run.executed_at, run.executed_by = now, user_id
    _audit(session, user_id, "payment_run_executed", f"virement {run.message_id}", {
        "total_cents": run.total_cents, "documents": [d.number for d in documents], "batches_paid": batches_paid})
    session.flush()
    return RunExecuted(run=run, documents=len(documents), batches_paid=batches_paid)


def cancel_run(session: Session, run_id: int, user_id: int | None = None) -> None:
    """A run not executed (the bank refused the file, a mistake): its documents are payable again."""
    run = _run_for_update(session, run_id)
    if run.executed_at is not None:
        raise PaymentError(f"Le virement {run.message_id} est exécuté : il ne peut plus être annulé.")
    documents = list(session.scalars(_lock(select(Document).options(_COLUMNS)
                                           .where(Document.payment_run_id == run.id), session)))
    for document in documents:
        document.payment_run_id = None
    session.flush()
    _audit(session, user_id, "payment_run_cancelled", f"virement {run.message_id}",
           {"documents": [d.number for d in documents], "total_cents": run.total_cents})
    session.delete(run)
    session.flush()
