"""What needs doing, for the dashboard: one line per thing to act on, each a code with its data (the French sentence is
messages.line_text's: ARCHITECTURE rule 8), where it opens (`target`) and the ids that place needs. Every family of
lines is one or two SQL aggregate queries — never one query per child or per invoice — so that the list stays fast
on a large practice. Lines: forfaits (few sessions left or used up, ending within 30 days, the child leaving the
forfait's age band or the pathway: services/forfait_alerts.py, the rules of domain/forfait.py), séances of past
months not yet invoiced (per network and month, as the invoice run's preview selects them), invoices past their due
date with something left to pay (as services/payments.py derives it), batches closed but not sent or whose sending
failed, documents waiting outside any batch, rejected batches whose documents are not in a new batch yet,
attestations of séances due for last month (in January, the annual attestations of the year before too), and
children in transition after a « Relais vers une PCO » (issue 22)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from operator import itemgetter

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from cocon_desktop import messages
from cocon_desktop.domain.attestation import ATTESTED_KINDS
from cocon_desktop.domain.money import from_cents
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.models import (
    Attestation,
    Batch,
    BatchDocument,
    Child,
    Enrolment,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    OutboxEntry,
    Payment,
    Prescription,
    Seance,
)
from cocon_desktop.services import outbox_errors
from cocon_desktop.services.batch_payers import export_only_codes
from cocon_desktop.services.batches import EXPORTED, TO_SEND, in_live_batch
from cocon_desktop.services.document_decisions import REFUSED_ONLY
from cocon_desktop.services.forfait_alerts import ForfaitAlert, forfait_alerts
from cocon_desktop.services.invoicing import run_lines
from cocon_desktop.services.report_sql import add_months, key_of, month_last, month_of_key
from cocon_desktop.services.tariff_store import load_tariffs

SEVERITIES = ("error", "warning", "info")
KINDS = ("batch_rejected", "invoice_refused", "forfait_low", "forfait_ending", "age_band_exit", "pathway_exit",
         "relay_transition", "invoice_overdue", "seances_to_invoice", "milestones_to_invoice", "batch_waiting",
         "attestation_due")
FORFAIT_KINDS = {"few_sessions_left": "forfait_low", "exhausted": "forfait_low", "ends_soon": "forfait_ending",
                 "leaves_age_band": "age_band_exit", "left_age_band": "age_band_exit",
                 "leaves_pathway": "pathway_exit", "left_pathway": "pathway_exit"}
SOON_DAYS = 30  # a coming exit (age band, pathway) is a warning within this many days, information before
TO_INVOICE_MONTHS = 12  # séances left to invoice are looked for in the 12 months before the current one


@dataclass(frozen=True)
class ActionItem:
    kind: str  # see KINDS
    severity: str  # "error" | "warning" | "info" (sorted error first)
    code: str  # the line's sentence in messages.py ("line_…"), filled with `data` by messages.line_text
    # where the line opens: "child" | "invoicing" | "unpaid" | "documents" | "sync" | "attestations"
    target: str
    child_id: int | None = None
    number: str = ""  # invoice number for invoice_overdue, invoice_refused
    batch_pk: int | None = None
    month: date | None = None  # first day of the month for seances_to_invoice / attestation_due
    count: int = 0
    network: str = ""  # the network the line is about (séances to invoice, overdue invoices, batches)
    data: tuple[tuple[str, object], ...] = ()  # what the sentence says: names, dates, amounts, counts

    @property
    def text(self) -> str:
        """The line in French, for the command line; the window translates `code` itself."""

        return messages.line_text(self.code, dict(self.data))


def _data(**values: object) -> tuple[tuple[str, object], ...]:
    return tuple(values.items())


def _forfait_grade(alert: ForfaitAlert, today: date) -> tuple[str, str] | None:
    """(kind, severity) of a forfait warning's line, None when it gives none — known before its text is written."""
    w = alert.warning
    kind = FORFAIT_KINDS.get(w.code)
    if kind is None:
        return None
    if w.code in ("exhausted", "left_age_band", "left_pathway"):
        return kind, "error"
    if w.code.startswith("leaves_") and w.on is not None and (w.on - today).days > SOON_DAYS:
        return kind, "info"
    return kind, "warning"


