"""Controls across therapists — what no single practice can see (issue 21, #4).

`run_controls(session, batch_id)` runs with the verdict of a batch's full verification, in its transaction: it
deletes the batch's flags and computes them again (idempotent), reading only the children of that batch
(act.inclusion_number is indexed) with every therapist's acts for them. Each finding is a ControlFlag with a
French sentence, linked to the batch, the document and the act it is about:

- forfait (`forfait_sessions_exceeded`, `forfait_amount_exceeded`): per child, forfait and discipline, the séances
  and money billed by every therapist against the network's tariff (tariffs/<network>.toml);
- same day (`same_day_two_therapists`, `same_day_twice`): the same child, day and discipline billed twice;
- dates (`before_inclusion`, `after_exit`): acts before the day of inclusion or after the day of exit (both days
  are inside the pathway);
- age (`outside_age_band`: on or after the 5th birthday, 7th in Occitanie; `discipline_not_covered`: a discipline
  no forfait covers at the child's age), the age counted as the tariff's `age_basis` says (chronological by
  default, as the practice picks a prescription's forfait);
- `unknown_child`: an inclusion number absent from the network's inclusion list.

Credit notes cancel the acts they correct (controls_acts.py); rejected documents count for nothing. The network's
tariff comes from the batch's network; a console decision (a document rejected) changes what counts: run the
controls of the batches concerned again (`rerun_for_children`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cocon_network.server import controls_rules as rules
from cocon_network.server.controls_acts import batch_children, counted_acts
from cocon_network.server.models import DOC_RECEIVED, Act, Batch, ControlFlag, Document, Inclusion
from cocon_network.server.tariff import NetworkTariff, add_months, load_tariff

KIND_LABELS = rules.KIND_LABELS


def _inclusions(session: Session, children: Collection[str]) -> dict[str, Inclusion]:
    names = sorted(children)
    found: dict[str, Inclusion] = {}
    for start in range(0, len(names), 2000):
        for inclusion in session.scalars(select(Inclusion).where(
                Inclusion.inclusion_number.in_(names[start:start + 2000]))):
            found[inclusion.inclusion_number] = inclusion
    return found


def findings_for_batch(session: Session, batch_id: str, tariff: NetworkTariff) -> list[rules.Finding]:
    children = batch_children(session, batch_id)
    acts = counted_acts(session, children)
    inclusions = _inclusions(session, children)
    findings: list[rules.Finding] = []
    for child in sorted(children):
        child_acts = acts.get(child, [])
        mine = [a for a in child_acts if a.batch_id == batch_id]
        if not mine:  # only credit notes for this child in the batch: nothing of it still counts
            continue
        inclusion = inclusions.get(child)
        if inclusion is None:
            findings += rules.unknown_child(child, mine)
        else:
            findings += rules.inclusion_dates(inclusion, mine)
            findings += rules.age_band(inclusion, tariff, mine)
            findings += rules.forfaits(inclusion, tariff, child_acts, batch_id)
        findings += rules.same_day(child, child_acts, batch_id)
    return findings


def run_controls(session: Session, batch_id: str, tariff: NetworkTariff | None = None) -> list[ControlFlag]:
    """The batch's flags, computed again (the previous ones deleted), added to `session` and flushed."""
    if tariff is None:
        network = session.scalar(select(Batch.network).where(Batch.batch_id == batch_id)) or "RPM"
        tariff = load_tariff(network)
    session.execute(delete(ControlFlag).where(ControlFlag.batch_id == batch_id))
    flags = [ControlFlag(kind=f.kind, inclusion_number=f.child, document_id=f.act.document_id, act_id=f.act.act_id,
                         batch_id=batch_id, message=f.message)
             for f in findings_for_batch(session, batch_id, tariff)]
    session.add_all(flags)
    session.flush()
    return flags


def rerun_for_children(session: Session, children: Collection[str], tariff: NetworkTariff | None = None, *,
                       pending_only: bool = False) -> int:
    """Run again the controls of every batch holding acts of these children (after a decision or an inclusion
    import changed what counts), or only of those with a document still awaiting a decision; how many batches."""
    batch_ids: set[str] = set()
    names = sorted(children)
    for start in range(0, len(names), 2000):
        query = (select(Document.batch_id).join(Act, Act.document_id == Document.id)
                 .where(Act.inclusion_number.in_(names[start:start + 2000])))
        if pending_only:
            query = query.where(Document.status == DOC_RECEIVED)
        batch_ids.update(session.scalars(query.distinct()))
    for batch_id in sorted(batch_ids):
        run_controls(session, batch_id, tariff)
    return len(batch_ids)


