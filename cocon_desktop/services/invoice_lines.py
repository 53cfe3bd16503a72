"""The lines of an issued invoice, each with whether a credit note already cancels it (for choosing the lines
of a new credit note)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from cocon_desktop.domain.money import from_cents
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Invoice, InvoiceLine

LineRow = tuple[int, date, str, str, str, Decimal, bool]
"""(line_no, service_day, inclusion_number, initials, kind, amount, credited)."""


def lines_of(sessions: sessionmaker[Session], number: str) -> list[LineRow]:
    """The invoice's lines in order; CoconError "invoice_not_found" for an unknown number or a credit note."""
    credit = aliased(InvoiceLine)
    credited = exists().where(credit.credited_line_id == InvoiceLine.id)
    with sessions() as session:
        invoice_id = session.scalar(select(Invoice.id).where(Invoice.number == number.strip().upper(),
                                                             Invoice.kind == "invoice"))
        if invoice_id is None:
            raise CoconError("invoice_not_found", number=number)
        rows = session.execute(
            select(InvoiceLine.line_no, InvoiceLine.service_day, InvoiceLine.inclusion_number, InvoiceLine.initials,
                   InvoiceLine.seance_kind, InvoiceLine.amount_cents, credited)
            .where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.line_no))
        return [(int(no), day, inclusion, initials, kind, from_cents(amount),
                 bool(done)) for no, day, inclusion, initials, kind, amount, done in rows]
