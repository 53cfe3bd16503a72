"""Payments against invoices, the state of each invoice (derived), and what is unpaid and since when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from cocon_desktop.domain.money import from_cents, is_whole_cents, to_cents
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import Child, Invoice, InvoiceEvent, Payment
from cocon_desktop.services.changes import Changes, writes

STATES = {"emise": "Émise", "envoyee": "Envoyée", "payee": "Payée", "partiellement_payee": "Partiellement payée",
          "rejetee": "Rejetée", "annulee": "Annulée par avoir", "acceptee": "Acceptée par le réseau"}
REJECTED_EVENTS = ("rejected", "refused")  # its batch rejected whole; itself alone (issue 21: document_decisions)
MAX_PAYMENT = Decimal("1000000")  # euros: far above any invoice, far below what a cent column holds
MEANS = {"virement": "Virement", "cheque": "Chèque", "autre": "Autre"}


@dataclass(frozen=True)
class InvoiceStatus:
    id: int
    number: str
    kind: str
    issue_date: date
    due_date: date
    network: str
    total: Decimal
    credited: Decimal
    paid: Decimal
    state: str
    period_start: date | None = None  # the séances' period (the practitioner's lists: « Période »)
    period_end: date | None = None
    child: str = ""  # "DUPONT Léa": the practitioner's own screen only; "" for a network-wide invoice
    reason: str = ""  # rejetee: the network's reason (a remote_text)
    refused: bool = False  # rejetee by the network on its own (issue 21): to correct by a credit note + new invoice
    paid_on: date | None = None  # payee: the day of its last payment (the network's answer, or recorded by hand)

    @property
    def remaining(self) -> Decimal:
        return max(Decimal("0.00"), self.total - self.credited - self.paid)

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due_date).days)


@dataclass(frozen=True)
class Listing:
    """Which documents a list shows, in which order: `state` one of STATES ("" for all), `owing_only` those with
    something left to pay, `oldest_first` the unpaid list's order (else the newest first)."""

    network: str = ""
    kind: str = ""
    state: str = ""
    owing_only: bool = False
    oldest_first: bool = False
    number: str = ""


def _listing(listing: Listing) -> Select[Any]:
    """Each document with its sums and state computed in SQL. The documents are read from ix_invoice_listing
    (schema 0009) alone, in its order, with three indexed look-ups a row: a page of 200 costs ~1 ms on 12,000
    invoices, where loading every status converted 12,000 rows (and read each invoice row, its PDF inline)."""
    credit = aliased(Invoice)
    credited = func.coalesce(select(func.sum(credit.total_cents))
                             .where(credit.corrects_id == Invoice.id, credit.kind == "credit_note")
                             .scalar_subquery(), 0)
    paid = func.coalesce(select(func.sum(Payment.amount_cents)).where(Payment.invoice_id == Invoice.id)
                         .scalar_subquery(), 0)
    event = (select(InvoiceEvent.kind).where(InvoiceEvent.invoice_id == Invoice.id)
             .order_by(InvoiceEvent.id.desc()).limit(1).scalar_subquery())
    inner = select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.due_date, Invoice.network,
                   Invoice.total_cents, credited.label("credited"), paid.label("paid"), event.label("event"))
    # kind and network are compared through coalesce() on purpose: an index on either (the unique one starts with
    # kind) would make SQLite read every matching row, each with its PDF inline (160 ms for the unpaid list
    # instead of 18), where ix_invoice_listing has every column a list needs, in its order
    if listing.network:
        inner = inner.where(func.coalesce(Invoice.network, "") == listing.network)
    if listing.kind:
        inner = inner.where(func.coalesce(Invoice.kind, "") == listing.kind)
    if listing.number:
        inner = inner.where(Invoice.number == listing.number)
    if listing.owing_only:
        inner = inner.where(Invoice.total_cents > credited + paid)
    rows = inner.subquery("listing")
    state = case(
        (rows.c.kind == "credit_note", case((rows.c.event.is_(None), "emise"), else_="envoyee")),
        (rows.c.credited >= rows.c.total_cents, "annulee"),
        (rows.c.paid >= rows.c.total_cents - rows.c.credited, "payee"),
        (rows.c.paid > 0, "partiellement_payee"),
        (rows.c.event.in_(REJECTED_EVENTS), "rejetee"),
        (rows.c.event.in_(("sent", "received")), "envoyee"),
        (rows.c.event == "accepted", "acceptee"),
        else_="emise")
    statement = select(rows.c.id, rows.c.number, rows.c.kind, rows.c.issue_date, rows.c.due_date, rows.c.network,
                       rows.c.total_cents, rows.c.credited, rows.c.paid, state.label("state"))
    if listing.state:
        statement = statement.where(state == listing.state)
    if listing.oldest_first:
        return statement.order_by(rows.c.issue_date, rows.c.id)
    return statement.order_by(rows.c.issue_date.desc(), rows.c.id.desc())


def _status(row: Any, details: dict[int, tuple[date, date, str]] | None = None,
            notes: dict[int, tuple[str, bool, date | None]] | None = None) -> InvoiceStatus:
    iid, number, kind, issued, due, network, total, credited, paid, state = row
    start, end, child = (details or {}).get(iid, (None, None, ""))
    reason, refused, paid_on = (notes or {}).get(iid, ("", False, None))
    return InvoiceStatus(iid, number, kind, issued, due, network, from_cents(total), from_cents(credited),
                         from_cents(paid), state, start, end, child, reason, refused, paid_on)


