"""Tariff format 2 (issue 22, S2): forfaits paid as a package at milestones, the PCO-TND tariff file, and format 1
read exactly as before.

tests/unit/snapshots/tariffs_format1.json was written by the parser of commit a507a2f, before format 2 existed:
for RPM, RPO and RPNA, `dataclasses.asdict` of the tariff (dates and amounts as strings) and `json.dumps` of
`version_to_json` of each version (what tariff_override.version_json holds)."""

from __future__ import annotations

import copy
import dataclasses
import json
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocon_desktop import messages
from cocon_desktop.domain.pathways import load_pathway_toml
from cocon_desktop.domain.tariff_milestones import MILESTONE_CODE, MILESTONES, PER_SEANCE, Milestone
from cocon_desktop.domain.tariffs import (
    NetworkTariff,
    load_tariff_toml,
    parse_tariff,
    parse_version,
    version_to_json,
)
from cocon_desktop.errors import FieldError, ValidationError
from tests.unit.test_bad_input import FUZZ, VALUES, paths, replaced, tariff_or_french

ROOT = Path(__file__).resolve().parents[2]
TARIFFS = ROOT / "resources" / "tariffs"
PCO_FILE = TARIFFS / "PCO-TND.toml"
SNAPSHOT = json.loads((Path(__file__).parent / "snapshots" / "tariffs_format1.json").read_text("utf-8"))
NEW_FORFAIT_KEYS = {"payment": PER_SEANCE, "package_amount": Decimal(0), "validity_months": 0, "milestones": ()}
NEW_TARIFF_KEYS = {"pathway": "cocon", "unverified": (), "file_format": 1}


def _load(name: str) -> dict[str, Any]:
    return tomllib.loads((TARIFFS / f"{name}.toml").read_text("utf-8"))


@pytest.fixture(scope="module")
def pco() -> NetworkTariff:
    return load_tariff_toml(PCO_FILE.read_bytes())


# --- format 1: the three COCON files give the objects and the JSON of before -----------------------------------

@pytest.mark.parametrize("code", ["RPM", "RPO", "RPNA"])
def test_format_1_files_give_the_objects_of_before(code: str) -> None:
    tariff = parse_tariff(_load(code))
    now = dataclasses.asdict(tariff)
    for key, default in NEW_TARIFF_KEYS.items():  # the new fields hold their defaults, and nothing else is new
        assert now.pop(key) == default
    for version in now["versions"]:
        for forfait in version["forfaits"]:
            for key, default in NEW_FORFAIT_KEYS.items():
                assert forfait.pop(key) == default
    assert json.loads(json.dumps(now, default=str)) == SNAPSHOT[code]["asdict"]
    assert [json.dumps(version_to_json(v), ensure_ascii=False) for v in tariff.versions] == \
        SNAPSHOT[code]["versions_json"]  # tariff_override's JSON, byte for byte
    assert tariff.tariff_id == code and tariff.pathway == "cocon"


def test_format_1_file_refuses_the_keys_of_format_2() -> None:
    data = _load("RPM")
    data["pathway"] = "cocon"
    data["versions"][0]["forfaits"][0]["payment"] = "milestones"
    with pytest.raises(ValidationError) as caught:
        parse_tariff(data)
    assert {(e.field, e.code) for e in caught.value.errors} == {
        ("pathway", "tariff_key_needs_format_2"),
        ("versions[0].forfaits[0].payment", "tariff_key_needs_format_2")}


def test_a_format_1_file_may_still_omit_its_format() -> None:
    data = _load("RPO")
    del data["format"]
    assert parse_tariff(data) == parse_tariff(_load("RPO"))


# --- the PCO-TND file ------------------------------------------------------------------------------------------

def test_pco_tnd_file_reads_with_its_versions_and_forfaits(pco: NetworkTariff) -> None:
    assert (pco.tariff_id, pco.pathway, pco.file_format, pco.billing_grouping) == ("PCO-TND", "pco-tnd", 2,
                                                                                   "per_child")
    assert [v.effective_from for v in pco.versions] == [date(2019, 4, 28), date(2021, 9, 18)]
    assert pco.version_on(date(2019, 4, 27)) is None
    first, second = pco.versions
    assert [f.kind for f in first.forfaits] == ["pco_bilan_0_6", "pco_interv_0_6"]
    assert [f.kind for f in second.forfaits] == ["pco_bilan_0_6", "pco_interv_0_6", "pco_bilan_7_12",
                                                 "pco_interv_7_12"]
    assert pco.version_on(date(2021, 9, 17)) is first and pco.version_on(date(2026, 12, 7)) is second
    for version in pco.versions:
        for rule in version.forfaits:
            assert rule.payment == MILESTONES and rule.validity_months == 12
            assert rule.session_price == 0 and rule.bilan_price == 0  # a package: no séance price
            assert rule.milestones[0].on == "bilan" and rule.milestones[0].requires == "bilan_report"
    seven = second.forfait("pco_interv_7_12")
    assert seven is not None and (seven.age_min_months, seven.age_max_months) == (84, 144)


