"""The livre-journal des recettes of a BNC professional: one line per amount received (date, payer, reference,
the invoices it pays, amount, means of payment), and the year's summary for the 2035 return. Computed by the
database (sums grouped by month and network), from the payments recorded against the invoices."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.documents.report_data import JournalEntry, YearSummary
from cocon_desktop.domain.money import from_cents
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.models import Invoice, Payer, Payment
from cocon_desktop.services.payments import MEANS
from cocon_desktop.services.report_sql import credits_until, payments_until

__all__ = ["JournalEntry", "YearSummary", "payer_name", "payer_names", "receipts_journal", "year_summary"]


def payer_name(network: str, names: Mapping[str, str] | None = None) -> str:
    """A COCON network's name, else the payer's in `names` (payer_names: a PCO's, typed in Paramètres), else its
    code."""
    known = NETWORKS.get(network)
    return known.name if known else (names or {}).get(network, network)


def payer_names(session: Session) -> dict[str, str]:
    """The configured payers' names by code (PCO1 → « PCO-TND de la Gironde »); {} for a COCON-only practice."""
    return {code: name for code, name in session.execute(select(Payer.code, Payer.name))}


def receipts_journal(sessions: sessionmaker[Session], year: int) -> list[JournalEntry]:
    """Every payment received in `year`, by date (then in the order recorded)."""
    with sessions() as session:
        rows = session.execute(
            select(Payment.day, Invoice.network, Payment.reference, Invoice.number, Payment.amount_cents,
                   Payment.means)
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .where(Payment.day >= date(year, 1, 1), Payment.day <= date(year, 12, 31))
            .order_by(Payment.day, Payment.id))
        names = payer_names(session)
        return [JournalEntry(day, payer_name(network, names), reference or "", number, from_cents(amount),
                             MEANS.get(means, means)) for day, network, reference, number, amount, means in rows]


def year_summary(sessions: sessionmaker[Session], year: int) -> YearSummary:
    """Receipts of the year (in all, per month, per network), invoices and credit notes issued in the year, and
    what remained unpaid at 31/12 on the invoices issued in the year (credit notes and payments up to 31/12)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year = (Payment.day >= first, Payment.day <= last)
    month = func.extract("month", Payment.day)
    with sessions() as session:
        per_month = {int(m): from_cents(v) for m, v in session.execute(
            select(month, func.sum(Payment.amount_cents)).where(*in_year).group_by(month))}
        per_network = {n: from_cents(v) for n, v in session.execute(
            select(Invoice.network, func.sum(Payment.amount_cents)).join(Invoice, Invoice.id == Payment.invoice_id)
            .where(*in_year).group_by(Invoice.network))}
        issued = {k: from_cents(v) for k, v in session.execute(
            select(Invoice.kind, func.sum(Invoice.total_cents))
            .where(Invoice.issue_date >= first, Invoice.issue_date <= last).group_by(Invoice.kind))}
        credits, paid = credits_until(last), payments_until(last)
        remaining = Invoice.total_cents - func.coalesce(credits.c.amount, 0) - func.coalesce(paid.c.amount, 0)
        outstanding = session.scalar(
            select(func.sum(remaining)).outerjoin(credits, credits.c.iid == Invoice.id)
            .outerjoin(paid, paid.c.iid == Invoice.id)
            .where(Invoice.kind == "invoice", Invoice.issue_date >= first, Invoice.issue_date <= last,
                   remaining > 0))
    order = [c for c in NETWORKS if c in per_network] + sorted(set(per_network) - set(NETWORKS))
    return YearSummary(
        year=year, receipts=sum(per_month.values(), Decimal("0.00")),
        per_month=tuple((m, per_month.get(m, Decimal("0.00"))) for m in range(1, 13)),
        per_network=tuple((code, per_network[code]) for code in order),
        invoiced=issued.get("invoice", Decimal("0.00")), credited=issued.get("credit_note", Decimal("0.00")),
        outstanding=from_cents(outstanding))
