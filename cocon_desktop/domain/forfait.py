"""Forfait status, derived every time from the prescription, the tariff and the acts recorded against it
(no stored counter that could drift)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cocon_desktop.domain.ages import date_at_age
from cocon_desktop.domain.money import CENT
from cocon_desktop.domain.tariff_milestones import MILESTONES
from cocon_desktop.domain.tariffs import ForfaitRule

FEW_SESSIONS = 2
INTERVENTION = "seance"  # the séance kind an « interventions » milestone counts (tariff format 2)
ENDS_SOON_DAYS = 30


@dataclass(frozen=True)
class PrescriptionTerms:
    discipline: str
    forfait_kind: str
    sessions_authorised: int
    bilan_included: bool
    valid_from: date
    valid_until: date


@dataclass(frozen=True)
class UsedAct:
    day: date
    is_bilan: bool
    amount: Decimal
    intervention: bool = True  # a séance an « interventions » milestone counts (not an absence, not a meeting)


@dataclass(frozen=True)
class Warning:
    code: str  # few_sessions_left, exhausted, ends_soon, expired, (left|leaves)_(age_band|pathway), no_tariff
    on: date | None = None  # the date the warning is about, if any
    count: int | None = None


@dataclass(frozen=True)
class ForfaitStatus:
    sessions_authorised: int
    sessions_used: int
    sessions_left: int
    bilan_included: bool
    bilan_used: bool
    amount_authorised: Decimal
    amount_used: Decimal
    amount_left: Decimal
    valid_from: date
    valid_until: date
    days_left: int
    state: str  # "not_started", "active", "exhausted", "expired"
    warnings: tuple[Warning, ...]

    @property
    def used_ratio(self) -> float:
        return self.sessions_used / self.sessions_authorised if self.sessions_authorised else 1.0


def authorised_amount(terms: PrescriptionTerms, rule: ForfaitRule | None) -> Decimal:
    if rule is None:
        return Decimal("0.00")
    amount = rule.price(terms.discipline, "session") * terms.sessions_authorised
    if terms.bilan_included:
        amount += rule.price(terms.discipline, "bilan")
    return amount.quantize(CENT)


def milestones_reached(terms: PrescriptionTerms, rule: ForfaitRule, acts: list[UsedAct], today: date) -> Decimal:
    """What a forfait paid as a package has released so far: the amounts of its milestones reached — the bilan
    done, N interventions done, its validity over (issue 22, S5; services/milestone_drafts.py bills them)."""
    bilan_done = any(act.is_bilan for act in acts)
    interventions = sum(1 for act in acts if not act.is_bilan and act.intervention)
    reached = Decimal("0.00")
    for milestone, amount in rule.milestone_amounts(terms.discipline):
        if ((milestone.on == "bilan" and bilan_done)
                or (milestone.on == "interventions" and interventions >= milestone.count)
                or (milestone.on == "period_end" and today > terms.valid_until)):
            reached += amount
    return reached.quantize(CENT)


def forfait_status(terms: PrescriptionTerms, rule: ForfaitRule | None, acts: list[UsedAct], birth: date,
                   pathway_max_age_years: int, today: date) -> ForfaitStatus:
    sessions_used = sum(1 for act in acts if not act.is_bilan)
    bilan_used = any(act.is_bilan for act in acts)
    sessions_left = max(0, terms.sessions_authorised - sessions_used)
    if rule is not None and rule.payment == MILESTONES:  # a package: authorised = the package, used = milestones
        amount_authorised = rule.package(terms.discipline).quantize(CENT)
        amount_used = milestones_reached(terms, rule, acts, today)
    else:
        amount_authorised = authorised_amount(terms, rule)
        amount_used = sum((act.amount for act in acts), Decimal("0.00")).quantize(CENT)
    amount_left = max(Decimal("0.00"), amount_authorised - amount_used)
    days_left = (terms.valid_until - today).days

    warnings: list[Warning] = []
    if rule is None:
        warnings.append(Warning("no_tariff"))
    if today > terms.valid_until:
        state = "expired"
        warnings.append(Warning("expired", terms.valid_until))
    elif today < terms.valid_from:
        state = "not_started"
    elif sessions_left == 0:
        state = "exhausted"
    else:
        state = "active"
    if state in ("active", "not_started"):
        if sessions_left <= FEW_SESSIONS:
            warnings.append(Warning("few_sessions_left", count=sessions_left))
        if days_left <= ENDS_SOON_DAYS:
            warnings.append(Warning("ends_soon", terms.valid_until, days_left))
        if rule is not None:
            band_end = date_at_age(birth, rule.age_max_months)
            if band_end <= terms.valid_until:
                warnings.append(Warning("left_age_band" if band_end <= today else "leaves_age_band", band_end))
        pathway_end = date_at_age(birth, pathway_max_age_years * 12)
        if pathway_end <= terms.valid_until:
            warnings.append(Warning("left_pathway" if pathway_end <= today else "leaves_pathway", pathway_end))
    elif state == "exhausted":
        warnings.append(Warning("exhausted", count=0))
    return ForfaitStatus(
        sessions_authorised=terms.sessions_authorised, sessions_used=sessions_used, sessions_left=sessions_left,
        bilan_included=terms.bilan_included, bilan_used=bilan_used, amount_authorised=amount_authorised,
        amount_used=amount_used, amount_left=amount_left, valid_from=terms.valid_from,
        valid_until=terms.valid_until, days_left=days_left, state=state, warnings=tuple(warnings),
    )
