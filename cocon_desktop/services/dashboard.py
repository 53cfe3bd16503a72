"""The dashboard's figures: what needs doing (services/dashboard_actions.py, re-exported here), and séances and
amounts per month and per network — each series a few GROUP BY queries, whatever the size of the practice.

Counting rules. Séances: those held (every kind but the absences: billable or not, hors forfait and RCP
included), by their day, for the children of the network. Invoiced: invoices issued minus credit notes issued,
by issue date. Paid: payments received, by the day received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.money import from_cents
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.models import Child, Invoice, Payment, Prescription, Seance
from cocon_desktop.services.dashboard_actions import ActionItem, action_items
from cocon_desktop.services.report_sql import add_months, held, key_of, month_last, signed_total

__all__ = ["ActionItem", "MonthPoint", "NetworkTotal", "action_items", "monthly_series", "network_totals"]


@dataclass(frozen=True)
class MonthPoint:
    month: date  # first day
    seances: int  # séances held (present, billable or not, hors forfait included; absences excluded)
    invoiced: Decimal  # invoices issued that month minus credit notes issued that month
    paid: Decimal  # payments received that month


@dataclass(frozen=True)
class NetworkTotal:
    network: str
    seances: int
    invoiced: Decimal
    paid: Decimal


def _by(session: Session, group: Any, value: Any, *where: Any, join: Any = None) -> dict[Any, Any]:
    """{group: value} for one GROUP BY query."""
    statement = select(group, value)
    if join is not None:
        statement = statement.join(*join)
    return {k: v for k, v in session.execute(statement.where(*where).group_by(group))}


def _per_month(per_day: dict[date, Any]) -> dict[int, int]:
    """Daily sums folded into months (a year has at most 366 of them: the database did the counting)."""
    months: dict[int, int] = {}
    for day, value in per_day.items():
        months[key_of(day)] = months.get(key_of(day), 0) + int(value or 0)
    return months


def monthly_series(sessions: sessionmaker[Session], today: date, months: int = 12, network: str = ""
                   ) -> list[MonthPoint]:
    """The last `months` months up to today's month (included), oldest first; every month is there, at zero
    when nothing happened. `network` limits the figures to one network.

    The database groups by day, in the order of the date indexes (no sort, no date function per row: the fast
    path on SQLCipher), and the days are added up per month here."""
    last_first = today.replace(day=1)
    first = add_months(last_first, 1 - months)
    last = month_last(last_first)
    seance_where = [Seance.day >= first, Seance.day <= last, held()]
    invoice_where = [Invoice.issue_date >= first, Invoice.issue_date <= last]
    payment_where = [Payment.day >= first, Payment.day <= last]
    if network:
        seance_where.append(Child.network == network)
        invoice_where.append(Invoice.network == network)
        payment_where.append(Invoice.network == network)
    with sessions() as session:
        seances = _per_month(_by(session, Seance.day, func.count(Seance.id), *seance_where,
                                 join=(Child, Child.id == Seance.child_id) if network else None))
        invoiced = _per_month(_by(session, Invoice.issue_date, func.sum(signed_total()), *invoice_where))
        paid = _per_month(_by(session, Payment.day, func.sum(Payment.amount_cents), *payment_where,
                              join=(Invoice, Invoice.id == Payment.invoice_id) if network else None))
    points = []
    for index in range(months):
        month = add_months(first, index)
        key = key_of(month)
        points.append(MonthPoint(month, seances.get(key, 0), from_cents(invoiced.get(key)), from_cents(paid.get(key))))
    return points


def network_totals(sessions: sessionmaker[Session], first: date, last: date) -> list[NetworkTotal]:
    """Per network with any activity between `first` and `last` (included), in the order of NETWORKS."""
    with sessions() as session:
        seances = _by(session, Child.network, func.count(Seance.id), Seance.day >= first, Seance.day <= last,
                      held(), join=(Child, Child.id == Seance.child_id))
        if session.scalar(select(Prescription.id).where(Prescription.pathway != "cocon").limit(1)) is not None:
            # a child handed over to a PCO: its séances there count for the PCO (PCO1), not for its COCON network
            moved = session.execute(
                select(Child.network, Prescription.payer, func.count(Seance.id))
                .join(Prescription, Prescription.id == Seance.prescription_id)
                .join(Child, Child.id == Seance.child_id)
                .where(Prescription.pathway != "cocon", Seance.day >= first, Seance.day <= last, held())
                .group_by(Child.network, Prescription.payer))
            for network, payer, count in moved:
                seances[network] -= count
                seances[payer] = seances.get(payer, 0) + count
            seances = {code: count for code, count in seances.items() if count}  # all of its séances moved
        invoiced = _by(session, Invoice.network, func.sum(signed_total()), Invoice.issue_date >= first,
                       Invoice.issue_date <= last)
        paid = _by(session, Invoice.network, func.sum(Payment.amount_cents), Payment.day >= first,
                   Payment.day <= last, join=(Invoice, Invoice.id == Payment.invoice_id))
    codes = [c for c in NETWORKS if c in seances or c in invoiced or c in paid]
    codes += sorted({*seances, *invoiced, *paid} - set(NETWORKS))
    return [NetworkTotal(code, int(seances.get(code) or 0), from_cents(invoiced.get(code)), from_cents(paid.get(code)))
            for code in codes]