def test_pco_tnd_published_amounts_and_milestone_sums(pco: NetworkTariff) -> None:
    for version in pco.versions:
        bilan, package = version.forfait("pco_bilan_0_6"), version.forfait("pco_interv_0_6")
        assert bilan is not None and package is not None
        assert [(m.code, amount) for m, amount in bilan.milestone_amounts("psychomotricite")] == \
            [("jalon_bilan", Decimal("140.00"))]
        assert [(m.code, amount) for m, amount in bilan.milestone_amounts("psychologie")] == \
            [("jalon_bilan", Decimal("300.00"))]  # the psychologists' bilans
        assert package.package("ergotherapie") == Decimal("1500.00") and package.seances == 35
        assert [(m.code, m.on, m.count, amount) for m, amount in package.milestone_amounts("ergotherapie")] == [
            ("jalon_bilan", "bilan", 0, Decimal("140.00")),
            ("jalon_versement_2", "interventions", 18, Decimal("680.00")),
            ("jalon_solde", "interventions", 35, Decimal("680.00"))]
        for rule in version.forfaits:
            for discipline in rule.disciplines:
                assert sum(a for _, a in rule.milestone_amounts(discipline)) == rule.package(discipline)
                assert all(MILESTONE_CODE.fullmatch(m.code) and len(m.code) <= 24 for m in rule.milestones)
    solde = pco.versions[0].forfaits[1].milestones[2]
    assert solde.amount is None  # the balance
    assert solde.line_label("Ergothérapie") == "Forfait d'intervention précoce — Ergothérapie — solde"
    assert pco.versions[0].forfaits[1].milestones[1].line_label("Psychomotricité") == \
        "Forfait d'intervention précoce — Psychomotricité — 2ᵉ versement"


def test_pco_tnd_names_what_it_guessed(pco: NetworkTariff) -> None:
    """Every entry of `unverified` names a key of the file or a forfait, and every key it names is marked ⚠ in
    the file's comments."""
    raw = tomllib.loads(PCO_FILE.read_text("utf-8"))
    keys = {key for where in paths(raw) for key in where if isinstance(key, str)}
    kinds = {f.kind for v in pco.versions for f in v.forfaits}
    assert pco.unverified and set(pco.unverified) <= keys | kinds
    assert {"milestones", "sessions", "validity_months", "pathway_max_age_years"} <= set(pco.unverified)
    text = PCO_FILE.read_text("utf-8")
    assert "À CONFIRMER AVEC VOTRE PCO" in text and text.count("⚠") >= 10
    for name in pco.unverified:
        assert any(name in line and "⚠" in line for line in text.splitlines()), name
    assert not pco.example_values  # the amounts are published; the guesses are listed instead


def test_pco_tnd_tariff_and_pathway_name_each_other(pco: NetworkTariff) -> None:
    pathway = load_pathway_toml((ROOT / "resources" / "pathways" / "pco-tnd.toml").read_bytes())
    assert pathway.payers.tariff == pco.tariff_id and pco.pathway == pathway.id
    assert {d for v in pco.versions for f in v.forfaits for d in f.disciplines} <= set(pathway.disciplines)
    assert "JORFTEXT000044053421" in PCO_FILE.read_text("utf-8")


# --- JSON: what tariff_override keeps ---------------------------------------------------------------------------

def test_milestones_version_round_trips_through_json(pco: NetworkTariff) -> None:
    for version in pco.versions:
        stored = json.loads(json.dumps(version_to_json(version)))  # through text, as the database keeps it
        errors: list[FieldError] = []
        again = parse_version(stored, "local", errors)
        assert errors == [] and again == version
        assert stored["forfaits"][1]["milestones"][2] == {
            "code": "jalon_solde", "label": "Forfait d'intervention précoce — {discipline} — solde",
            "on": "interventions", "count": 35, "amount_rule": "balance"}


def test_an_edited_milestone_split_round_trips() -> None:
    version = load_tariff_toml(PCO_FILE.read_bytes()).versions[1]
    rule = version.forfaits[1]
    split = (Milestone("jalon_bilan", "Bilan", "bilan", amount=Decimal("140.00")),
             Milestone("jalon_fin", "Fin de période", "period_end"))
    edited = dataclasses.replace(version, forfaits=(dataclasses.replace(rule, milestones=split),),
                                 effective_from=date(2027, 1, 1), source="local")
    errors: list[FieldError] = []
    again = parse_version(version_to_json(edited), "local", errors, source="local")
    assert errors == [] and again == edited
    assert [a for _, a in again.forfaits[0].milestone_amounts("ergotherapie")] == [Decimal("140.00"),
                                                                                   Decimal("1360.00")]


