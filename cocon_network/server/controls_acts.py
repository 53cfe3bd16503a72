"""The acts the controls count: every act of the children asked for, from every therapist, read with one indexed
query (act.inclusion_number), minus what credit notes cancelled.

A rejected document counts for nothing (it will not be paid). A credit note's line cancels the line of the invoice
it corrects (same therapist, the invoice's number in `corrects`) with the same child, day, discipline and kind of
act: the whole act when it credits the whole amount, only money when it credits part of it (a price corrected, the
séance stays). A credit note whose invoice the network does not hold (or rejected) cancels nothing: its invoice's
acts are not counted either."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cocon_network.server.models import DOC_REJECTED, Act, Document, Therapist

BILANS = ("bilan_initial", "bilan_renouvellement")
NOT_ON_FORFAIT = ("rcp",)  # RCP participation is valued apart, never on a forfait (nor a séance of the day)
CHUNK = 2000  # children per IN (…) list


@dataclass(frozen=True, slots=True)
class CountedAct:
    act_id: int
    document_id: int
    document_number: str
    batch_id: str
    therapist_id: int
    therapist_name: str
    line: int
    day: date
    child: str
    initials: str
    discipline: str
    nature: str
    cents: int

    @property
    def is_bilan(self) -> bool:
        return self.nature in BILANS

    @property
    def on_forfait(self) -> bool:
        return self.nature not in NOT_ON_FORFAIT

    @property
    def order(self) -> tuple[date, int, int]:
        return (self.day, self.document_id, self.line)


@dataclass(frozen=True, slots=True)
class _Row:
    act: CountedAct
    kind: str
    corrects: str


def _rows(session: Session, children: Collection[str]) -> Iterable[_Row]:
    names = sorted(children)
    for start in range(0, len(names), CHUNK):
        query = (
            select(Act.id, Act.document_id, Document.number, Document.batch_id, Act.therapist_id, Therapist.name,
                   Act.line, Act.act_date, Act.inclusion_number, Act.initials, Act.discipline, Act.nature,
                   Act.amount_cents, Document.kind, Document.corrects)
            .join(Document, Document.id == Act.document_id)
            .join(Therapist, Therapist.id == Act.therapist_id)
            .where(Act.inclusion_number.in_(names[start:start + CHUNK]), Document.status != DOC_REJECTED))
        for row in session.connection().execute(query):  # Core rows: no ORM work for thousands of tuples
            act = CountedAct(act_id=row[0], document_id=row[1], document_number=row[2], batch_id=row[3],
                             therapist_id=row[4], therapist_name=row[5], line=row[6], day=row[7], child=row[8],
                             initials=row[9], discipline=row[10], nature=row[11], cents=row[12])
            yield _Row(act, row[13], row[14] or "")


def counted_acts(session: Session, children: Collection[str]) -> dict[str, list[CountedAct]]:
    """Per child, its invoices' acts still standing after credit notes, in date order."""
    invoices: dict[tuple[int, str], list[CountedAct]] = defaultdict(list)
    credits: list[_Row] = []
    for row in _rows(session, children):
        if row.kind == "credit_note":
            credits.append(row)
        else:
            invoices[(row.act.therapist_id, row.act.document_number)].append(row.act)
    cancelled: set[int] = set()
    reduced: dict[int, int] = {}
    for credit in sorted(credits, key=lambda r: (r.act.document_id, r.act.line)):
        candidates = [a for a in invoices.get((credit.act.therapist_id, credit.corrects), [])
                      if a.act_id not in cancelled and a.child == credit.act.child and a.day == credit.act.day
                      and a.discipline == credit.act.discipline and a.nature == credit.act.nature]
        if not candidates:
            continue
        credited = -credit.act.cents
        whole = [a for a in candidates if reduced.get(a.act_id, a.cents) == credited]
        if whole:
            cancelled.add(whole[0].act_id)
        else:
            target = candidates[0]
            reduced[target.act_id] = reduced.get(target.act_id, target.cents) - credited
            if reduced[target.act_id] <= 0:
                cancelled.add(target.act_id)
    by_child: dict[str, list[CountedAct]] = defaultdict(list)
    for acts in invoices.values():
        for act in acts:
            if act.act_id in cancelled:
                continue
            by_child[act.child].append(replace(act, cents=reduced[act.act_id]) if act.act_id in reduced else act)
    for acts in by_child.values():
        acts.sort(key=lambda a: a.order)
    return dict(by_child)


def batch_children(session: Session, batch_id: str) -> dict[str, list[tuple[int, int, str]]]:
    """The children of a batch's documents (not rejected): their acts' (act id, document id, document number)."""
    query = (select(Act.inclusion_number, Act.id, Act.document_id, Document.number)
             .join(Document, Document.id == Act.document_id)
             .where(Document.batch_id == batch_id, Document.status != DOC_REJECTED)
             .order_by(Act.document_id, Act.line))
    children: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for child, act_id, document_id, number in session.execute(query):
        children[child].append((act_id, document_id, number))
    return dict(children)
