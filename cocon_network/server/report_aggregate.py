"""The funder's report kept by month, so that a year's report reads a few hundred rows instead of ~190,000 acts
(issue 21 #8: every console page ≤ 200 ms p95 on a region-sized database).

Four tables (models.py), derived from the acts by the very rules of reporting.py (its `counted_acts` joins):

- report_child_day: per day, child, département and discipline, the weighed counts and cents, and whether the
  child has an act of a counted invoice there (« enfant suivi ») — what a period cut inside a month reads for
  its partial months (report_read.py): ~6,000 rows for half a month of a region instead of its acts joined to
  their documents, therapists and inclusions (10 ms instead of 70 ms a partial month);
- report_child_month: the same by month, summed from the day rows (never from the acts a second time). Children
  over a period cannot be summed from months: the period's distinct count is a GROUP BY over these rows
  (≤ 13,000 × 12 a year for a region);
- report_month: their sums by month, département and discipline (the report's table);
- report_month_total: the distinct children per month, all départements and disciplines.

They are recomputed from the acts, never adjusted by differences: `refresh(session, children, months)` deletes and
recomputes the day rows of those children in those months (a few hundred acts read through the index on the
child), their month rows from those day rows, then the sums of the months touched. Called in the same
transaction as what changes the figures: a decision on a document (decisions.py: accepting, rejecting — the
document's children and months, and those of the credit notes correcting it or of the invoice it corrects), an
inclusion import that changes children's département (inclusions.py). A payment changes nothing here (accepted
and paid count alike). `rebuild(session)` recomputes everything: `cocon-network reports rebuild`, the migrations
0002 (months only) and 0005, the region generator and the demo after their bulk writes. Refreshes take a
transaction-scoped advisory lock on PostgreSQL: two decisions at once on the same month are recomputed one
after the other, the second reading what the first committed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from cocon_network.server.models import (
    Act,
    Document,
    ReportChildDay,
    ReportChildMonth,
    ReportMonth,
    ReportMonthTotal,
)
from cocon_network.server.reporting import BILANS, counted_acts, without_jit

LOCK_KEY = 210_002  # pg_advisory_xact_lock: the aggregate's refreshes one at a time
CHUNK = 2000


def month_number(day: date) -> int:
    return day.year * 100 + day.month


def month_bounds(month: int) -> tuple[date, date]:
    first = date(month // 100, month % 100, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def month_of(day: Any) -> Any:
    """The month number (202503) of a date column, in SQL."""
    return cast(extract("year", day) * 100 + extract("month", day), Integer)


def _within(day: Any, months: Sequence[int]) -> ColumnElement[bool]:
    return or_(*(and_(day >= first, day <= last) for first, last in map(month_bounds, months)))


def child_rows(children: Sequence[str] | None, months: Sequence[int] | None, *, by_day: bool = False) -> Any:
    """The SELECT of report_child_month's rows (report_child_day's with `by_day`) from the acts (reporting's
    rules), restricted to a scope."""
    joins, conditions, weight, departement = counted_acts()
    month = Act.act_date if by_day else month_of(Act.act_date)
    invoiced = func.max(case((Document.kind != "credit_note", 1), else_=0)) == 1
    if children is not None:
        conditions.append(Act.inclusion_number.in_(children))
    if months is not None:
        conditions.append(_within(Act.act_date, months))
    return (joins.add_columns(month, Act.inclusion_number, departement, Act.discipline, cast(invoiced, Boolean),
                              func.coalesce(func.sum(case((Act.nature == "seance", weight), else_=0)), 0),
                              func.coalesce(func.sum(case((Act.nature.in_(BILANS), weight), else_=0)), 0),
                              func.coalesce(func.sum(weight), 0), func.coalesce(func.sum(Act.amount_cents), 0))
            .where(*conditions).group_by(month, Act.inclusion_number, departement, Act.discipline))


_CHILD_COLUMNS = ["month", "inclusion_number", "departement", "discipline", "invoiced", "seances", "bilans", "acts",
                  "cents"]
_DAY_COLUMNS = ["day", *_CHILD_COLUMNS[1:]]


def days_summed(scope: Sequence[ColumnElement[bool]], month: Any = None) -> Any:
    """report_child_day's rows within `scope` summed by month (`month`: the day's month number as the caller
    computes it), child, département and discipline: report_child_month's rows, or partial months'
    (report_read.py)."""
    D = ReportChildDay
    key = month_of(D.day) if month is None else month
    return (select(key.label("month"), D.inclusion_number, D.departement, D.discipline,
                   cast(func.max(case((D.invoiced, 1), else_=0)) == 1, Boolean).label("invoiced"),
                   func.sum(D.seances).label("seances"), func.sum(D.bilans).label("bilans"),
                   func.sum(D.acts).label("acts"), func.sum(D.cents).label("cents"))
            .where(*scope).group_by(key, D.inclusion_number, D.departement, D.discipline))


def _lock(session: Session) -> None:
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    without_jit(session)


def _resum(session: Session, months: Sequence[int] | None) -> None:
    """report_month and report_month_total of `months` (None: all) from report_child_month."""
    C = ReportChildMonth
    scope_month = [ReportMonth.month.in_(months)] if months is not None else []
    scope_total = [ReportMonthTotal.month.in_(months)] if months is not None else []
    scope_child = [C.month.in_(months)] if months is not None else []
    session.execute(delete(ReportMonth).where(*scope_month))
    session.execute(delete(ReportMonthTotal).where(*scope_total))
    sums = (select(C.month, C.departement, C.discipline, func.sum(case((C.invoiced, 1), else_=0)),
                   func.sum(C.seances), func.sum(C.bilans), func.sum(C.acts), func.sum(C.cents))
            .where(*scope_child).group_by(C.month, C.departement, C.discipline))
    session.execute(insert(ReportMonth).from_select(
        ["month", "departement", "discipline", "children", "seances", "bilans", "acts", "cents"], sums))
    totals = (select(C.month, func.count(func.distinct(C.inclusion_number))).where(*scope_child, C.invoiced)
              .group_by(C.month))
    session.execute(insert(ReportMonthTotal).from_select(["month", "children"], totals))


def refresh(session: Session, children: Iterable[str] | None, months: Iterable[int] | None) -> None:
    """Recompute the rows of `children` (None: every child) in `months` (None: every month), then the sums of
    every month these rows were or are in."""
    _lock(session)
    child_list = sorted(set(children)) if children is not None else None
    month_list = sorted(set(months)) if months is not None else None
    if child_list == [] or month_list == []:
        return
    C, D = ReportChildMonth, ReportChildDay
    touched: set[int] = set()
    for part in ([child_list[i:i + CHUNK] for i in range(0, len(child_list), CHUNK)] if child_list is not None
                 else [None]):
        scope = ([C.inclusion_number.in_(part)] if part is not None else []) + (
            [C.month.in_(month_list)] if month_list is not None else [])
        day_scope = ([D.inclusion_number.in_(part)] if part is not None else []) + (
            [_within(D.day, month_list)] if month_list is not None else [])
        touched.update(session.scalars(select(C.month).where(*scope).distinct()))
        session.execute(delete(D).where(*day_scope))
        session.execute(insert(D).from_select(_DAY_COLUMNS, child_rows(part, month_list, by_day=True)))
        session.execute(delete(C).where(*scope))
        session.execute(insert(C).from_select(_CHILD_COLUMNS, days_summed(day_scope)))
        touched.update(session.scalars(select(C.month).where(*scope).distinct()))
    if touched:
        _resum(session, sorted(touched))


def refresh_months(session: Session, months: Iterable[int]) -> None:
    """Every child of `months` recomputed (a month of a region: ~16,000 acts)."""
    refresh(session, None, months)


def rebuild(session: Session, *, days: bool = True) -> None:
    """Everything recomputed from the acts (one GROUP BY over all of them, then the months from the days:
    seconds on a region). `days=False`: report_child_month straight from the acts, report_child_day left alone
    (the migration 0002, before 0005 creates that table)."""
    _lock(session)
    session.execute(delete(ReportChildMonth))
    if days:
        session.execute(delete(ReportChildDay))
        session.execute(insert(ReportChildDay).from_select(_DAY_COLUMNS, child_rows(None, None, by_day=True)))
        session.execute(insert(ReportChildMonth).from_select(_CHILD_COLUMNS, days_summed([])))
    else:
        session.execute(insert(ReportChildMonth).from_select(_CHILD_COLUMNS, child_rows(None, None)))
    _resum(session, None)


def refresh_documents(session: Session, document_ids: Iterable[int]) -> None:
    """After decisions on these documents: their children in their months, with the credit notes correcting
    them and the invoices they correct (a credit note counts only when its invoice does)."""
    ids = sorted(set(document_ids))
    if not ids:
        return
    session.flush()
    pairs: set[tuple[str, int]] = set()
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        own = select(Document.therapist_id, Document.number, Document.corrects).where(Document.id.in_(part))
        keys = list(session.execute(own))
        related: list[ColumnElement[bool]] = [Document.id.in_(part)]
        for therapist_id, number, corrects in keys:
            related.append(and_(Document.therapist_id == therapist_id, Document.corrects == number))
            if corrects:
                related.append(and_(Document.therapist_id == therapist_id, Document.number == corrects))
        acts = (select(Act.inclusion_number, Act.act_date).join(Document, Document.id == Act.document_id)
                .where(or_(*related)).distinct())
        pairs.update((child, month_number(day)) for child, day in session.execute(acts))
    if pairs:
        refresh(session, {child for child, _m in pairs}, {month for _c, month in pairs})


def refresh_therapist(session: Session, therapist_id: int) -> None:
    """After a therapist's département changed: every child they billed (placed by it when not in the list)."""
    children = set(session.scalars(select(Act.inclusion_number).where(Act.therapist_id == therapist_id).distinct()))
    if children:
        refresh(session, children, None)