def _notes(session: Session, rows: list[Any]) -> dict[int, tuple[str, bool, date | None]]:
    """For the rejected rows, the network's reason (the last rejection's) and whether it refused the document on its
    own; for the paid ones, the day of the last payment. Read for these rows only, by indexed look-ups."""
    notes: dict[int, tuple[str, bool, date | None]] = {}
    rejected = [row[0] for row in rows if row[-1] == "rejetee"]
    paid = [row[0] for row in rows if row[-1] == "payee"]
    for start in range(0, len(rejected), 500):
        for iid, kind, detail in session.execute(
                select(InvoiceEvent.invoice_id, InvoiceEvent.kind, InvoiceEvent.detail)
                .where(InvoiceEvent.invoice_id.in_(rejected[start:start + 500]),
                       InvoiceEvent.kind.in_(REJECTED_EVENTS)).order_by(InvoiceEvent.id)):
            notes[iid] = (detail, kind == "refused", None)  # the last one wins
    for start in range(0, len(paid), 500):
        for iid, day in session.execute(select(Payment.invoice_id, func.max(Payment.day))
                                        .where(Payment.invoice_id.in_(paid[start:start + 500]))
                                        .group_by(Payment.invoice_id)):
            notes[iid] = ("", False, day)
    return notes


def _statuses(session: Session, statement: Select[Any]) -> list[InvoiceStatus]:
    """The rows of a listing with their period and child, read by primary key for these rows only (the columns
    come before the inline PDF in the row: SQLite does not read the PDF for them)."""
    rows = list(session.execute(statement))
    ids = [row[0] for row in rows]
    details: dict[int, tuple[date, date, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for iid, first, last, last_name, first_name in session.execute(
                select(Invoice.id, Invoice.period_start, Invoice.period_end, Child.last_name, Child.first_name)
                .outerjoin(Child, Child.id == Invoice.child_id).where(Invoice.id.in_(chunk))):
            details[iid] = (first, last, f"{last_name.upper()} {first_name}" if last_name else "")
    notes = _notes(session, rows)
    return [_status(row, details, notes) for row in rows]


def status_page(sessions: sessionmaker[Session], listing: Listing, offset: int, limit: int) -> list[InvoiceStatus]:
    """One page of a list (LIMIT/OFFSET in SQL): what the paged tables of « Documents émis » and « Impayés » ask
    for as they scroll."""
    with sessions() as session:
        return _statuses(session, _listing(listing).offset(offset).limit(limit))


def statuses(sessions: sessionmaker[Session], network: str = "", kind: str = "",
             owing_only: bool = False) -> list[InvoiceStatus]:
    """Every document with its derived state, newest first; `owing_only`: only those with something left to pay.
    The lists of the window read pages (status_page) instead."""
    with sessions() as session:
        return _statuses(session, _listing(Listing(network, kind, owing_only=owing_only)))


def status_of(sessions: sessionmaker[Session], number: str) -> InvoiceStatus | None:
    """One document's state, by its number."""
    statement = _listing(Listing(number=number.strip().upper()))
    with sessions() as session:
        found = _statuses(session, statement.limit(1))
    return found[0] if found else None


UNPAID = Listing(kind="invoice", owing_only=True, oldest_first=True)


def unpaid(sessions: sessionmaker[Session], today: date) -> list[InvoiceStatus]:
    """Invoices with something left to be paid, the oldest first."""
    with sessions() as session:
        return _statuses(session, _listing(UNPAID))


def owing_summary(sessions: sessionmaker[Session]) -> tuple[int, Decimal]:
    """(how many invoices have something left to pay, the total left), computed in SQL."""
    rows = _listing(Listing(kind="invoice", owing_only=True)).order_by(None).subquery()
    remaining = func.max(0, rows.c.total_cents - rows.c.credited - rows.c.paid)
    with sessions() as session:
        count, total = session.execute(select(func.count(), func.coalesce(func.sum(remaining), 0))
                                       .select_from(rows)).one()
    return int(count), from_cents(total)


@writes(Changes.PAYMENTS)  # an invoice's state and its batch's « payé » are derived from them
def record_payment(sessions: sessionmaker[Session], number: str, day: date, amount: Decimal, today: date,
                   reference: str = "", means: str = "virement") -> InvoiceStatus:
    errors: list[FieldError] = []
    # NaN and infinities first: comparing them raises; an amount beyond a practice's invoices is a typing slip
    if not amount.is_finite() or amount <= 0 or amount > MAX_PAYMENT or not is_whole_cents(amount):
        errors.append(FieldError("amount", "amount_invalid", {"value": str(amount)}))
    if day > today:
        errors.append(FieldError("day", "date_in_future"))
    if means not in MEANS:
        errors.append(FieldError("means", "choice_invalid"))
    current = status_of(sessions, number)
    if current is None or current.kind != "invoice":
        raise CoconError("invoice_not_found", number=number)
    if day < current.issue_date:
        errors.append(FieldError("day", "payment_before_issue"))
    if not errors and amount > current.remaining:
        errors.append(FieldError("amount", "payment_exceeds_due", {"due": str(current.remaining)}))
    if errors:
        raise ValidationError(errors)
    with sessions.begin() as session:
        session.add(Payment(invoice_id=current.id, day=day, amount_cents=to_cents(amount), reference=reference.strip(),
                            means=means, created_at=datetime.now(UTC)))
    recorded = status_of(sessions, current.number)
    assert recorded is not None  # it was just paid
    return recorded


@writes(Changes.INVOICES)
def record_event(sessions: sessionmaker[Session], invoice_ids: list[int], kind: str, detail: str = "") -> None:
    """Sent to the network, received, or rejected (with the network's reason), for the invoices given (tests and the
    schema fixtures record states this way; the sync records them with its batches)."""
    with sessions.begin() as session:
        now = datetime.now(UTC)
        session.add_all(InvoiceEvent(invoice_id=iid, kind=kind, at=now, detail=detail) for iid in invoice_ids)
