"""The figures of the dashboard: what waits (documents to decide, flags on them, invoices to pay) and the activity
(séances and amounts per month over the last twelve months billed, and per discipline), one GROUP BY each.

The activity of a region (hundreds of thousands of acts a year) costs more than a page may; it changes once a
batch arrives, and a chart a few minutes old says the same: it is kept ACTIVITY_SECONDS per process."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, case, distinct, extract, func, select
from sqlalchemy.orm import Session

from cocon_network.server.models import DOC_ACCEPTED, DOC_RECEIVED, Act, ControlFlag, Document

ACTIVITY_SECONDS = 300
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


@dataclass(frozen=True)
class Waiting:
    batches: int
    documents: int
    flagged: int
    payable: int
    payable_cents: int


@dataclass(frozen=True)
class Activity:
    months: tuple[date, ...]
    sessions: tuple[int, ...]  # acts, a credit note's counting minus one
    cents: tuple[int, ...]
    disciplines: tuple[tuple[str, int, int], ...]  # (discipline, acts, cents) over the twelve months


def waiting(db: Session) -> Waiting:
    batches, documents = db.execute(select(func.count(distinct(Document.batch_id)), func.count(Document.id))
                                    .where(Document.status == DOC_RECEIVED)).one()
    flagged = db.scalar(select(func.count(distinct(ControlFlag.document_id)))
                        .join(Document, Document.id == ControlFlag.document_id)
                        .where(Document.status == DOC_RECEIVED)) or 0
    payable, cents = db.execute(select(func.count(Document.id), func.coalesce(func.sum(Document.amount_cents), 0))
                                .where(Document.status == DOC_ACCEPTED, Document.payment_run_id.is_(None))).one()
    return Waiting(batches, documents, flagged, payable, int(cents))


def month_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def compute_activity(db: Session, months: int = 12) -> Activity:
    last = db.scalar(select(func.max(Act.act_date)))
    if last is None:
        return Activity((), (), (), ())
    end = date(last.year, last.month, 1)
    start = month_back(end, months - 1)
    span = tuple(month_back(end, months - 1 - i) for i in range(months))
    weight = case((Act.amount_cents < 0, -1), else_=1)
    year, month = extract("year", Act.act_date), extract("month", Act.act_date)
    rows = db.execute(select(year, month, func.sum(weight), func.sum(Act.amount_cents))
                      .where(Act.act_date >= start).group_by(year, month)).all()
    by_month = {(int(y), int(m)): (int(n or 0), int(c or 0)) for y, m, n, c in rows}
    disciplines = db.execute(select(Act.discipline, func.sum(weight), func.sum(Act.amount_cents))
                             .where(Act.act_date >= start).group_by(Act.discipline)
                             .order_by(func.sum(Act.amount_cents).desc())).all()
    return Activity(
        months=span,
        sessions=tuple(by_month.get((m.year, m.month), (0, 0))[0] for m in span),
        cents=tuple(by_month.get((m.year, m.month), (0, 0))[1] for m in span),
        disciplines=tuple((d, int(n or 0), int(c or 0)) for d, n, c in disciplines),
    )


_cache: dict[str, tuple[float, Activity]] = {}
_lock = threading.Lock()


def cached_activity(db: Session, engine: Engine) -> Activity:
    """The activity, computed at most once every ACTIVITY_SECONDS per engine (per database) in this process."""
    key = engine.url.render_as_string(hide_password=True)
    now = time.monotonic()
    with _lock:
        found = _cache.get(key)
        if found is not None and now - found[0] < ACTIVITY_SECONDS:
            return found[1]
    activity = compute_activity(db)
    with _lock:
        _cache[key] = (now, activity)
    return activity


def forget_activity() -> None:
    with _lock:
        _cache.clear()


def short_month(month: date) -> str:
    return f"{SHORT_MONTHS[month.month - 1]} {month.year % 100:02d}"
