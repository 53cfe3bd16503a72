"""Reporting to the funder (article 51 evaluation, issue 21 #7): children followed, séances, bilans and amounts per
month, département and discipline over a period, as CSV (reporting_csv) and PDF (reporting_pdf).

What counts: the acts of the documents the network **accepted or paid** (a document still awaiting a decision or
rejected is not in the report). A credit note counts only when the invoice it corrects counts too: its money is
subtracted, and an act it credits whole is taken out of the counts (a partial credit, a price corrected, leaves the
séance). The month is the act's; the département is the child's (the inclusion list), or the therapist's when the
child is not in the list (or has none). A child is never named: the detail by child carries inclusion numbers only.

The console and the command line read the report from the monthly aggregate (report_aggregate.py maintains it,
report_read.py reads it); the GROUP BYs here are its rules and its reference. Each table is one SQL GROUP BY over
act ⋈ document (⋈ the corrected invoice, the inclusion, the therapist), never
a Python loop over acts: a region holds millions of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, extract, func, literal, or_, select, text
from sqlalchemy.orm import Session, aliased

from cocon_network.server.models import DOC_ACCEPTED, DOC_PAID, Act, Document, Inclusion, Therapist

COUNTED = (DOC_ACCEPTED, DOC_PAID)
BILANS = ("bilan_initial", "bilan_renouvellement")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


@dataclass(frozen=True)
class ReportRow:
    year: int
    month: int
    departement: str
    discipline: str
    children: int  # distinct inclusion numbers with an invoiced act
    seances: int
    bilans: int
    acts: int  # every act: séances, bilans, RCP, billable absences
    cents: int

    @property
    def month_key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class ChildRow:
    inclusion_number: str
    departement: str
    discipline: str
    first_day: date
    last_day: date
    seances: int
    bilans: int
    acts: int
    cents: int


@dataclass(frozen=True)
class FunderReport:
    network: str
    start: date
    end: date
    rows: tuple[ReportRow, ...]  # by month, département, discipline
    month_children: tuple[tuple[str, int], ...]  # "2026-03" → distinct children that month, all disciplines
    children: int  # distinct children over the period

    @property
    def cents(self) -> int:
        return sum(r.cents for r in self.rows)

    @property
    def seances(self) -> int:
        return sum(r.seances for r in self.rows)


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def counted_acts() -> tuple[Any, list[ColumnElement[bool]], ColumnElement[int], ColumnElement[str]]:
    """The joins and conditions every table shares, the sign an act weighs in the counts, the département.

    The corrected invoice is looked up only for a credit note's acts (an EXISTS the planner runs last): a join
    would cost an index lookup for each of the period's acts."""
    corrected = aliased(Document)
    original = aliased(Act)
    of_credit_note = and_(corrected.therapist_id == Document.therapist_id, corrected.number == Document.corrects)
    invoice_counts = exists().where(of_credit_note, corrected.status.in_(COUNTED))
    credited_whole = exists().where(
        of_credit_note, original.document_id == corrected.id, original.act_date == Act.act_date,
        original.inclusion_number == Act.inclusion_number, original.discipline == Act.discipline,
        original.nature == Act.nature, original.amount_cents == -Act.amount_cents)
    weight = case((Document.kind != "credit_note", literal(1)), (credited_whole, literal(-1)), else_=literal(0))
    departement = func.coalesce(func.nullif(Inclusion.departement, ""), Therapist.departement, "")
    joins = (select().select_from(Act)
             .join(Document, Document.id == Act.document_id)
             .join(Therapist, Therapist.id == Act.therapist_id)
             .outerjoin(Inclusion, Inclusion.inclusion_number == Act.inclusion_number))
    conditions = [Document.status.in_(COUNTED), or_(Document.kind != "credit_note", invoice_counts)]
    return joins, conditions, weight, departement


