"""The controls across therapists, one child at a time: pure functions from the child's counted acts (every
therapist's, credit notes applied), its inclusion and the network's tariff to findings in French. Only the acts of
the batch being checked raise a finding; the others are named in it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cocon_exchange.money import euros
from cocon_network.server.controls_acts import CountedAct
from cocon_network.server.models import Inclusion
from cocon_network.server.tariff import Forfait, NetworkTariff, add_months, months_between

FORFAIT_SESSIONS = "forfait_sessions_exceeded"
FORFAIT_AMOUNT = "forfait_amount_exceeded"
SAME_DAY_TWO = "same_day_two_therapists"
SAME_DAY_TWICE = "same_day_twice"
BEFORE_INCLUSION = "before_inclusion"
AFTER_EXIT = "after_exit"
OUTSIDE_AGE = "outside_age_band"
NOT_COVERED = "discipline_not_covered"
UNKNOWN_CHILD = "unknown_child"

KIND_LABELS = {
    FORFAIT_SESSIONS: "Forfait dépassé (séances)",
    FORFAIT_AMOUNT: "Forfait dépassé (montant)",
    SAME_DAY_TWO: "Même jour, deux thérapeutes",
    SAME_DAY_TWICE: "Même jour, deux fois",
    BEFORE_INCLUSION: "Avant l'inclusion",
    AFTER_EXIT: "Après la sortie du parcours",
    OUTSIDE_AGE: "Hors de l'âge du parcours",
    NOT_COVERED: "Discipline hors forfait à cet âge",
    UNKNOWN_CHILD: "Enfant inconnu du réseau",
}

DISCIPLINES = {
    "psychomotricite": "psychomotricité", "orthophonie": "orthophonie", "kinesitherapie": "kinésithérapie",
    "ergotherapie": "ergothérapie", "psychologie": "psychologie", "orthoptie": "orthoptie",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    child: str
    act: CountedAct  # the act of the batch the finding is attached to
    message: str


def fr_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def fr_cents(cents: int) -> str:
    return euros(Decimal(cents) / 100)


def discipline_label(code: str) -> str:
    return DISCIPLINES.get(code, code)


def _documents(acts: Sequence[CountedAct]) -> str:
    """« FAC-2026-0001 (Camille Martin EI), FAC-2026-0007 (Jean Roux EI) », each document once."""
    seen: dict[tuple[str, str], None] = {}
    for act in acts:
        seen[(act.document_number, act.therapist_name)] = None
    return ", ".join(f"{number} ({name})" for number, name in seen)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def unknown_child(child: str, batch_acts: Sequence[CountedAct]) -> list[Finding]:
    first = batch_acts[0]
    return [Finding(UNKNOWN_CHILD, child, first,
                    f"L'enfant n° {child} ({first.initials or 'sans initiales'}) n'est pas dans la liste d'inclusion "
                    f"du réseau : {_plural(len(batch_acts), 'acte')} de ce lot le concernent "
                    f"({_documents(batch_acts)}). Vérifiez le numéro d'inclusion avec le thérapeute ou importez la "
                    "liste à jour de l'outil de coordination.")]


def _per_document(kind: str, child: str, acts: Sequence[CountedAct], sentence: tuple[str, str]) -> list[Finding]:
    """One finding per document: « 1 acte du document … est antérieur … » / « 2 actes … sont antérieurs … »."""
    by_document: dict[int, list[CountedAct]] = defaultdict(list)
    for act in acts:
        by_document[act.document_id].append(act)
    findings = []
    for document_acts in by_document.values():
        days = ", ".join(fr_date(a.day) for a in document_acts)
        first = document_acts[0]
        findings.append(Finding(kind, child, first,
                                f"Enfant n° {child} : {_plural(len(document_acts), 'acte')} du document "
                                f"{first.document_number} ({first.therapist_name}) "
                                f"{sentence[0] if len(document_acts) == 1 else sentence[1]} : {days}."))
    return findings


def inclusion_dates(inclusion: Inclusion, batch_acts: Sequence[CountedAct]) -> list[Finding]:
    """Acts before the day of inclusion (that day is inside) or after the day of exit (that day is inside)."""
    child = inclusion.inclusion_number
    before = [a for a in batch_acts if a.day < inclusion.included_on]
    on = fr_date(inclusion.included_on)
    findings = _per_document(BEFORE_INCLUSION, child, before,
                             (f"est antérieur à son inclusion dans le parcours le {on}",
                              f"sont antérieurs à son inclusion dans le parcours le {on}"))
    if inclusion.ended_on is not None:
        ended = inclusion.ended_on
        after = [a for a in batch_acts if a.day > ended]
        findings += _per_document(AFTER_EXIT, child, after,
                                  (f"est postérieur à sa sortie du parcours le {fr_date(ended)}",
                                   f"sont postérieurs à sa sortie du parcours le {fr_date(ended)}"))
    return findings


def age_band(inclusion: Inclusion, tariff: NetworkTariff, batch_acts: Sequence[CountedAct]) -> list[Finding]:
    """Acts on or after the day the child reaches the pathway's last age (its 5th birthday, 7th in Occitanie), and
    acts of a discipline no forfait covers at the child's age on that day."""
    child = inclusion.inclusion_number
    origin = tariff.age_origin(inclusion.birth_date, inclusion.gestational_weeks)
    years = tariff.pathway_max_age_years
    pathway_end = add_months(origin, years * 12)
    basis = " (âge corrigé)" if origin != inclusion.birth_date else ""
    late = [a for a in batch_acts if a.day >= pathway_end]
    end = (f"de ses {years} ans{basis} ou après, fin du parcours COCON du réseau {tariff.network} le "
           f"{fr_date(pathway_end)} (naissance le {fr_date(inclusion.birth_date)})")
    findings = _per_document(OUTSIDE_AGE, child, late, (f"est daté {end}", f"sont datés {end}"))
    lookup = _forfait_lookup(tariff, origin)
    uncovered = [a for a in batch_acts if a.on_forfait and origin <= a.day < pathway_end
                 and lookup(a.day, a.discipline) is None]
    by_discipline: dict[str, list[CountedAct]] = defaultdict(list)
    for act in uncovered:
        by_discipline[act.discipline].append(act)
    for discipline, acts in by_discipline.items():
        months = sorted({months_between(origin, a.day) for a in acts})
        ages = ", ".join(f"{m} mois" for m in months)
        what = (f"en {discipline_label(discipline)}, qu'aucun forfait du réseau ne couvre à l'âge de l'enfant "
                f"({ages}{basis})")
        findings += _per_document(NOT_COVERED, child, acts, (f"est {what}", f"sont {what}"))
    return findings