# --- hostile milestone sets -------------------------------------------------------------------------------------

def _forfait_file() -> dict[str, Any]:
    """A format-2 file with the PCO's package forfait alone."""
    raw = tomllib.loads(PCO_FILE.read_text("utf-8"))
    raw["versions"] = [dict(raw["versions"][0], forfaits=[raw["versions"][0]["forfaits"][1]])]
    return raw


F = "versions[0].forfaits[0]"
M = f"{F}.milestones"


def _m(index: int, **changes: Any) -> Any:
    def change(forfait: dict[str, Any]) -> None:
        for key, value in changes.items():
            if value is None:
                forfait["milestones"][index].pop(key, None)
            else:
                forfait["milestones"][index][key] = value
    return change


def _f(**changes: Any) -> Any:
    def change(forfait: dict[str, Any]) -> None:
        for key, value in changes.items():
            if value is None:
                forfait.pop(key, None)
            else:
                forfait[key] = value
    return change


HOSTILE = [
    ("sum wrong, balance left nothing", _m(1, amount="1360.00"), f"{M}", "tariff_milestones_sum_balance"),
    ("sum wrong, no balance", _m(2, amount_rule=None, amount="600.00"), f"{M}", "tariff_milestones_sum"),
    ("discipline package not reached", _f(discipline_prices={"ergotherapie": {"package": "1400.00"}},
                                          milestones=[{"code": "jalon_bilan", "label": "Bilan", "on": "bilan",
                                                       "amount": "1500.00"}]),
     f"{F}.discipline_prices.ergotherapie.package", "tariff_milestones_sum"),
    ("two balances", _m(1, amount=None, amount_rule="balance"), f"{M}[2].amount_rule", "tariff_balance_twice"),
    ("unknown on", _m(0, on="fin_de_bilan"), f"{M}[0].on", "tariff_milestone_on_unknown"),
    ("on missing", _m(0, on=None), f"{M}[0].on", "required"),
    ("count decreasing", _m(2, count=10), f"{M}[2].count", "tariff_milestone_count_order"),
    ("count repeated", _m(2, count=18), f"{M}[2].count", "tariff_milestone_count_order"),
    ("count above the minimum", _m(2, count=36), f"{M}[2].count", "tariff_milestone_count_invalid"),
    ("count missing", _m(1, count=None), f"{M}[1].count", "tariff_milestone_count_invalid"),
    ("count not whole", _m(1, count=18.5), f"{M}[1].count", "tariff_milestone_count_invalid"),
    ("count on a bilan", _m(0, count=1), f"{M}[0].count", "tariff_milestone_count_unexpected"),
    ("code too long", _m(0, code="jalon_" + "x" * 19), f"{M}[0].code", "tariff_milestone_code_invalid"),
    ("code without jalon_", _m(0, code="bilan"), f"{M}[0].code", "tariff_milestone_code_invalid"),
    ("code twice", _m(1, code="jalon_bilan"), f"{M}[1].code", "tariff_milestone_duplicate"),
    ("amount with 3 decimals", _m(0, amount="140.001"), f"{M}[0].amount", "amount_invalid"),
    ("amount negative", _m(0, amount="-140.00"), f"{M}[0].amount", "amount_invalid"),
    ("amount zero", _m(0, amount="0.00"), f"{M}[0].amount", "amount_invalid"),
    ("amount and balance", _m(0, amount_rule="balance"), f"{M}[0].amount", "tariff_milestone_amount_twice"),
    ("neither amount nor balance", _m(1, amount=None), f"{M}[1].amount", "tariff_milestone_amount_missing"),
    ("unknown amount rule", _m(2, amount_rule="rest"), f"{M}[2].amount_rule", "tariff_amount_rule_unknown"),
    ("unknown requirement", _m(0, requires="ordonnance"), f"{M}[0].requires", "tariff_milestone_requires_unknown"),
    ("label with another field", _m(0, label="Bilan de {child}"), f"{M}[0].label", "tariff_milestone_label_invalid"),
    ("label with a lone brace", _m(0, label="Bilan {"), f"{M}[0].label", "tariff_milestone_label_invalid"),
    ("label missing", _m(0, label=None), f"{M}[0].label", "required"),
    ("milestone not a table", _f(milestones=["jalon_bilan"]), f"{M}[0]", "tariff_table_expected"),
    ("no milestone", _f(milestones=[]), M, "tariff_no_milestone"),
    ("milestones absent", _f(milestones=None), M, "tariff_no_milestone"),
    ("package missing", _f(package_amount=None), f"{F}.package_amount", "required"),
    ("package negative", _f(package_amount="-1500.00"), f"{F}.package_amount", "amount_invalid"),
    ("validity zero", _f(validity_months=0), f"{F}.validity_months", "tariff_validity_invalid"),
    ("validity missing", _f(validity_months=None), f"{F}.validity_months", "tariff_validity_invalid"),
    ("unknown payment", _f(payment="mensuel"), f"{F}.payment", "tariff_payment_unknown"),
    ("a séance price by discipline", _f(discipline_prices={"ergotherapie": {"session": "39.00"}}),
     f"{F}.discipline_prices.ergotherapie", "tariff_price_key_unknown"),
    ("milestones on a per-séance forfait", _f(payment="per_seance", session_price="39.00", bilan_price="140.00"),
     f"{F}.milestones", "tariff_key_milestones_only"),
]