def without_jit(session: Session) -> None:
    """PostgreSQL's JIT compiles a plan this costly for seconds (measured: 3.0 s of a 3.1 s month's table, the
    query itself 0.1 s): off for the rest of the transaction. (A network's server does OLTP and small reports: the
    JIT can be off in postgresql.conf too — docs/network-server.md.)"""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _sums(weight: ColumnElement[int]) -> list[Any]:
    return [
        func.count(func.distinct(case((Document.kind != "credit_note", Act.inclusion_number)))),
        func.coalesce(func.sum(case((Act.nature == "seance", weight), else_=0)), 0),
        func.coalesce(func.sum(case((Act.nature.in_(BILANS), weight), else_=0)), 0),
        func.coalesce(func.sum(weight), 0),
        func.coalesce(func.sum(Act.amount_cents), 0),
    ]


def report_rows(session: Session, start: date, end: date) -> list[ReportRow]:
    """One GROUP BY: per month, département and discipline, over the acts dated from `start` to `end`."""
    without_jit(session)
    joins, conditions, weight, departement = counted_acts()
    year, month = extract("year", Act.act_date), extract("month", Act.act_date)
    query = (joins.add_columns(year, month, departement, Act.discipline, *_sums(weight))
             .where(*conditions, Act.act_date >= start, Act.act_date <= end)
             .group_by(year, month, departement, Act.discipline)
             .order_by(year, month, departement, Act.discipline))
    return [ReportRow(int(r[0]), int(r[1]), r[2] or "", r[3], int(r[4]), int(r[5]), int(r[6]), int(r[7]), int(r[8]))
            for r in session.execute(query)]


def _children_per_month(session: Session, start: date, end: date) -> tuple[list[tuple[str, int]], int]:
    """Children followed per month and over the period, from one GROUP BY (month, child): distinct pairs, a few
    thousand a month, never the acts."""
    without_jit(session)
    joins, conditions, _, _ = counted_acts()
    year, month = extract("year", Act.act_date), extract("month", Act.act_date)
    query = (joins.add_columns(year, month, Act.inclusion_number)
             .where(*conditions, Document.kind != "credit_note", Act.act_date >= start, Act.act_date <= end)
             .group_by(year, month, Act.inclusion_number))
    per_month: dict[str, set[str]] = {}
    for y, m, child in session.execute(query):
        per_month.setdefault(f"{int(y):04d}-{int(m):02d}", set()).add(child)
    everyone = set().union(*per_month.values()) if per_month else set()
    return [(key, len(per_month[key])) for key in sorted(per_month)], len(everyone)


def funder_report_from_acts(session: Session, start: date, end: date, network: str = "") -> FunderReport:
    """The report read from the acts: the reference the monthly aggregate is checked against (the tests), and
    what `cocon-network reports rebuild` follows (report_aggregate.child_rows: the same joins and weights)."""
    rows = report_rows(session, start, end)
    per_month, total = _children_per_month(session, start, end)
    return FunderReport(network=network, start=start, end=end, rows=tuple(rows), month_children=tuple(per_month),
                        children=total)


def children_rows(session: Session, start: date, end: date) -> list[ChildRow]:
    """The detail by child (inclusion numbers only) and discipline over the period: one GROUP BY."""
    without_jit(session)
    joins, conditions, weight, departement = counted_acts()
    sums = _sums(weight)[1:]
    query = (joins.add_columns(Act.inclusion_number, departement, Act.discipline, func.min(Act.act_date),
                               func.max(Act.act_date), *sums)
             .where(*conditions, Act.act_date >= start, Act.act_date <= end)
             .group_by(Act.inclusion_number, departement, Act.discipline)
             .order_by(Act.inclusion_number, Act.discipline))
    return [ChildRow(r[0], r[1] or "", r[2], r[3], r[4], int(r[5]), int(r[6]), int(r[7]), int(r[8]))
            for r in session.execute(query)]


def funder_report(session: Session, start: date, end: date, network: str = "") -> FunderReport:
    """The report over a period, read from the monthly aggregate (its partial months from the acts)."""
    from cocon_network.server.report_read import aggregate_report

    return aggregate_report(session, start, end, network)