def rerun_pending_for_children(session: Session, children: Collection[str]) -> int:
    """After an inclusion import: the controls of the batches still awaiting the coordinator's decision (the
    flags of decided or paid documents are their history; a first import of 13,000 children does not recheck
    five years of batches)."""
    return rerun_for_children(session, children, pending_only=True)


def rerun_after_decision(session: Session, document_id: int) -> int:
    """After the coordinator rejected (or accepted again) a document: what counts for its children changed, so the
    controls of the batches holding their acts and still awaiting a decision run again (a rejected invoice's
    séance no longer makes another therapist's the same day a duplicate). How many batches."""
    children = set(session.scalars(select(Act.inclusion_number).where(Act.document_id == document_id)))
    return rerun_for_children(session, children, pending_only=True) if children else 0


@dataclass(frozen=True)
class ForfaitUse:
    kind: str
    label: str
    discipline: str  # code
    discipline_label: str
    sessions_used: int
    sessions_allowed: int
    sessions_left: int
    bilans_used: int
    cents_used: int
    cents_allowed: int
    cents_left: int
    therapists: tuple[str, ...]
    first_day: date
    last_day: date


@dataclass(frozen=True)
class ChildFlag:
    kind: str
    kind_label: str
    message: str
    document_id: int | None
    batch_id: str | None


@dataclass(frozen=True)
class ChildSummary:
    inclusion_number: str
    known: bool  # in the network's inclusion list
    initials: str
    birth_date: date | None
    gestational_weeks: int | None
    included_on: date | None
    ended_on: date | None
    departement: str
    pathway_end: date | None
    forfaits: tuple[ForfaitUse, ...]
    acts_counted: int
    cents_counted: int
    flags: tuple[ChildFlag, ...]


def child_summary(session: Session, inclusion_number: str, tariff: NetworkTariff | None = None) -> ChildSummary:
    """The child page's figures: each forfait used and left across every therapist, and the child's flags."""
    tariff = tariff or load_tariff(_network_of_child(session, inclusion_number))
    acts = counted_acts(session, [inclusion_number]).get(inclusion_number, [])
    inclusion = session.get(Inclusion, inclusion_number)
    uses: list[ForfaitUse] = []
    if inclusion is not None:
        for (forfait, discipline), group in rules.forfait_groups(inclusion, tariff, acts).items():
            sessions = sum(1 for a in group if not a.is_bilan)
            used = sum(a.cents for a in group)
            allowed = forfait.authorised_cents(discipline)
            uses.append(ForfaitUse(
                kind=forfait.kind, label=forfait.label, discipline=discipline,
                discipline_label=rules.discipline_label(discipline), sessions_used=sessions,
                sessions_allowed=forfait.sessions, sessions_left=max(0, forfait.sessions - sessions),
                bilans_used=len(group) - sessions, cents_used=used, cents_allowed=allowed,
                cents_left=max(0, allowed - used), therapists=tuple(dict.fromkeys(a.therapist_name for a in group)),
                first_day=group[0].day, last_day=group[-1].day))
    flags = session.execute(select(ControlFlag).where(ControlFlag.inclusion_number == inclusion_number)
                            .order_by(ControlFlag.id)).scalars()
    origin = tariff.age_origin(inclusion.birth_date, inclusion.gestational_weeks) if inclusion else None
    return ChildSummary(
        inclusion_number=inclusion_number, known=inclusion is not None,
        initials=inclusion.initials if inclusion else (acts[0].initials if acts else ""),
        birth_date=inclusion.birth_date if inclusion else None,
        gestational_weeks=inclusion.gestational_weeks if inclusion else None,
        included_on=inclusion.included_on if inclusion else None,
        ended_on=inclusion.ended_on if inclusion else None, departement=inclusion.departement if inclusion else "",
        pathway_end=add_months(origin, tariff.pathway_max_age_years * 12) if origin else None,
        forfaits=tuple(sorted(uses, key=lambda u: (u.first_day, u.discipline))), acts_counted=len(acts),
        cents_counted=sum(a.cents for a in acts),
        flags=tuple(ChildFlag(f.kind, KIND_LABELS.get(f.kind, f.kind), f.message, f.document_id, f.batch_id)
                    for f in flags))


def _network_of_child(session: Session, inclusion_number: str) -> str:
    network = session.scalar(
        select(Batch.network).join(Document, Document.batch_id == Batch.batch_id)
        .join(Act, Act.document_id == Document.id).where(Act.inclusion_number == inclusion_number).limit(1))
    return network or "RPM"
