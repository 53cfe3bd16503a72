"""A network's activity over a period, for its yearly review: the children followed (inclusion number and initials
only — what billing needs, never more), the séances by discipline and kind, and the amounts invoiced, credited,
paid and still due. Every figure is a GROUP BY in the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.documents.report_data import ActivityReport, ChildActivity, KindCount
from cocon_desktop.domain.disciplines import short_label
from cocon_desktop.domain.money import from_cents
from cocon_desktop.domain.seance import ABSENCES, KINDS
from cocon_desktop.models import Child, Invoice, Payment, Prescription, Seance
from cocon_desktop.services.batches import network_code
from cocon_desktop.services.journal import payer_name
from cocon_desktop.services.report_sql import credits_until, payments_until
from cocon_desktop.services.seances import practice_discipline

__all__ = ["ActivityReport", "ChildActivity", "KindCount", "activity_report"]

KIND_ORDER = list(KINDS)


def _children(session: Session, network: str, first: date, last: date) -> tuple[ChildActivity, ...]:
    absent = func.sum(case((Seance.kind.in_(ABSENCES), 1), else_=0))
    rows = session.execute(
        select(Child.inclusion_number, Child.first_name, Child.last_name, func.count(Seance.id), absent,
               func.min(Seance.day), func.max(Seance.day))
        .join(Child, Child.id == Seance.child_id)
        .where(Child.network == network, Seance.day >= first, Seance.day <= last)
        .group_by(Child.id, Child.inclusion_number, Child.first_name, Child.last_name)
        .order_by(Child.inclusion_number))
    return tuple(ChildActivity(inclusion, f"{first_name[:1].upper()}. {last_name[:1].upper()}.",
                               int(count) - int(absences or 0), int(absences or 0), start, end)
                 for inclusion, first_name, last_name, count, absences, start, end in rows)


def _by_kind(session: Session, network: str, first: date, last: date) -> tuple[KindCount, ...]:
    """Counts per (discipline, kind); a séance on no prescription (hors forfait) counts in the practice's
    discipline."""
    discipline = func.coalesce(Prescription.discipline, practice_discipline(session))
    rows = session.execute(
        select(discipline, Seance.kind, func.count(Seance.id))
        .join(Child, Child.id == Seance.child_id)
        .outerjoin(Prescription, Prescription.id == Seance.prescription_id)
        .where(Child.network == network, Seance.day >= first, Seance.day <= last)
        .group_by(discipline, Seance.kind))
    counts = sorted(((str(d), str(k), int(n)) for d, k, n in rows),
                    key=lambda r: (r[0], KIND_ORDER.index(r[1]) if r[1] in KIND_ORDER else len(KIND_ORDER)))
    return tuple(KindCount(short_label(d), KINDS.get(k, k), n) for d, k, n in counts)


def activity_report(sessions: sessionmaker[Session], network: str, first: date, last: date) -> ActivityReport:
    """The activity of `network` from `first` to `last` (included). CoconError "network_unknown" for a code
    that is not a COCON network."""
    code = network_code(network)
    with sessions() as session:
        children = _children(session, code, first, last)
        by_kind = _by_kind(session, code, first, last)
        hors_forfait = int(session.scalar(
            select(func.count(Seance.id)).join(Child, Child.id == Seance.child_id)
            .where(Child.network == code, Seance.day >= first, Seance.day <= last, Seance.kind.not_in(ABSENCES),
                   Seance.out_of_forfait.is_(True))) or 0)
        in_period = (Invoice.network == code, Invoice.issue_date >= first, Invoice.issue_date <= last)
        issued = {k: from_cents(v) for k, v in session.execute(
            select(Invoice.kind, func.sum(Invoice.total_cents)).where(*in_period).group_by(Invoice.kind))}
        paid = from_cents(session.scalar(
            select(func.sum(Payment.amount_cents)).join(Invoice, Invoice.id == Payment.invoice_id)
            .where(Invoice.network == code, Payment.day >= first, Payment.day <= last)))
        credits, payments = credits_until(last), payments_until(last)
        remaining = Invoice.total_cents - func.coalesce(credits.c.amount, 0) - func.coalesce(payments.c.amount, 0)
        outstanding = from_cents(session.scalar(
            select(func.sum(remaining)).outerjoin(credits, credits.c.iid == Invoice.id)
            .outerjoin(payments, payments.c.iid == Invoice.id)
            .where(Invoice.kind == "invoice", *in_period, remaining > 0)))
    return ActivityReport(
        network=code, network_name=payer_name(code), period_start=first, period_end=last, children=children,
        by_kind=by_kind, seances=sum(c.seances for c in children), absences=sum(c.absences for c in children),
        hors_forfait=hors_forfait, invoiced=issued.get("invoice", Decimal("0.00")),
        credited=issued.get("credit_note", Decimal("0.00")), paid=paid, outstanding=outstanding)
