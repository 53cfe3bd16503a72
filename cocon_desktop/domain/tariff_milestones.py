"""How a forfait is paid (tariff format 2): per séance, as today, or as a package released at milestones.

A milestones forfait (the PCO-TND *forfait précoce*) has a package amount, a minimum number of interventions
(`sessions`), a validity and milestones: « bilan delivered », « N interventions done », « end of the period », each
releasing an amount, or the rest of the package (`amount_rule = "balance"`). The reader checks that the milestones
add up to the package, for the forfait and for each discipline whose package differs (docs/tariffs.md)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cocon_desktop.domain.tariff_values import amount, array, shown, table, whole
from cocon_desktop.errors import FieldError

PER_SEANCE, MILESTONES = "per_seance", "milestones"
PAYMENTS = (PER_SEANCE, MILESTONES)
TRIGGERS = ("bilan", "interventions", "period_end")  # what reaches a milestone
REQUIREMENTS = ("bilan_report",)  # a document of that kind attached to the child
BALANCE = "balance"
# the milestone's code goes into invoice_line.seance_kind (String(24))
MILESTONE_CODE = re.compile(r"jalon_[a-z0-9_]{1,18}")
MILESTONE_KEYS = ("package_amount", "validity_months", "milestones")  # only for payment = "milestones"
PRICE_KEYS = ("package",)  # what discipline_prices may set on a milestones forfait
MAX_LABEL = 120  # characters of a milestone's label (an invoice line)
MAX_VALIDITY_MONTHS = 120
MAX_MILESTONES = 12


@dataclass(frozen=True)
class Milestone:
    code: str  # "jalon_bilan"
    label: str  # the invoice line; may hold {discipline}
    on: str  # "bilan", "interventions" or "period_end"
    count: int = 0  # on = "interventions": the number of interventions done that reaches it
    amount: Decimal | None = None  # None: the balance (what the others leave of the package)
    requires: str = ""  # "bilan_report": the bilan's report must be attached to the child first

    def line_label(self, discipline: str) -> str:
        """The invoice line's words, with the discipline's name (« Bilan psychomotricité — 1er versement »)."""
        return self.label.format(discipline=discipline)


@dataclass(frozen=True)
class PaymentTerms:
    payment: str = PER_SEANCE
    package_amount: Decimal = Decimal(0)
    validity_months: int = 0
    milestones: tuple[Milestone, ...] = ()


def amounts(milestones: tuple[Milestone, ...], package: Decimal) -> tuple[Decimal, ...]:
    """Each milestone's amount for a package: its own, or the balance (the package less the others)."""
    fixed = sum((m.amount for m in milestones if m.amount is not None), Decimal(0))
    return tuple(m.amount if m.amount is not None else package - fixed for m in milestones)