def _forfait_item(alert: ForfaitAlert, grade: tuple[str, str]) -> ActionItem:
    w = alert.warning
    data = _data(child=alert.child_name, inclusion=alert.inclusion_number, discipline=alert.discipline, on=w.on,
                 count=w.count)
    count = w.count if w.code in ("few_sessions_left", "exhausted") and w.count is not None else 0
    return ActionItem(grade[0], grade[1], f"line_{w.code}", "child", child_id=alert.child_id, count=count, data=data)


def _graded_forfait_alerts(session: Session, today: date, tariffs: dict[str, NetworkTariff]
                           ) -> Iterator[tuple[ForfaitAlert, tuple[str, str]]]:
    """The warnings of forfaits not yet renewed (a later prescription of the same discipline deals with them),
    the pathway's age limit once per child, each with its line's (kind, severity)."""
    pathway_seen: set[int] = set()
    for alert in forfait_alerts(session, today, tariffs):
        if alert.renewed:
            continue
        if alert.warning.code.endswith("_pathway"):
            if alert.child_id in pathway_seen:
                continue
            pathway_seen.add(alert.child_id)
        grade = _forfait_grade(alert, today)
        if grade is not None:
            yield alert, grade


def forfait_items(session: Session, today: date, tariffs: dict[str, NetworkTariff]) -> list[ActionItem]:
    """One line per warning of a forfait not yet renewed; the pathway's age limit once per child."""
    return [_forfait_item(alert, grade) for alert, grade in _graded_forfait_alerts(session, today, tariffs)]


def seances_to_invoice_items(session: Session, today: date) -> list[ActionItem]:
    """Per network and past month (the last TO_INVOICE_MONTHS): the séances the invoice run would bill (on a
    prescription, not hors forfait, on no invoice line that no credit note cancels). The database counts them per
    day and child, in the day index's order; the few (day, child) groups are then added up per network and month."""
    this_month = today.replace(day=1)
    # "On a line no credit note cancels" (invoice_drafts.active_line_exists), with the cancelled lines listed once
    # (a list SQLite builds once, with a Bloom filter) instead of one more look-up per séance of the 12 months
    cancelled = select(InvoiceLine.credited_line_id).where(InvoiceLine.credited_line_id.is_not(None))
    invoiced = exists().where(InvoiceLine.seance_id == Seance.id, InvoiceLine.credited_line_id.is_(None),
                              InvoiceLine.id.not_in(cancelled))
    conditions = [Seance.day >= add_months(this_month, -TO_INVOICE_MONTHS), Seance.day < this_month,
                  Seance.prescription_id.is_not(None), Seance.out_of_forfait.is_(False), ~invoiced]
    # a PCO forfait's séances (after a relay) are not billed séance by séance to a network (issue 22); a practice
    # without any keeps the query it always had
    other_pathways = select(Prescription.id).where(Prescription.pathway != "cocon")
    if session.scalar(other_pathways.limit(1)) is not None:
        conditions.append(Seance.prescription_id.not_in(other_pathways))
    rows = session.execute(
        select(Seance.day, Seance.child_id, func.count(Seance.id)).where(*conditions)
        .group_by(Seance.day, Seance.child_id)).all()
    if not rows:
        return []
    networks = dict(session.execute(select(Child.id, Child.network)).all())
    counts: dict[tuple[str, int], int] = {}
    for day, child_id, count in rows:
        key = (networks[child_id], key_of(day))
        counts[key] = counts.get(key, 0) + int(count)
    items = []
    for (network, month), count in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        first = month_of_key(month)
        items.append(ActionItem("seances_to_invoice", "warning", "line_seances_to_invoice", "invoicing", month=first,
                                count=count, network=network, data=_data(network=network, month=first, count=count)))
    return items


def milestones_to_invoice_items(session: Session, today: date,
                                tariffs: dict[str, NetworkTariff]) -> list[ActionItem]:
    """Per payer of another pathway than COCON (a PCO: PCO1…, a pathway's own payer) and past month (the last
    TO_INVOICE_MONTHS): what its invoice run would bill — the milestones of a package (« versements »), the séances
    of a forfait paid per séance — which « séances à facturer » above, COCON's, never counts (issue 22). One indexed
    query, and nothing more, while no prescription is of another pathway than COCON."""
    payers = sorted(set(session.scalars(select(Prescription.payer).where(Prescription.pathway != "cocon",
                                                                         Prescription.payer != ""))))
    this_month = today.replace(day=1)
    first, last = add_months(this_month, -TO_INVOICE_MONTHS), this_month - timedelta(days=1)
    counts: dict[tuple[int, str, bool], int] = {}
    for payer in payers:
        for line in run_lines(session, payer, first, last, tariffs):
            key = (key_of(line.day), payer, line.seance_id is None)
            counts[key] = counts.get(key, 0) + 1
    items = []
    for (month, payer, milestone), count in sorted(counts.items()):
        start = month_of_key(month)
        kind, code = (("milestones_to_invoice", "line_milestones_to_invoice") if milestone else
                      ("seances_to_invoice", "line_seances_to_invoice"))
        items.append(ActionItem(kind, "warning", code, "invoicing", month=start, count=count, network=payer,
                                data=_data(network=payer, month=start, count=count)))
    return items


