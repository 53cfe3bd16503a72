"""Tariffs are data: per network, versioned by effective date (resources/tariffs/*.toml).

No amount is published for COCON: the shipped values are examples to confirm with the network, and the
program says so. An invoice keeps the amounts it was issued with, so a tariff change never alters it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.money import is_whole_cents
from cocon_desktop.errors import CoconError, FieldError, ValidationError

GROUPINGS = ("per_child", "per_network")


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
        return NetworkTariff(self.network, self.example_values, self.pathway_max_age_years,
                             self.billing_grouping, versions)


def _table(value: Any, where: str, errors: list[FieldError]) -> dict[str, Any]:
    """A TOML table, or {} with an error (a file written by hand may put anything anywhere)."""
    if isinstance(value, dict):
        return value
    errors.append(FieldError(where, "tariff_table_expected"))
    return {}


def _array(value: Any, where: str, errors: list[FieldError]) -> list[Any]:
    if isinstance(value, list):
        return value
    errors.append(FieldError(where, "tariff_list_expected"))
    return []


def _int(value: Any) -> int:
    """A whole number (7 or 7.0, not 7.5, not NaN or infinity, not a boolean); ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():  # NaN and infinities too
            raise ValueError(value)
        return int(value)
    return int(value)


def _decimal(value: Any, where: str, errors: list[FieldError]) -> Decimal:
    try:
        amount = Decimal(str(value)) if isinstance(value, str | int | float) and not isinstance(value, bool) \
            else Decimal("NaN")
        valid = amount.is_finite() and amount >= 0 and is_whole_cents(amount)
    except (InvalidOperation, ValueError):
        valid = False
    if not valid:
        errors.append(FieldError(where, "amount_invalid", {"value": str(value)[:40]}))
        return Decimal(0)
    return amount


def _date(value: Any, where: str, errors: list[FieldError]) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    errors.append(FieldError(where, "date_invalid", {"value": str(value)[:40]}))
    return date.min


def parse_forfait(data: Any, where: str, errors: list[FieldError]) -> ForfaitRule:
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
    return ForfaitRule(
        kind=str(data.get("kind", "")), label=str(data.get("label", data.get("kind", ""))),
        age_min_months=age_min, age_max_months=age_max, disciplines=disciplines, seances=sessions,
        session_price=_decimal(data.get("session_price", "x"), f"{where}.session_price", errors),
        bilan_price=_decimal(data.get("bilan_price", "x"), f"{where}.bilan_price", errors),
        discipline_prices=prices,
    )


def parse_version(data: Any, where: str, errors: list[FieldError], source: str = "shipped"
                  ) -> TariffVersion:
    data = _table(data, where, errors)
    forfaits = tuple(parse_forfait(f, f"{where}.forfaits[{i}]", errors)
                     for i, f in enumerate(_array(data.get("forfaits", []), f"{where}.forfaits", errors)))
    if not forfaits:
        errors.append(FieldError(where, "tariff_no_forfait"))
    return TariffVersion(
        effective_from=_date(data.get("effective_from", ""), f"{where}.effective_from", errors),
        absence_excused_billable=bool(data.get("absence_excused_billable", False)),
        absence_unexcused_billable=bool(data.get("absence_unexcused_billable", False)),
        forfaits=forfaits, source=source,
    )


def parse_tariff(data: Any) -> NetworkTariff:
    """A network's tariff from its decoded TOML; ValidationError names every problem (never another error)."""
    errors: list[FieldError] = []
    data = _table(data, "tariff", errors)
    grouping = str(data.get("billing_grouping", "per_child"))
    if grouping not in GROUPINGS:
        errors.append(FieldError("billing_grouping", "choice_invalid"))
    network = data.get("network", "")
    if not isinstance(network, str) or not network.strip():
        errors.append(FieldError("network", "required"))
        network = ""
    try:
        max_age = _int(data.get("pathway_max_age_years", 5))
    except (TypeError, ValueError, OverflowError):
        errors.append(FieldError("pathway_max_age_years", "tariff_range_invalid"))
        max_age = 0
    versions = tuple(sorted((parse_version(v, f"versions[{i}]", errors)
                             for i, v in enumerate(_array(data.get("versions", []), "versions", errors))),
                            key=lambda v: v.effective_from))
    if not versions:
        errors.append(FieldError("versions", "tariff_no_version"))
    if errors:
        raise ValidationError(errors)
    return NetworkTariff(network=network, example_values=bool(data.get("example_values", True)),
                         pathway_max_age_years=max_age, billing_grouping=grouping, versions=versions)


def version_to_json(version: TariffVersion) -> dict[str, Any]:
    return {
        "effective_from": version.effective_from.isoformat(),
        "absence_excused_billable": version.absence_excused_billable,
        "absence_unexcused_billable": version.absence_unexcused_billable,
        "forfaits": [
            {"kind": f.kind, "label": f.label, "age_min_months": f.age_min_months,
             "age_max_months": f.age_max_months, "disciplines": list(f.disciplines), "sessions": f.seances,
             "session_price": str(f.session_price), "bilan_price": str(f.bilan_price),
             "discipline_prices": {d: {k: str(v) for k, v in p.items()} for d, p in f.discipline_prices.items()}}
            for f in version.forfaits
        ],
    }


def load_tariff_toml(raw: bytes) -> NetworkTariff:
    """A tariff file's bytes → the tariff; CoconError("tariff_file_invalid") when it is not readable TOML,
    ValidationError when its content is wrong. Never another exception."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CoconError("tariff_file_invalid", detail="le fichier n'est pas en UTF-8") from exc
    except (tomllib.TOMLDecodeError, RecursionError, OverflowError, ValueError) as exc:
        raise CoconError("tariff_file_invalid", detail=str(exc).split("\n")[0][:200]) from exc
    return parse_tariff(data)
