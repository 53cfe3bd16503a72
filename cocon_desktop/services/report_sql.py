"""SQL pieces shared by the dashboard, the receipts journal and the activity report: month keys, the sums of
credit notes and payments per invoice, séance counting. Portable SQLAlchemy only (ARCHITECTURE rule 12): months
come from `extract`, which every dialect compiles (SQLite: strftime; PostgreSQL: EXTRACT)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, func, select

from cocon_desktop.domain.seance import ABSENCES
from cocon_desktop.models import Invoice, Payment, Seance


def month_key(column: Any) -> ColumnElement[int]:
    """year × 100 + month of a date column, computed by the database (202610 for October 2026)."""
    return func.extract("year", column) * 100 + func.extract("month", column)


def key_of(day: date) -> int:
    return day.year * 100 + day.month


def month_of_key(key: int) -> date:
    return date(int(key) // 100, int(key) % 100, 1)


def add_months(first: date, months: int) -> date:
    """The first day of the month `months` after (or before, when negative) the month of `first`."""
    year, month = divmod(first.year * 12 + first.month - 1 + months, 12)
    return date(year, month + 1, 1)


def month_last(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


def signed_total() -> ColumnElement[int]:
    """An invoice's total counted positive, a credit note's negative (what the network owes)."""
    return case((Invoice.kind == "credit_note", -Invoice.total_cents), else_=Invoice.total_cents)


def held() -> ColumnElement[bool]:
    """A séance that took place: every kind but the absences (billable or not, hors forfait included)."""
    return Seance.kind.not_in(ABSENCES)


def credits_until(last: date | None = None) -> Subquery:
    """(iid, amount): the credit notes issued against each invoice (up to `last` when given)."""
    statement = (select(Invoice.corrects_id.label("iid"), func.sum(Invoice.total_cents).label("amount"))
                 .where(Invoice.kind == "credit_note"))
    if last is not None:
        statement = statement.where(Invoice.issue_date <= last)
    return statement.group_by(Invoice.corrects_id).subquery()


def payments_until(last: date | None = None) -> Subquery:
    """(iid, amount): the payments received for each invoice (up to `last` when given)."""
    statement = select(Payment.invoice_id.label("iid"), func.sum(Payment.amount_cents).label("amount"))
    if last is not None:
        statement = statement.where(Payment.day <= last)
    return statement.group_by(Payment.invoice_id).subquery()
