"""Tariffs are data: per network, versioned by effective date (resources/tariffs/*.toml).

No amount is published for COCON: the shipped values are examples to confirm with the network, and the
program says so. An invoice keeps the amounts it was issued with, so a tariff change never alters it.

Format 1 (COCON's three files) prices each séance. Format 2 adds the tariff's id (`tariff`, `network` being its
alias), its pathway, the values still to confirm (`unverified`) and forfaits paid as a package at milestones
(domain/tariff_milestones.py; docs/tariffs.md). A format-1 file reads exactly as before."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.pathways import ID_PATTERN, TARIFF_ID
from cocon_desktop.domain.tariff_milestones import (
    MILESTONE_KEYS,
    MILESTONES,
    PER_SEANCE,
    Milestone,
    PaymentTerms,
    amounts,
    parse_terms,
    terms_to_json,
)
from cocon_desktop.domain.tariff_values import amount as _decimal
from cocon_desktop.domain.tariff_values import array as _array
from cocon_desktop.domain.tariff_values import day as _date
from cocon_desktop.domain.tariff_values import shown as _shown
from cocon_desktop.domain.tariff_values import table as _table
from cocon_desktop.domain.tariff_values import whole as _int
from cocon_desktop.domain.toml_files import toml_table
from cocon_desktop.errors import FieldError, ValidationError

GROUPINGS = ("per_child", "per_network")
FORMATS = (1, 2)
FORMAT_2_KEYS = ("tariff", "pathway", "unverified")  # top-level keys a format-1 file may not hold
FORMAT_1_PATHWAY = "cocon"  # the only pathway written in format 1
MAX_UNVERIFIED = 40  # entries of `unverified`


@dataclass(frozen=True)
class ForfaitRule:
    kind: str  # e.g. "precoce_0_24", "soins_2_5"
    label: str
    age_min_months: int
    age_max_months: int
    disciplines: tuple[str, ...]
    seances: int  # séances per forfait, proposed when a prescription is entered
    session_price: Decimal
    bilan_price: Decimal
    discipline_prices: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # format 2: "per_seance" (the above) or "milestones": a package released at milestones (session_price and
    # bilan_price then 0 unless given; `seances` is the minimum of interventions, not a cap)
    payment: str = PER_SEANCE
    package_amount: Decimal = Decimal(0)
    validity_months: int = 0
    milestones: tuple[Milestone, ...] = ()

    def package(self, discipline: str) -> Decimal:
        """A milestones forfait's package for a discipline (its own `package` price, or the forfait's)."""
        return self.discipline_prices.get(discipline, {}).get("package", self.package_amount)

    def milestone_amounts(self, discipline: str) -> tuple[tuple[Milestone, Decimal], ...]:
        """Each milestone with what it pays for a discipline (the balance being the package's rest)."""
        return tuple(zip(self.milestones, amounts(self.milestones, self.package(discipline)), strict=True))

    def price(self, discipline: str, what: str) -> Decimal:
        """`what` is "session" or "bilan"; a discipline may have its own price."""
        override = self.discipline_prices.get(discipline, {}).get(what)
        if override is not None:
            return override
        return self.session_price if what == "session" else self.bilan_price

    def covers_age(self, months: int) -> bool:
        return self.age_min_months <= months < self.age_max_months


@dataclass(frozen=True)
class TariffVersion:
    effective_from: date
    absence_excused_billable: bool
    absence_unexcused_billable: bool
    forfaits: tuple[ForfaitRule, ...]
    source: str = "shipped"  # "shipped" or "local" (edited on the settings page)

    def forfait(self, kind: str) -> ForfaitRule | None:
        return next((f for f in self.forfaits if f.kind == kind), None)


@dataclass(frozen=True)
class NetworkTariff:
    network: str
    example_values: bool
    pathway_max_age_years: int
    billing_grouping: str
    versions: tuple[TariffVersion, ...]  # sorted by effective date
    # format 2 (a format-1 file is COCON's, with nothing flagged)
    pathway: str = FORMAT_1_PATHWAY
    unverified: tuple[str, ...] = ()  # the values guessed, to confirm with the payer
    file_format: int = 1

    @property
    def tariff_id(self) -> str:
        """The id pathways name (`network` says it for COCON's networks: RPM, RPO, RPNA)."""
        return self.network

    def version_on(self, day: date) -> TariffVersion | None:
        """The version in force on `day`: the latest whose effective date is not after it."""
        current = None
        for version in self.versions:
            if version.effective_from <= day:
                current = version
        return current

    def with_version(self, version: TariffVersion) -> NetworkTariff:
        kept = [v for v in self.versions if v.effective_from != version.effective_from]
        versions = tuple(sorted([*kept, version], key=lambda v: v.effective_from))
        return replace(self, versions=versions)


def parse_forfait(data: Any, where: str, errors: list[FieldError], tariff_format: int = 2) -> ForfaitRule:
    data = _table(data, where, errors)
    disciplines = tuple(str(d) for d in _array(data.get("disciplines", []), f"{where}.disciplines", errors))
    for discipline in disciplines:
        if discipline not in DISCIPLINES:
            errors.append(FieldError(f"{where}.disciplines", "discipline_unknown", {"value": discipline[:40]}))
    prices: dict[str, dict[str, Decimal]] = {}
    table = _table(data.get("discipline_prices", {}), f"{where}.discipline_prices", errors)
    for discipline, values in table.items():
        prices[str(discipline)] = {str(k): _decimal(v, f"{where}.discipline_prices", errors)
                                   for k, v in _table(values, f"{where}.discipline_prices", errors).items()}
    try:
        age_min, age_max, sessions = (_int(data["age_min_months"]), _int(data["age_max_months"]),
                                      _int(data["sessions"]))
    except (KeyError, TypeError, ValueError, OverflowError):
        errors.append(FieldError(where, "tariff_field_missing"))
        age_min, age_max, sessions = 0, 0, 0
    if sessions <= 0 or age_max <= age_min:
        errors.append(FieldError(where, "tariff_range_invalid"))
    if tariff_format == 1:
        for key in ("payment", *MILESTONE_KEYS):
            if key in data:
                errors.append(FieldError(f"{where}.{key}", "tariff_key_needs_format_2"))
        terms = PaymentTerms()
    else:
        terms = parse_terms(data, where, sessions, prices, errors)
    unpriced = "0" if terms.payment == MILESTONES else "x"  # a package needs no séance price
    return ForfaitRule(
        kind=str(data.get("kind", "")), label=str(data.get("label", data.get("kind", ""))),
        age_min_months=age_min, age_max_months=age_max, disciplines=disciplines, seances=sessions,
        session_price=_decimal(data.get("session_price", unpriced), f"{where}.session_price", errors),
        bilan_price=_decimal(data.get("bilan_price", unpriced), f"{where}.bilan_price", errors),
        discipline_prices=prices, payment=terms.payment, package_amount=terms.package_amount,
        validity_months=terms.validity_months, milestones=terms.milestones,
    )


def parse_version(data: Any, where: str, errors: list[FieldError], source: str = "shipped",
                  tariff_format: int = 2) -> TariffVersion:
    """A version: from a file (its format said by the file) or from the database's JSON (every key allowed)."""
    data = _table(data, where, errors)
    forfaits = tuple(parse_forfait(f, f"{where}.forfaits[{i}]", errors, tariff_format)
                     for i, f in enumerate(_array(data.get("forfaits", []), f"{where}.forfaits", errors)))
    if not forfaits:
        errors.append(FieldError(where, "tariff_no_forfait"))
    return TariffVersion(
        effective_from=_date(data.get("effective_from", ""), f"{where}.effective_from", errors),
        absence_excused_billable=bool(data.get("absence_excused_billable", False)),
        absence_unexcused_billable=bool(data.get("absence_unexcused_billable", False)),
        forfaits=forfaits, source=source,
    )


def _format(data: dict[str, Any], errors: list[FieldError]) -> int:
    """The file's format: 1 when absent (COCON's first files), 1 or 2 otherwise."""
    value = data.get("format", 1)
    if isinstance(value, bool) or value not in FORMATS:
        errors.append(FieldError("format", "tariff_format_unknown", {"value": _shown(value)}))
        return 1
    return int(value)


def _identity(data: dict[str, Any], tariff_format: int, errors: list[FieldError]) -> tuple[str, str]:
    """The tariff's id and pathway. Format 1: `network`, COCON. Format 2: `tariff` (or its alias `network`)
    in the form pathways name it (RPM, PCO-TND), and `pathway`."""
    if tariff_format == 1:
        for key in FORMAT_2_KEYS:
            if key in data:
                errors.append(FieldError(key, "tariff_key_needs_format_2"))
        network = data.get("network", "")
        if not isinstance(network, str) or not network.strip():
            errors.append(FieldError("network", "required"))
            network = ""
        return network, FORMAT_1_PATHWAY
    tariff, alias = data.get("tariff"), data.get("network")
    if tariff is not None and alias is not None and tariff != alias:
        errors.append(FieldError("tariff", "tariff_id_conflict", {"value": _shown(tariff), "alias": _shown(alias)}))
    value = tariff if tariff is not None else alias
    if not isinstance(value, str) or not TARIFF_ID.fullmatch(value):
        errors.append(FieldError("tariff", "required" if value is None else "pathway_tariff_invalid",
                                 {"value": _shown(value)}))
        value = ""
    pathway = data.get("pathway")
    if not isinstance(pathway, str) or not ID_PATTERN.fullmatch(pathway):
        errors.append(FieldError("pathway", "required" if pathway is None else "pathway_id_invalid",
                                 {"value": _shown(pathway)}))
        pathway = ""
    return value, pathway


def _unverified(data: dict[str, Any], errors: list[FieldError]) -> tuple[str, ...]:
    """The values a format-2 file guessed (`unverified = ["milestones", …]`): texts, for the « à confirmer »
    banner."""
    items = _array(data.get("unverified", []), "unverified", errors)
    if len(items) > MAX_UNVERIFIED:
        errors.append(FieldError("unverified", "tariff_unverified_too_many", {"max": MAX_UNVERIFIED}))
    for index, item in enumerate(items[:MAX_UNVERIFIED]):
        if not isinstance(item, str) or not item.strip() or len(item) > 80:
            errors.append(FieldError(f"unverified[{index}]", "tariff_unverified_invalid", {"value": _shown(item)}))
    return tuple(item for item in items[:MAX_UNVERIFIED] if isinstance(item, str))


def parse_tariff(data: Any) -> NetworkTariff:
    """A network's tariff from its decoded TOML; ValidationError names every problem (never another error)."""
    errors: list[FieldError] = []
    data = _table(data, "tariff", errors)
    tariff_format = _format(data, errors)
    grouping = str(data.get("billing_grouping", "per_child"))
    if grouping not in GROUPINGS:
        errors.append(FieldError("billing_grouping", "choice_invalid"))
    network, pathway = _identity(data, tariff_format, errors)
    try:
        max_age = _int(data.get("pathway_max_age_years", 5))
    except (TypeError, ValueError, OverflowError):
        errors.append(FieldError("pathway_max_age_years", "tariff_range_invalid"))
        max_age = 0
    versions = tuple(sorted((parse_version(v, f"versions[{i}]", errors, tariff_format=tariff_format)
                             for i, v in enumerate(_array(data.get("versions", []), "versions", errors))),
                            key=lambda v: v.effective_from))
    if not versions:
        errors.append(FieldError("versions", "tariff_no_version"))
    unverified = _unverified(data, errors) if tariff_format == 2 else ()
    if errors:
        raise ValidationError(errors)
    return NetworkTariff(network=network, example_values=bool(data.get("example_values", True)),
                         pathway_max_age_years=max_age, billing_grouping=grouping, versions=versions,
                         pathway=pathway, unverified=unverified, file_format=tariff_format)


def version_to_json(version: TariffVersion) -> dict[str, Any]:
    """What the database keeps of a locally edited version (tariff_override.version_json); a per-séance
    forfait's keys are today's, a milestones forfait adds its terms."""
    return {
        "effective_from": version.effective_from.isoformat(),
        "absence_excused_billable": version.absence_excused_billable,
        "absence_unexcused_billable": version.absence_unexcused_billable,
        "forfaits": [
            {"kind": f.kind, "label": f.label, "age_min_months": f.age_min_months,
             "age_max_months": f.age_max_months, "disciplines": list(f.disciplines), "sessions": f.seances,
             "session_price": str(f.session_price), "bilan_price": str(f.bilan_price),
             "discipline_prices": {d: {k: str(v) for k, v in p.items()} for d, p in f.discipline_prices.items()},
             **terms_to_json(PaymentTerms(f.payment, f.package_amount, f.validity_months, f.milestones))}
            for f in version.forfaits
        ],
    }


def load_tariff_toml(raw: bytes) -> NetworkTariff:
    """A tariff file's bytes → the tariff; CoconError("tariff_file_invalid") when it is not readable TOML,
    ValidationError when its content is wrong. Never another exception."""
    return parse_tariff(toml_table(raw, "tariff_file_invalid"))
