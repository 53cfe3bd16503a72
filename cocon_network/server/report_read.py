"""The funder's report read from the monthly aggregate (report_aggregate.py): a year is a few hundred rows of
report_month, twelve of report_month_total and one COUNT(DISTINCT) over report_child_month for the children over
the period. A period that starts or ends inside a month reads that partial month from the acts
(reporting.funder_report_from_acts' queries, over those days only); the figures are the same either way."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from cocon_network.server.models import ReportChildMonth, ReportMonth, ReportMonthTotal
from cocon_network.server.report_aggregate import month_bounds, month_number
from cocon_network.server.reporting import (
    FunderReport,
    ReportRow,
    _children_per_month,
    counted_children,
    funder_report_from_acts,
    report_rows,
)


def whole_months(start: date, end: date) -> tuple[int, int] | None:
    """The first and last whole months inside the period (202501, 202512), None when there is none."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    following = (end.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = end if end == following - timedelta(days=1) else end.replace(day=1) - timedelta(days=1)
    if first > last:
        return None
    return month_number(first), month_number(last)


def aggregate_report(session: Session, start: date, end: date, network: str = "") -> FunderReport:
    months = whole_months(start, end)
    if months is None:
        return funder_report_from_acts(session, start, end, network)
    low, high = months
    head = (start, month_bounds(low)[0] - timedelta(days=1)) if start < month_bounds(low)[0] else None
    tail = (month_bounds(high)[1] + timedelta(days=1), end) if end > month_bounds(high)[1] else None
    rows: list[ReportRow] = []
    per_month: list[tuple[str, int]] = []
    if head is not None:
        rows += report_rows(session, *head)
        per_month += _children_per_month(session, *head)[0]
    M = ReportMonth
    stored = session.execute(select(M.month, M.departement, M.discipline, M.children, M.seances, M.bilans, M.acts,
                                    M.cents).where(M.month >= low, M.month <= high)
                             .order_by(M.month, M.departement, M.discipline))
    rows += [ReportRow(m // 100, m % 100, d, s, c, se, b, a, ce) for m, d, s, c, se, b, a, ce in stored]
    totals = session.execute(select(ReportMonthTotal.month, ReportMonthTotal.children)
                             .where(ReportMonthTotal.month >= low, ReportMonthTotal.month <= high)
                             .order_by(ReportMonthTotal.month))
    per_month += [(f"{m // 100:04d}-{m % 100:02d}", c) for m, c in totals]
    if tail is not None:
        rows += report_rows(session, *tail)
        per_month += _children_per_month(session, *tail)[0]
    C = ReportChildMonth
    stored_children = select(C.inclusion_number.label("inclusion_number")).where(
        C.month >= low, C.month <= high, C.invoiced)
    parts = [stored_children] + [counted_children(*edge) for edge in (head, tail) if edge is not None]
    everyone = union_all(*parts).subquery() if len(parts) > 1 else stored_children.subquery()
    children = session.execute(select(func.count(func.distinct(everyone.c.inclusion_number)))).scalar_one()
    return FunderReport(network=network, start=start, end=end, rows=tuple(rows), month_children=tuple(per_month),
                        children=int(children))
