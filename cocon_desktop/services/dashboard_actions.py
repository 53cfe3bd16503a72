"""What needs doing, for the dashboard: one line per thing to act on, each a French sentence with where it opens
(`target`) and the ids that place needs. Every family of lines is one or two SQL aggregate queries — never one
query per child or per invoice — so that the list stays fast on a large practice.

Lines: forfaits (few sessions left or used up, ending within 30 days, the child leaving the forfait's age band or
the pathway: services/forfait_alerts.py, the rules of domain/forfait.py), séances of past months not yet invoiced
(per network and month, as the invoice run's preview selects them), invoices past their due date with something
left to pay (as services/payments.py derives it), batches closed but not sent or whose sending failed, documents
waiting outside any batch, rejected batches whose documents are not in a new batch yet, and attestations of
séances due for last month (in January, the annual attestations of the year before too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.attestation import ATTESTED_KINDS
from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.messages import euros, french_date
from cocon_desktop.models import Attestation, Batch, BatchDocument, Child, Invoice, OutboxEntry, Seance
from cocon_desktop.services.batches import in_live_batch
from cocon_desktop.services.forfait_alerts import ForfaitAlert, forfait_alerts
from cocon_desktop.services.invoice_drafts import active_line_exists
from cocon_desktop.services.report_sql import (
    add_months,
    credits_until,
    key_of,
    month_last,
    month_of_key,
    payments_until,
)
from cocon_desktop.services.report_sql import euros as cents_to_euros
from cocon_desktop.services.tariff_store import load_tariffs

SEVERITIES = ("error", "warning", "info")
KINDS = ("batch_rejected", "forfait_low", "forfait_ending", "age_band_exit", "pathway_exit", "invoice_overdue",
         "seances_to_invoice", "batch_waiting", "attestation_due")
FORFAIT_KINDS = {"few_sessions_left": "forfait_low", "exhausted": "forfait_low", "ends_soon": "forfait_ending",
                 "leaves_age_band": "age_band_exit", "left_age_band": "age_band_exit",
                 "leaves_pathway": "pathway_exit", "left_pathway": "pathway_exit"}
SOON_DAYS = 30  # a coming exit (age band, pathway) is a warning within this many days, information before
TO_INVOICE_MONTHS = 12  # séances left to invoice are looked for in the 12 months before the current one


@dataclass(frozen=True)
class ActionItem:
    kind: str  # see KINDS
    severity: str  # "error" | "warning" | "info" (sorted error first)
    text: str  # one French sentence
    target: str  # where the line opens: "child" | "invoicing" | "unpaid" | "sync" | "attestations"
    child_id: int | None = None
    number: str = ""  # invoice number for invoice_overdue
    batch_pk: int | None = None
    month: date | None = None  # first day of the month for seances_to_invoice / attestation_due
    count: int = 0
    network: str = ""  # the network the line is about (séances to invoice, overdue invoices, batches)


def month_words(first: date) -> str:
    """"octobre 2026"."""
    return str(format_date(first, "MMMM y", locale="fr_FR"))


def _of(first: date) -> str:
    """"d'octobre 2026", "de mars 2026"."""
    words = month_words(first)
    return f"d'{words}" if words[0] in "aeiouyh" else f"de {words}"


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _discipline(code: str) -> str:
    """"de psychomotricité", "d'orthophonie"."""
    label = DISCIPLINES.get(code, code).split(" (")[0].lower()
    return f"d'{label}" if label[:1] in "aeiouyhé" else f"de {label}"


def _forfait_item(alert: ForfaitAlert, today: date) -> ActionItem | None:
    w = alert.warning
    who = f"{alert.child_name} ({alert.inclusion_number})"
    forfait = f"le forfait {_discipline(alert.discipline)}"
    kind = FORFAIT_KINDS.get(w.code)
    if kind is None:
        return None
    severity = "warning"
    if w.code == "exhausted":
        severity, text = "error", f"{who} : {forfait} est épuisé, une nouvelle prescription est nécessaire."
    elif w.code == "few_sessions_left":
        left = "plus qu'une séance" if w.count == 1 else f"plus que {w.count} séances"
        text = f"{who} : {left} sur {forfait}."
    elif w.code == "ends_soon":
        when = "aujourd'hui" if w.count == 0 else f"le {french_date(w.on)} (dans {_plural(w.count or 0, 'jour')})"
        text = f"{who} : {forfait} prend fin {when}."
    elif w.code == "left_age_band":
        severity, text = "error", f"{who} : a quitté la tranche d'âge du forfait {_discipline(alert.discipline)} " \
                                  f"le {french_date(w.on)}."
    elif w.code == "leaves_age_band":
        text = f"{who} : quitte la tranche d'âge du forfait {_discipline(alert.discipline)} le {french_date(w.on)}."
    elif w.code == "left_pathway":
        severity, text = "error", f"{who} : a atteint la limite d'âge du parcours le {french_date(w.on)}."
    else:
        text = f"{who} : atteint la limite d'âge du parcours le {french_date(w.on)}."
    if w.code.startswith("leaves_") and w.on is not None and (w.on - today).days > SOON_DAYS:
        severity = "info"
    count = w.count if w.code in ("few_sessions_left", "exhausted") and w.count is not None else 0
    return ActionItem(kind, severity, text, "child", child_id=alert.child_id, count=count)


def forfait_items(session: Session, today: date, tariffs: dict[str, NetworkTariff]) -> list[ActionItem]:
    """One line per warning of a forfait not yet renewed (a later prescription of the same discipline deals with
    it); the pathway's age limit once per child."""
    items: list[ActionItem] = []
    pathway_seen: set[int] = set()
    for alert in forfait_alerts(session, today, tariffs):
        if alert.renewed:
            continue
        if alert.warning.code.endswith("_pathway"):
            if alert.child_id in pathway_seen:
                continue
            pathway_seen.add(alert.child_id)
        item = _forfait_item(alert, today)
        if item is not None:
            items.append(item)
    return items