def same_day(child: str, acts: Sequence[CountedAct], batch_id: str) -> list[Finding]:
    """The same child, the same day, the same discipline: billed by two therapists, or twice by one."""
    groups: dict[tuple[date, str], list[CountedAct]] = defaultdict(list)
    for act in acts:
        if act.on_forfait:
            groups[(act.day, act.discipline)].append(act)
    findings = []
    for (day, discipline), group in sorted(groups.items()):
        mine = [a for a in group if a.batch_id == batch_id]
        if len(group) < 2 or not mine:
            continue
        therapists = {a.therapist_id for a in group}
        if len(therapists) > 1:
            kind, what = SAME_DAY_TWO, f"par {len(therapists)} thérapeutes"
        else:
            kind, what = SAME_DAY_TWICE, f"{len(group)} fois par le même thérapeute"
        findings.append(Finding(kind, child, mine[0],
                                f"Enfant n° {child} : {_plural(len(group), 'acte')} de "
                                f"{discipline_label(discipline)} le {fr_date(day)}, facturés {what} : "
                                f"{_documents(group)}."))
    return findings


def _by_therapist(acts: Sequence[CountedAct]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for act in acts:
        counts[act.therapist_name] += 1
    return ", ".join(f"{name} ({count})" for name, count in counts.items())


def forfaits(inclusion: Inclusion, tariff: NetworkTariff, acts: Sequence[CountedAct],
             batch_id: str) -> list[Finding]:
    """Per forfait and discipline, the séances and the money used by every therapist against the tariff: at most
    `sessions` séances (bilans apart) and sessions × price + one bilan (DOMAIN.md, « Forfaits »)."""
    child = inclusion.inclusion_number
    findings = []
    for (forfait, discipline), group in forfait_groups(inclusion, tariff, acts).items():
        mine = [a for a in group if a.batch_id == batch_id]
        if not mine:
            continue
        label = discipline_label(discipline)
        rule = (f"règle du tarif du réseau {tariff.network} : {forfait.sessions} séances et un bilan par enfant et par "
                f"discipline, tous thérapeutes confondus")
        sessions = [a for a in group if not a.is_bilan]
        if len(sessions) > forfait.sessions:
            over = sessions[forfait.sessions]
            beyond = [a for a in sessions[forfait.sessions:] if a.batch_id == batch_id]
            anchor = beyond[0] if beyond else mine[-1]
            findings.append(Finding(FORFAIT_SESSIONS, child, anchor,
                                    f"Enfant n° {child} : {len(sessions)} séances de {label} sur le "
                                    f"{forfait.label[0].lower()}{forfait.label[1:]}, pour {forfait.sessions} prévues "
                                    f"({rule}). Facturées par {_by_therapist(sessions)} ; la "
                                    f"{forfait.sessions + 1}e est celle du {fr_date(over.day)} "
                                    f"({over.document_number})."))
        used = sum(a.cents for a in group)
        allowed = forfait.authorised_cents(discipline)
        if used > allowed:
            findings.append(Finding(FORFAIT_AMOUNT, child, mine[-1],
                                    f"Enfant n° {child} : {fr_cents(used)} facturés en {label} sur le "
                                    f"{forfait.label[0].lower()}{forfait.label[1:]}, pour {fr_cents(allowed)} au "
                                    f"plus ({forfait.sessions} × {fr_cents(forfait.session_cents)} + un bilan à "
                                    f"{fr_cents(forfait.bilan_price(discipline))} ; {rule}), soit "
                                    f"{fr_cents(used - allowed)} de trop. Facturés par {_by_therapist(group)}."))
    return findings


def _forfait_lookup(tariff: NetworkTariff, origin: date) -> Callable[[date, str], Forfait | None]:
    """tariff.forfait_for for one child, remembered per day and discipline (a child has hundreds of acts on a few
    hundred days)."""
    known: dict[tuple[date, str], Forfait | None] = {}

    def lookup(day: date, discipline: str) -> Forfait | None:
        key = (day, discipline)
        if key not in known:
            known[key] = tariff.forfait_for(day, months_between(origin, day), discipline)
        return known[key]

    return lookup


def forfait_groups(inclusion: Inclusion, tariff: NetworkTariff,
                   acts: Sequence[CountedAct]) -> dict[tuple[Forfait, str], list[CountedAct]]:
    """The child's acts on a forfait, per forfait (by its age band on the act's day) and discipline."""
    origin = tariff.age_origin(inclusion.birth_date, inclusion.gestational_weeks)
    pathway_end = add_months(origin, tariff.pathway_max_age_years * 12)
    groups: dict[tuple[str, str], tuple[Forfait, list[CountedAct]]] = {}
    lookup = _forfait_lookup(tariff, origin)
    for act in acts:
        if not act.on_forfait or not origin <= act.day < pathway_end:
            continue
        forfait = lookup(act.day, act.discipline)
        if forfait is None:
            continue
        key = (forfait.kind, act.discipline)
        if key not in groups:
            groups[key] = (forfait, [])
        groups[key][1].append(act)
    return {(forfait, discipline): group for (_, discipline), (forfait, group) in groups.items()}
