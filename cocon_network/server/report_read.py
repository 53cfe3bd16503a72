"""The funder's report read from the monthly aggregate (report_aggregate.py): a year is a few hundred rows of
report_month, twelve of report_month_total and one COUNT(DISTINCT) over report_child_month for the children over
the period. A period that starts or ends inside a month reads that partial month from report_child_day (one
GROUP BY by child over those days' rows, ~6,000 for half a month of a region; the acts themselves, joined to their
documents, therapists and inclusions, took 70 ms a partial month); the figures are the same either way."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cocon_network.server.models import ReportChildDay, ReportChildMonth, ReportMonth, ReportMonthTotal
from cocon_network.server.report_aggregate import days_summed, month_bounds, month_number
from cocon_network.server.reporting import FunderReport, ReportRow, without_jit


def whole_months(start: date, end: date) -> tuple[int, int] | None:
    """The first and last whole months inside the period (202501, 202512), None when there is none."""
    first = start if start.day == 1 else (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    following = (end.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = end if end == following - timedelta(days=1) else end.replace(day=1) - timedelta(days=1)
    if first > last:
        return None
    return month_number(first), month_number(last)


def _edge(session: Session, start: date, end: date) -> tuple[list[ReportRow], list[tuple[str, int]], set[str]]:
    """A partial month from its days' rows of report_child_day: one GROUP BY by child, summed here — the rows,
    the children of the month, the children themselves."""
    without_jit(session)
    query = days_summed([ReportChildDay.day >= start, ReportChildDay.day <= end])
    groups: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    followed: dict[int, set[str]] = defaultdict(set)
    for month, child, departement, discipline, invoiced, seances, bilans, acts, cents in session.execute(query):
        sums = groups[(int(month), departement or "", discipline)]
        for index, value in enumerate((1 if invoiced else 0, seances, bilans, acts, cents)):
            sums[index] += int(value)
        if invoiced:
            followed[int(month)].add(child)
    rows = [ReportRow(m // 100, m % 100, d, s, *sums) for (m, d, s), sums in sorted(groups.items())]
    per_month = [(f"{m // 100:04d}-{m % 100:02d}", len(followed[m])) for m in sorted(followed)]
    return rows, per_month, set().union(*followed.values()) if followed else set()


def aggregate_report(session: Session, start: date, end: date, network: str = "") -> FunderReport:
    months = whole_months(start, end)
    if months is None:  # within one or two months: those days' acts only
        only_rows, only_months, followed = _edge(session, start, end)
        return FunderReport(network=network, start=start, end=end, rows=tuple(only_rows),
                            month_children=tuple(only_months), children=len(followed))
    low, high = months
    head = (start, month_bounds(low)[0] - timedelta(days=1)) if start < month_bounds(low)[0] else None
    tail = (month_bounds(high)[1] + timedelta(days=1), end) if end > month_bounds(high)[1] else None
    rows: list[ReportRow] = []
    per_month: list[tuple[str, int]] = []
    edge_children: set[str] = set()
    if head is not None:
        edge_rows, edge_months, edge_children = _edge(session, *head)
        rows += edge_rows
        per_month += edge_months
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
        edge_rows, edge_months, tail_children = _edge(session, *tail)
        rows += edge_rows
        per_month += edge_months
        edge_children |= tail_children
    C = ReportChildMonth
    scope = (C.month >= low, C.month <= high, C.invoiced)
    if head is None and tail is None:
        distinct = select(C.inclusion_number).where(*scope).group_by(C.inclusion_number).subquery()
        children = int(session.execute(select(func.count()).select_from(distinct)).scalar_one())  # a hash: 4× a
        # COUNT(DISTINCT)'s sort on five years of a region
    else:  # the whole months' children (≤ 13,000 numbers for a region) with the partial months'
        whole = session.scalars(select(C.inclusion_number).where(*scope).group_by(C.inclusion_number))
        children = len(edge_children | set(whole))
    return FunderReport(network=network, start=start, end=end, rows=tuple(rows), month_children=tuple(per_month),
                        children=children)