def _overdue_lines(session: Session, today: date) -> list[Callable[[], ActionItem]]:
    """The overdue invoices, oldest due date first, each line written when asked for (Babel's amounts are the
    costly part, and only the first `limit` lines of the list are shown).

    The invoices are read from ix_invoice_listing alone (schema 0009; `coalesce(kind, '')` keeps SQLite off the
    unique index on kind, which would read each invoice row and its inline PDF), each with two indexed sums:
    its credit notes (ix_invoice_corrects) and its payments (ix_payment_invoice_amount, schema 0010)."""
    credit = aliased(Invoice)
    credited = select(func.sum(credit.total_cents)).where(credit.corrects_id == Invoice.id,
                                                          credit.kind == "credit_note").scalar_subquery()
    # credit notes are few: the corrected invoices are listed once (ix_invoice_corrects), and only theirs summed
    corrected = select(credit.corrects_id).where(credit.corrects_id.is_not(None))
    paid = select(func.sum(Payment.amount_cents)).where(Payment.invoice_id == Invoice.id).scalar_subquery()
    remaining = (Invoice.total_cents - case((Invoice.id.in_(corrected), func.coalesce(credited, 0)), else_=0)
                 - func.coalesce(paid, 0))
    return [partial(_overdue_item, *row, today) for row in session.execute(
        select(Invoice.number, Invoice.network, Invoice.due_date, Invoice.total_cents, remaining)
        .where(func.coalesce(Invoice.kind, "") == "invoice", Invoice.due_date < today, remaining > 0)
        .order_by(Invoice.due_date, Invoice.number))]


def _overdue_item(number: str, network: str, due: date, total: int, left: int, today: date) -> ActionItem:
    days = (today - due).days
    data = _data(number=number, network=network, total=from_cents(total), left=from_cents(left), due=due, count=days)
    return ActionItem("invoice_overdue", "warning", "line_invoice_overdue", "unpaid", number=number, count=days,
                      network=network, data=data)


def overdue_items(session: Session, today: date) -> list[ActionItem]:
    """Invoices past their due date with something left to pay (total − credit notes − payments > 0)."""
    return [build() for build in _overdue_lines(session, today)]


# a batch's line by its state: closed, not handed over (« pas encore envoyé »); exported, for the therapist to hand
# over (« à remettre au réseau »: neither « envoyé » nor « à envoyer »); otherwise (`envoye`, an older version's
# export) only when its last sending failed
_BATCH_LINES = {TO_SEND: ("line_batch_not_sent", "warning"), EXPORTED: ("line_batch_exported", "info")}
# a payer whose batches are exported only (a PCO): its words, and its lines open the Facturation page
_EXPORTED_ONLY_LINES = {"line_batch_not_sent": "line_batch_not_exported",
                        "line_batch_exported": "line_batch_exported_payer"}