def _label(data: dict[str, Any], where: str, errors: list[FieldError]) -> str:
    value = data.get("label")
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(where, "required"))
        return ""
    if len(value) > MAX_LABEL:
        errors.append(FieldError(where, "too_long", {"max": MAX_LABEL}))
        return ""
    try:
        names = {(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(value)
                 if name is not None}
    except ValueError:  # a lone « { » or « } »
        names = {("{", "", None)}
    if any(name != "discipline" or spec or conversion for name, spec, conversion in names):
        errors.append(FieldError(where, "tariff_milestone_label_invalid"))
        return ""
    return value


def _count(data: dict[str, Any], on: str, where: str, sessions: int, errors: list[FieldError]) -> int:
    if on != "interventions":
        if "count" in data:
            errors.append(FieldError(where, "tariff_milestone_count_unexpected"))
        return 0
    count = _from_one_to(data, "count", sessions)
    if count is None:
        errors.append(FieldError(where, "tariff_milestone_count_invalid",
                                 {"value": shown(data.get("count", "")), "max": sessions}))
        return 0
    return count


def _from_one_to(data: dict[str, Any], key: str, highest: int) -> int | None:
    """data[key] as a whole number from 1 to `highest`, else None."""
    try:
        value = whole(data[key])
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    return value if 1 <= value <= highest else None


def _amount(data: dict[str, Any], where: str, errors: list[FieldError]) -> Decimal | None:
    """The milestone's amount (more than 0), None for the balance; 0 with an error when wrong."""
    rule = data.get("amount_rule")
    if "amount" in data and rule is not None:
        errors.append(FieldError(f"{where}.amount", "tariff_milestone_amount_twice"))
        return Decimal(0)
    if rule is not None:
        if rule == BALANCE:
            return None
        errors.append(FieldError(f"{where}.amount_rule", "tariff_amount_rule_unknown", {"value": shown(rule)}))
        return Decimal(0)
    if "amount" not in data:
        errors.append(FieldError(f"{where}.amount", "tariff_milestone_amount_missing"))
        return Decimal(0)
    return _positive(data["amount"], f"{where}.amount", errors)


def _positive(value: Any, where: str, errors: list[FieldError]) -> Decimal:
    """An amount more than 0 (a package or a milestone of 0 € pays nothing: a typo)."""
    before = len(errors)
    parsed = amount(value, where, errors)
    if parsed == 0 and len(errors) == before:
        errors.append(FieldError(where, "amount_invalid", {"value": shown(value)}))
    return parsed


def _milestone(data: Any, where: str, sessions: int, errors: list[FieldError]) -> Milestone:
    data = table(data, where, errors)
    code = data.get("code")
    if not isinstance(code, str) or not MILESTONE_CODE.fullmatch(code):
        errors.append(FieldError(f"{where}.code", "required" if code is None else "tariff_milestone_code_invalid",
                                 {"value": shown(code)}))
        code = ""
    on = data.get("on")
    if on not in TRIGGERS:
        errors.append(FieldError(f"{where}.on", "required" if on is None else "tariff_milestone_on_unknown",
                                 {"value": shown(on)}))
        on = ""
    requires = data.get("requires", "")
    if requires != "" and requires not in REQUIREMENTS:
        errors.append(FieldError(f"{where}.requires", "tariff_milestone_requires_unknown",
                                 {"value": shown(requires)}))
        requires = ""
    return Milestone(code=code, label=_label(data, f"{where}.label", errors), on=str(on),
                     count=_count(data, str(on), f"{where}.count", sessions, errors),
                     amount=_amount(data, where, errors), requires=str(requires))


def _validity(data: dict[str, Any], where: str, errors: list[FieldError]) -> int:
    months = _from_one_to(data, "validity_months", MAX_VALIDITY_MONTHS)
    if months is None:
        errors.append(FieldError(where, "tariff_validity_invalid",
                                 {"value": shown(data.get("validity_months", "")), "max": MAX_VALIDITY_MONTHS}))
        return 0
    return months


def _check_set(milestones: tuple[Milestone, ...], where: str, errors: list[FieldError]) -> None:
    """Codes unique, one balance at most, intervention counts increasing."""
    seen: set[str] = set()
    balances = 0
    previous = 0
    for index, milestone in enumerate(milestones):
        if milestone.code and milestone.code in seen:
            errors.append(FieldError(f"{where}[{index}].code", "tariff_milestone_duplicate",
                                     {"value": milestone.code}))
        seen.add(milestone.code)
        if milestone.amount is None:
            balances += 1
            if balances == 2:
                errors.append(FieldError(f"{where}[{index}].amount_rule", "tariff_balance_twice"))
        if milestone.count:
            if milestone.count <= previous:
                errors.append(FieldError(f"{where}[{index}].count", "tariff_milestone_count_order",
                                         {"value": milestone.count, "previous": previous}))
            previous = max(previous, milestone.count)


def _check_sums(milestones: tuple[Milestone, ...], packages: dict[str, Decimal], where: str,
                errors: list[FieldError]) -> None:
    """Σ milestones = the package, for the forfait ("") and each discipline with its own package."""
    has_balance = any(m.amount is None for m in milestones)
    fixed = sum((m.amount for m in milestones if m.amount is not None), Decimal(0))
    for discipline, package in packages.items():
        rest = package - fixed
        if (has_balance and rest <= 0) or (not has_balance and rest != 0):
            data = {"sum": f"{fixed:.2f}".replace(".", ","), "package": f"{package:.2f}".replace(".", ",")}
            field = f"{where}.milestones" if not discipline else f"{where}.discipline_prices.{discipline}.package"
            errors.append(FieldError(field, "tariff_milestones_sum_balance" if has_balance
                                     else "tariff_milestones_sum", data))


def parse_terms(data: dict[str, Any], where: str, sessions: int, prices: dict[str, dict[str, Decimal]],
                errors: list[FieldError]) -> PaymentTerms:
    """A forfait's payment terms (`data` is the forfait's table, already known to be one)."""
    payment = data.get("payment", PER_SEANCE)
    if payment not in PAYMENTS:
        errors.append(FieldError(f"{where}.payment", "tariff_payment_unknown", {"value": shown(payment)}))
        return PaymentTerms()
    if payment == PER_SEANCE:
        for key in MILESTONE_KEYS:
            if key in data:
                errors.append(FieldError(f"{where}.{key}", "tariff_key_milestones_only"))
        return PaymentTerms()
    if "package_amount" in data:
        package = _positive(data["package_amount"], f"{where}.package_amount", errors)
    else:
        errors.append(FieldError(f"{where}.package_amount", "required"))
        package = Decimal(0)
    for discipline, values in prices.items():
        for key in values:
            if key not in PRICE_KEYS:
                errors.append(FieldError(f"{where}.discipline_prices.{shown(discipline)}",
                                         "tariff_price_key_unknown", {"value": shown(key)}))
    items = array(data.get("milestones", []), f"{where}.milestones", errors)
    if "milestones" not in data or data["milestones"] == []:
        errors.append(FieldError(f"{where}.milestones", "tariff_no_milestone"))
    if len(items) > MAX_MILESTONES:
        errors.append(FieldError(f"{where}.milestones", "tariff_too_many_milestones", {"max": MAX_MILESTONES}))
        items = items[:MAX_MILESTONES]
    before = len(errors)
    milestones = tuple(_milestone(item, f"{where}.milestones[{i}]", sessions, errors)
                       for i, item in enumerate(items))
    _check_set(milestones, f"{where}.milestones", errors)
    if len(errors) == before and milestones and package:  # the sums only mean something once each part is right
        packages = {"": package} | {d: v["package"] for d, v in prices.items() if "package" in v}
        _check_sums(milestones, packages, where, errors)
    return PaymentTerms(payment=MILESTONES, package_amount=package,
                        validity_months=_validity(data, f"{where}.validity_months", errors), milestones=milestones)


def terms_to_json(terms: PaymentTerms) -> dict[str, Any]:
    """The keys a milestones forfait adds to its JSON (nothing for per séance: today's JSON, unchanged)."""
    if terms.payment != MILESTONES:
        return {}
    milestones = []
    for milestone in terms.milestones:
        item: dict[str, Any] = {"code": milestone.code, "label": milestone.label, "on": milestone.on}
        if milestone.on == "interventions":
            item["count"] = milestone.count
        if milestone.amount is None:
            item["amount_rule"] = BALANCE
        else:
            item["amount"] = str(milestone.amount)
        if milestone.requires:
            item["requires"] = milestone.requires
        milestones.append(item)
    return {"payment": MILESTONES, "package_amount": str(terms.package_amount),
            "validity_months": terms.validity_months, "milestones": milestones}