@pytest.mark.parametrize(("change", "field", "code"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_milestones_are_refused_by_field(change: Any, field: str, code: str) -> None:
    data = _forfait_file()
    assert parse_tariff(copy.deepcopy(data)).versions[0].forfaits[0].payment == MILESTONES  # the base is good
    change(data["versions"][0]["forfaits"][0])
    with pytest.raises(ValidationError) as caught:
        parse_tariff(data)
    found = {(e.field, e.code) for e in caught.value.errors}
    assert (field, code) in found, found
    sentence = messages.describe(caught.value)
    assert all(e.code in messages.MESSAGES for e in caught.value.errors) and "{" not in sentence.replace(
        "{discipline}", "")


@pytest.mark.parametrize(("change", "field", "code"), [
    (lambda d: d.update(format=3), "format", "tariff_format_unknown"),
    (lambda d: d.update(format=True), "format", "tariff_format_unknown"),
    (lambda d: d.pop("pathway"), "pathway", "required"),
    (lambda d: d.update(pathway="PCO TND"), "pathway", "pathway_id_invalid"),
    (lambda d: d.update(network="RPM"), "tariff", "tariff_id_conflict"),
    (lambda d: d.update(tariff="pco-tnd"), "tariff", "pathway_tariff_invalid"),
    (lambda d: d.update(tariff="PCO-TND-NATIONAL"), "tariff", "pathway_tariff_invalid"),
    (lambda d: d.pop("tariff"), "tariff", "required"),
    (lambda d: d.update(unverified="milestones"), "unverified", "tariff_list_expected"),
    (lambda d: d.update(unverified=["milestones", 3]), "unverified[1]", "tariff_unverified_invalid"),
    (lambda d: d.update(unverified=["x"] * 41), "unverified", "tariff_unverified_too_many"),
])
def test_hostile_format_2_heads_are_refused(change: Any, field: str, code: str) -> None:
    data = _forfait_file()
    change(data)
    with pytest.raises(ValidationError) as caught:
        parse_tariff(data)
    assert (field, code) in {(e.field, e.code) for e in caught.value.errors}


def test_network_is_the_alias_of_tariff() -> None:
    data = _forfait_file()
    data["network"] = data.pop("tariff")
    assert parse_tariff(data).tariff_id == "PCO-TND"
    data["tariff"] = "PCO-TND"  # both, the same: accepted
    assert parse_tariff(data).tariff_id == "PCO-TND"


def test_a_balance_with_another_milestone_per_discipline() -> None:
    """A discipline's own package changes only the balance: the fixed milestones stay."""
    data = _forfait_file()
    data["versions"][0]["forfaits"][0]["discipline_prices"] = {"psychomotricite": {"package": "1600.00"}}
    rule = parse_tariff(data).versions[0].forfaits[0]
    assert [a for _, a in rule.milestone_amounts("psychomotricite")] == [Decimal("140.00"), Decimal("680.00"),
                                                                         Decimal("780.00")]
    assert [a for _, a in rule.milestone_amounts("ergotherapie")] == [Decimal("140.00"), Decimal("680.00"),
                                                                      Decimal("680.00")]


@FUZZ
@given(st.data())
def test_pco_tnd_one_value_replaced_anywhere(data: st.DataObject) -> None:
    """Like test_bad_input's fuzzing of RPO.toml, on the format-2 file: a value or a French sentence, never a
    crash."""
    good = tomllib.loads(PCO_FILE.read_text("utf-8"))
    where = data.draw(st.sampled_from(paths(good)))
    tariff_or_french(lambda: parse_tariff(replaced(good, where, data.draw(VALUES))))