def batch_items(session: Session) -> list[ActionItem]:
    """Rejected batches with documents in no new batch; batches closed but not sent, exported but not yet handed
    over, or whose last sending failed; issued documents waiting outside any batch (per network)."""
    items = []
    exported_only = export_only_codes(session)  # a PCO's batches: exported from the Facturation page, never sent
    not_rebatched = exists().where(and_(BatchDocument.batch_pk == Batch.id,
                                        BatchDocument.invoice_id.not_in(in_live_batch())))
    for pk, network, created, documents, reason in session.execute(
            select(Batch.id, Batch.network, Batch.created_at, Batch.documents, Batch.reason)
            .where(Batch.state == "rejete", not_rebatched).order_by(Batch.created_at)):
        data = _data(network=network, created=created.date(), reason=reason.strip(), count=documents)
        items.append(ActionItem("batch_rejected", "error", "line_batch_rejected", "sync", batch_pk=pk, count=documents,
                                network=network, data=data))
    failing = and_(OutboxEntry.delivered_at.is_(None), OutboxEntry.attempts > 0, OutboxEntry.last_error != "")
    for pk, network, created, documents, total, state, error in session.execute(
            select(Batch.id, Batch.network, Batch.created_at, Batch.documents, Batch.total_cents, Batch.state,
                   OutboxEntry.last_error)
            .outerjoin(OutboxEntry, OutboxEntry.batch_pk == Batch.id)
            .where(or_(Batch.state.in_((TO_SEND, EXPORTED)), and_(Batch.state == "envoye", failing)))
            .order_by(Batch.created_at)):
        code, severity = _BATCH_LINES.get(state, ("line_batch_send_failed", "warning"))
        target = "sync"
        if network in exported_only:  # « pas encore exporté » / « exporté, à remettre à la plateforme »
            code, target = _EXPORTED_ONLY_LINES.get(code, code), "invoicing"
        data = _data(network=network, created=created.date(), count=documents, total=from_cents(total),
                     error=None if state == EXPORTED else outbox_errors.read(error))
        items.append(ActionItem("batch_waiting", severity, code, target, batch_pk=pk, count=documents,
                                network=network, data=data))
    for network, count in session.execute(
            select(Invoice.network, func.count(Invoice.id)).where(Invoice.id.not_in(in_live_batch()))
            .group_by(Invoice.network).order_by(Invoice.network)):
        items.append(ActionItem("batch_waiting", "warning", "line_documents_waiting",
                                "invoicing" if network in exported_only else "sync", count=int(count),
                                network=network, data=_data(network=network, count=int(count))))
    return items


def refused_items(session: Session) -> list[ActionItem]:
    """Invoices the network rejected on their own (issue 21, services/document_decisions.py) that read « Rejetée »:
    neither cancelled by credit notes nor paid. Each is to be corrected by a credit note and a corrected invoice.
    A refused document stays refused: one event each, found by the partial index of schema 0016 (none: no more
    reading)."""
    refused = dict(session.execute(select(InvoiceEvent.invoice_id, InvoiceEvent.detail).where(REFUSED_ONLY)).all())
    if not refused:
        return []
    credit = aliased(Invoice)
    credited = func.coalesce(select(func.sum(credit.total_cents)).where(credit.corrects_id == Invoice.id,
                                                                        credit.kind == "credit_note")
                             .scalar_subquery(), 0)
    paid = func.coalesce(select(func.sum(Payment.amount_cents)).where(Payment.invoice_id == Invoice.id)
                         .scalar_subquery(), 0)
    items = []
    for iid, number, network, total in session.execute(
            select(Invoice.id, Invoice.number, Invoice.network, Invoice.total_cents)
            .where(Invoice.id.in_(list(refused)), Invoice.kind == "invoice", credited + paid < Invoice.total_cents)
            .order_by(Invoice.issue_date, Invoice.number)):
        data = _data(number=number, network=network, total=from_cents(total), reason=refused[iid].strip())
        items.append(ActionItem("invoice_refused", "error", "line_invoice_refused", "documents", number=number,
                                network=network, data=data))
    return items


def _children_without_attestation(session: Session, first: date, last: date, kinds: tuple[str, ...]) -> int:
    """Children in the pathway on `first` with attested acts in [first, last] and no attestation of `kinds`
    covering the whole of it. A month: its acts, read in the day index, children counted DISTINCT. A year: one
    look-up per child (ix_seance_child_day, stopping at its first act), not 50,000 acts counted DISTINCT through a
    temporary B-tree (40 ms on a dense practice); for a month, the look-ups would read more pages than its acts."""
    covered = select(Attestation.child_id).where(Attestation.kind.in_(kinds), Attestation.period_start <= first,
                                                 Attestation.period_end >= last)
    in_pathway = or_(Child.exit_date.is_(None), Child.exit_date >= first)
    attested = (Seance.day >= first, Seance.day <= last, Seance.kind.in_(ATTESTED_KINDS),
                Seance.out_of_forfait.is_(False))
    if (last - first).days > 31:
        statement = select(func.count(Child.id)).where(in_pathway, Child.id.not_in(covered),
                                                       exists().where(Seance.child_id == Child.id, *attested))
    else:
        statement = (select(func.count(func.distinct(Seance.child_id))).join(Child, Child.id == Seance.child_id)
                     .where(*attested, in_pathway, Seance.child_id.not_in(covered)))
    return int(session.scalar(statement) or 0)