def seances_to_invoice_items(session: Session, today: date) -> list[ActionItem]:
    """Per network and past month (the last TO_INVOICE_MONTHS): the séances the invoice run would bill (on a
    prescription, not hors forfait, on no invoice line that no credit note cancels). The database counts them per
    day and child, in the day index's order; the few (day, child) groups are then added up per network and month."""
    this_month = today.replace(day=1)
    rows = session.execute(
        select(Seance.day, Seance.child_id, func.count(Seance.id))
        .where(Seance.day >= add_months(this_month, -TO_INVOICE_MONTHS), Seance.day < this_month,
               Seance.prescription_id.is_not(None), Seance.out_of_forfait.is_(False),
               ~active_line_exists(Seance.id))  # type: ignore[operator]
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
        text = f"{network} : {_plural(count, 'séance')} {_of(first)} {'reste' if count == 1 else 'restent'} à facturer."
        items.append(ActionItem("seances_to_invoice", "warning", text, "invoicing", month=first, count=count,
                                 network=network))
    return items


def overdue_items(session: Session, today: date) -> list[ActionItem]:
    """Invoices past their due date with something left to pay (total − credit notes − payments > 0)."""
    credits, paid = credits_until(), payments_until()
    remaining = Invoice.total_cents - func.coalesce(credits.c.amount, 0) - func.coalesce(paid.c.amount, 0)
    rows = session.execute(
        select(Invoice.number, Invoice.network, Invoice.due_date, Invoice.total_cents, remaining)
        .outerjoin(credits, credits.c.iid == Invoice.id).outerjoin(paid, paid.c.iid == Invoice.id)
        .where(Invoice.kind == "invoice", Invoice.due_date < today, remaining > 0)
        .order_by(Invoice.due_date, Invoice.number))
    items = []
    for number, network, due, total, left in rows:
        days = (today - due).days
        text = (f"Facture {number} ({network}, {euros(cents_to_euros(total))}) : {euros(cents_to_euros(left))} "
                f"impayés, échue depuis le {french_date(due)} ({_plural(days, 'jour')}).")
        items.append(ActionItem("invoice_overdue", "warning", text, "unpaid", number=number, count=days,
                                 network=network))
    return items


def batch_items(session: Session) -> list[ActionItem]:
    """Rejected batches with documents in no new batch; batches closed but not sent, or whose last sending failed;
    issued documents waiting outside any batch (per network)."""
    items = []
    not_rebatched = exists().where(and_(BatchDocument.batch_pk == Batch.id,
                                        BatchDocument.invoice_id.not_in(in_live_batch())))
    for pk, network, created, documents, reason in session.execute(
            select(Batch.id, Batch.network, Batch.created_at, Batch.documents, Batch.reason)
            .where(Batch.state == "rejete", not_rebatched).order_by(Batch.created_at)):
        text = (f"Lot {network} du {french_date(created.date())} rejeté par le réseau (« {reason.strip()} ») : "
                f"{_plural(documents, 'document')} à corriger et à renvoyer.")
        items.append(ActionItem("batch_rejected", "error", text, "sync", batch_pk=pk, count=documents,
                                 network=network))
    failing = and_(OutboxEntry.delivered_at.is_(None), OutboxEntry.attempts > 0, OutboxEntry.last_error != "")
    for pk, network, created, documents, total, state, error in session.execute(
            select(Batch.id, Batch.network, Batch.created_at, Batch.documents, Batch.total_cents, Batch.state,
                   OutboxEntry.last_error)
            .outerjoin(OutboxEntry, OutboxEntry.batch_pk == Batch.id)
            .where(or_(Batch.state == "prepare", and_(Batch.state == "envoye", failing)))
            .order_by(Batch.created_at)):
        what = f"Lot {network} du {french_date(created.date())} ({_plural(documents, 'document')}, " \
               f"{euros(cents_to_euros(total))})"
        text = f"{what} : pas encore envoyé au réseau." if state == "prepare" else f"{what} : l'envoi a échoué."
        if error:
            text = text[:-1] + f" — {error.strip().rstrip('.')}."
        items.append(ActionItem("batch_waiting", "warning", text, "sync", batch_pk=pk, count=documents,
                                 network=network))
    for network, count in session.execute(
            select(Invoice.network, func.count(Invoice.id)).where(Invoice.id.not_in(in_live_batch()))
            .group_by(Invoice.network).order_by(Invoice.network)):
        text = f"{network} : {_plural(count, 'document émis', 'documents émis')} " \
               f"{'attend' if count == 1 else 'attendent'} d'être mis dans un lot."
        items.append(ActionItem("batch_waiting", "warning", text, "sync", count=int(count), network=network))
    return items


def _children_without_attestation(session: Session, first: date, last: date, kinds: tuple[str, ...]) -> int:
    """Children in the pathway on `first` with attested acts in [first, last] and no attestation of `kinds`
    covering the whole of it."""
    covered = select(Attestation.child_id).where(Attestation.kind.in_(kinds), Attestation.period_start <= first,
                                                 Attestation.period_end >= last)
    return int(session.scalar(
        select(func.count(func.distinct(Seance.child_id))).join(Child, Child.id == Seance.child_id)
        .where(Seance.day >= first, Seance.day <= last, Seance.kind.in_(ATTESTED_KINDS),
               Seance.out_of_forfait.is_(False), or_(Child.exit_date.is_(None), Child.exit_date >= first),
               Seance.child_id.not_in(covered))) or 0)


def attestation_items(session: Session, today: date) -> list[ActionItem]:
    items = []
    first = add_months(today.replace(day=1), -1)
    count = _children_without_attestation(session, first, month_last(first), ("seances", "annuelle"))
    if count:
        children = _plural(count, "enfant")
        text = f"{children} {'a' if count == 1 else 'ont'} eu des soins en {month_words(first)} sans attestation " \
               f"de séances."
        items.append(ActionItem("attestation_due", "info", text, "attestations", month=first, count=count))
    if today.month == 1:
        year = today.year - 1
        count = _children_without_attestation(session, date(year, 1, 1), date(year, 12, 31), ("annuelle",))
        if count:
            verb = "a" if count == 1 else "ont"
            text = f"Attestations annuelles {year} à établir : {_plural(count, 'enfant')} {verb} eu des soins dans " \
                   "l'année."
            items.append(ActionItem("attestation_due", "info", text, "attestations", month=date(year, 1, 1),
                                    count=count))
    return items


def _order(item: ActionItem) -> tuple[int, int, date]:
    return SEVERITIES.index(item.severity), KINDS.index(item.kind), item.month or date.min


def action_items(sessions: sessionmaker[Session], today: date, limit: int = 200) -> list[ActionItem]:
    """Everything that needs doing, errors first, then warnings, then information; at most `limit` lines."""
    tariffs = load_tariffs(sessions)
    with sessions() as session:
        items = [*forfait_items(session, today, tariffs), *seances_to_invoice_items(session, today),
                 *overdue_items(session, today), *batch_items(session), *attestation_items(session, today)]
    items.sort(key=_order)  # stable: within a kind, each query's own order (names, dates) is kept
    return items[:limit]

