"""Payments against invoices, the state of each invoice (derived), and what is unpaid and since when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.models import Invoice, InvoiceEvent, Payment
from cocon_desktop.services.invoicing import cents

STATES = {"emise": "Émise", "envoyee": "Envoyée", "payee": "Payée", "partiellement_payee": "Partiellement payée",
          "rejetee": "Rejetée", "annulee": "Annulée par avoir"}
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

    @property
    def remaining(self) -> Decimal:
        return max(Decimal("0.00"), self.total - self.credited - self.paid)

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due_date).days)


def _euros(value: int | None) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(Decimal("0.01"))


def statuses(sessions: sessionmaker[Session], network: str = "", kind: str = "") -> list[InvoiceStatus]:
    """Every document with its derived state, newest first (sums computed in SQL)."""
    credits = (select(Invoice.corrects_id.label("iid"), func.sum(Invoice.total_cents).label("amount"))
               .where(Invoice.kind == "credit_note").group_by(Invoice.corrects_id).subquery())
    paid = (select(Payment.invoice_id.label("iid"), func.sum(Payment.amount_cents).label("amount"))
            .group_by(Payment.invoice_id).subquery())
    last_event = (select(InvoiceEvent.invoice_id.label("iid"), func.max(InvoiceEvent.id).label("eid"))
                  .group_by(InvoiceEvent.invoice_id).subquery())
    statement = (select(Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.due_date,
                        Invoice.network, Invoice.total_cents, credits.c.amount, paid.c.amount, InvoiceEvent.kind)
                 .outerjoin(credits, credits.c.iid == Invoice.id).outerjoin(paid, paid.c.iid == Invoice.id)
                 .outerjoin(last_event, last_event.c.iid == Invoice.id)
                 .outerjoin(InvoiceEvent, InvoiceEvent.id == last_event.c.eid)
                 .order_by(Invoice.issue_date.desc(), Invoice.id.desc()))
    if network:
        statement = statement.where(Invoice.network == network)
    if kind:
        statement = statement.where(Invoice.kind == kind)
    out = []
    with sessions() as session:
        for iid, number, k, issued, due, net, total, credited, pay, event in session.execute(statement):
            total_d, credited_d, paid_d = _euros(total), _euros(credited), _euros(pay)
            if k == "credit_note":
                state = "emise" if event is None else "envoyee"
            elif credited_d >= total_d:
                state = "annulee"
            elif paid_d >= total_d - credited_d:
                state = "payee"
            elif paid_d > 0:
                state = "partiellement_payee"
            elif event == "rejected":
                state = "rejetee"
            elif event in ("sent", "received"):
                state = "envoyee"
            else:
                state = "emise"
            out.append(InvoiceStatus(iid, number, k, issued, due, net, total_d, credited_d, paid_d, state))
    return out


def unpaid(sessions: sessionmaker[Session], today: date) -> list[InvoiceStatus]:
    """Invoices with something left to be paid, the oldest first."""
    rows = [s for s in statuses(sessions, kind="invoice") if s.remaining > 0]
    return sorted(rows, key=lambda s: (s.issue_date, s.number))


def record_payment(sessions: sessionmaker[Session], number: str, day: date, amount: Decimal, today: date,
                   reference: str = "", means: str = "virement") -> InvoiceStatus:
    errors: list[FieldError] = []
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        errors.append(FieldError("amount", "amount_invalid", {"value": str(amount)}))
    if day > today:
        errors.append(FieldError("day", "date_in_future"))
    if means not in MEANS:
        errors.append(FieldError("means", "choice_invalid"))
    current = next((s for s in statuses(sessions, kind="invoice") if s.number == number.strip().upper()), None)
    if current is None:
        raise CoconError("invoice_not_found", number=number)
    if day < current.issue_date:
        errors.append(FieldError("day", "payment_before_issue"))
    if not errors and amount > current.remaining:
        errors.append(FieldError("amount", "payment_exceeds_due", {"due": str(current.remaining)}))
    if errors:
        raise ValidationError(errors)
    with sessions.begin() as session:
        session.add(Payment(invoice_id=current.id, day=day, amount_cents=cents(amount), reference=reference.strip(),
                            means=means, created_at=datetime.now(UTC)))
    return next(s for s in statuses(sessions, kind="invoice") if s.id == current.id)


def record_event(sessions: sessionmaker[Session], invoice_ids: list[int], kind: str, detail: str = "") -> None:
    """Sent to the network, received, or rejected (with the network's reason): used by the sync."""
    with sessions.begin() as session:
        now = datetime.now(UTC)
        session.add_all(InvoiceEvent(invoice_id=iid, kind=kind, at=now, detail=detail) for iid in invoice_ids)
