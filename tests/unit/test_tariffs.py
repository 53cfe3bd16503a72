"""Tariffs are data: the shipped files parse, the version is chosen by date, bad files are refused."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop.domain.tariffs import parse_tariff, parse_version, version_to_json
from cocon_desktop.errors import FieldError, ValidationError

TARIFFS = Path(__file__).resolve().parents[2] / "resources" / "tariffs"


def _load(code: str) -> dict[str, object]:
    return tomllib.loads((TARIFFS / f"{code}.toml").read_text("utf-8"))


def test_shipped_tariffs_are_marked_as_examples_and_follow_the_age_ranges() -> None:
    for code, years in (("RPM", 5), ("RPO", 7), ("RPNA", 5)):
        tariff = parse_tariff(_load(code))
        assert tariff.network == code and tariff.example_values
        assert tariff.pathway_max_age_years == years
        version = tariff.version_on(date(2026, 1, 1))
        assert version is not None
        assert [f.age_max_months for f in version.forfaits] == [24, years * 12]
        assert "ergotherapie" not in version.forfaits[0].disciplines  # not in the 0–24 months forfait
        assert "ergotherapie" in version.forfaits[1].disciplines


def test_version_chosen_by_effective_date() -> None:
    data = _load("RPM")
    newer = dict(data["versions"][0])  # type: ignore[index]
    newer["effective_from"] = date(2027, 1, 1)
    newer["forfaits"] = [dict(f, session_price="42.00") for f in newer["forfaits"]]
    data["versions"] = [data["versions"][0], newer]  # type: ignore[index]
    tariff = parse_tariff(data)
    assert tariff.version_on(date(2022, 9, 14)) is None  # before COCON started in PACA
    assert tariff.version_on(date(2026, 12, 31)).forfaits[0].session_price == Decimal("39.00")  # type: ignore[union-attr]
    assert tariff.version_on(date(2027, 1, 1)).forfaits[0].session_price == Decimal("42.00")  # type: ignore[union-attr]


def test_discipline_prices_override() -> None:
    rule = parse_tariff(_load("RPO")).versions[0].forfaits[0]
    assert rule.price("psychologie", "bilan") == Decimal("300.00")
    assert rule.price("psychomotricite", "bilan") == Decimal("140.00")
    assert rule.price("psychologie", "session") == Decimal("39.00")


def test_bad_tariff_names_every_problem() -> None:
    data = _load("RPM")
    forfait = dict(data["versions"][0]["forfaits"][0])  # type: ignore[index]
    forfait.update(session_price="39,5", sessions=0, disciplines=["danse"])
    data["versions"] = [dict(data["versions"][0], forfaits=[forfait], effective_from="2022-13-01")]  # type: ignore[index]
    with pytest.raises(ValidationError) as caught:
        parse_tariff(data)
    codes = {e.code for e in caught.value.errors}
    assert {"amount_invalid", "tariff_range_invalid", "discipline_unknown", "date_invalid"} <= codes


def test_version_round_trips_through_json() -> None:
    version = parse_tariff(_load("RPNA")).versions[0]
    errors: list[FieldError] = []
    again = parse_version(version_to_json(version), "v", errors)
    assert not errors and again.forfaits == version.forfaits and again.effective_from == version.effective_from