def attestation_items(session: Session, today: date) -> list[ActionItem]:
    items = []
    first = add_months(today.replace(day=1), -1)
    count = _children_without_attestation(session, first, month_last(first), ("seances", "annuelle"))
    if count:
        items.append(ActionItem("attestation_due", "info", "line_attestations_due", "attestations", month=first,
                                count=count, data=_data(month=first, count=count)))
    if today.month == 1:
        year = today.year - 1
        count = _children_without_attestation(session, date(year, 1, 1), date(year, 12, 31), ("annuelle",))
        if count:
            items.append(ActionItem("attestation_due", "info", "line_annual_attestations_due", "attestations",
                                    month=date(year, 1, 1), count=count, data=_data(year=year, count=count)))
    return items


def transition_items(session: Session, today: date) -> list[ActionItem]:
    """Children in transition after a « Relais vers une PCO » (issue 22), by name: out of COCON with the exit reason
    `relais_pco` before `today` and no forfait of another pathway started yet (a warning: nobody pays their care),
    and those whose relay starts after `today` (information: COCON pays until the day before)."""
    started = exists().where(Prescription.child_id == Child.id, Prescription.pathway != "cocon",
                             Prescription.valid_from <= today)
    ended = session.execute(
        select(Child.id, Child.first_name, Child.last_name, Child.inclusion_number, Child.exit_date)
        .where(Child.exit_reason == "relais_pco", Child.exit_date < today, Child.erased_at.is_(None), ~started)
        .order_by(Child.last_name, Child.first_name, Child.id)).all()
    waiting = session.execute(
        select(Child.id, Child.first_name, Child.last_name, Child.inclusion_number, Child.exit_date,
               Enrolment.started_on)
        .join(Enrolment, Enrolment.child_id == Child.id)
        .where(Enrolment.ended_on.is_(None), Enrolment.started_on > today, Child.erased_at.is_(None))
        .order_by(Child.last_name, Child.first_name, Child.id)).all()
    items = [ActionItem("relay_transition", "warning", "line_relay_transition", "child", child_id=child_id,
                        data=_data(child=f"{first} {last.upper()}", inclusion=inclusion, ended=exit_date))
             for child_id, first, last, inclusion, exit_date in ended]
    items += [ActionItem("relay_transition", "info", "line_relay_waiting", "child", child_id=child_id,
                         data=_data(child=f"{first} {last.upper()}", inclusion=inclusion, ended=exit_date,
                                    starts=starts))
              for child_id, first, last, inclusion, exit_date, starts in waiting]
    return items


def _order(kind: str, severity: str, month: date | None = None) -> tuple[int, int, date]:
    return SEVERITIES.index(severity), KINDS.index(kind), month or date.min


def action_items(sessions: sessionmaker[Session], today: date, limit: int = 200) -> list[ActionItem]:
    """Everything that needs doing, errors first, then warnings, then information; at most `limit` lines.
    The lines are sorted by their (severity, kind, month), known before their text: only the `limit` kept are
    written (a dense practice has ~900 forfait warnings, a late network hundreds of overdue invoices)."""
    tariffs = load_tariffs(sessions)
    lines: list[tuple[tuple[int, int, date], Callable[[], ActionItem]]] = []
    with sessions() as session:
        for alert, grade in _graded_forfait_alerts(session, today, tariffs):
            lines.append((_order(*grade), partial(_forfait_item, alert, grade)))
        for item in [*seances_to_invoice_items(session, today), *milestones_to_invoice_items(session, today, tariffs)]:
            lines.append((_order(item.kind, item.severity, item.month), partial(_same, item)))
        overdue = _order("invoice_overdue", "warning")
        lines += [(overdue, build) for build in _overdue_lines(session, today)]
        for item in [*batch_items(session), *refused_items(session), *attestation_items(session, today),
                     *transition_items(session, today)]:
            lines.append((_order(item.kind, item.severity, item.month), partial(_same, item)))
    lines.sort(key=itemgetter(0))  # stable: within a kind, each query's own order (names, dates) is kept
    return [build() for _, build in lines[:limit]]


def _same(item: ActionItem) -> ActionItem:
    return item

