"""Tariff format 2 in a real practice (issue 22, S2): the PCO-TND file joins the shipped tariffs without changing
what a COCON practice reads, and a local edit of its milestones goes through tariff_override and comes back."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from cocon_desktop.domain.tariff_milestones import Milestone
from cocon_desktop.domain.tariffs import parse_tariff, version_to_json
from cocon_desktop.models import TariffOverride
from cocon_desktop.paths import resources_dir
from cocon_desktop.services import tariff_store
from cocon_desktop.services.practice_handle import Practice


def test_cocon_tariffs_read_as_from_their_files_beside_pco_tnd(practice: Practice) -> None:
    tariffs = tariff_store.load_tariffs(practice.sessions)
    assert set(tariffs) == {"RPM", "RPO", "RPNA", "PCO-TND"}
    for code in ("RPM", "RPO", "RPNA"):
        own = parse_tariff(tomllib.loads((resources_dir() / "tariffs" / f"{code}.toml").read_text("utf-8")))
        assert tariffs[code] == own and tariffs[code].pathway == "cocon"
    assert tariffs["PCO-TND"].pathway == "pco-tnd"


def test_a_local_milestone_split_round_trips(practice: Practice) -> None:
    shipped = tariff_store.load_tariffs(practice.sessions)["PCO-TND"]
    base = shipped.versions[-1]
    rule = base.forfaits[1]
    split = (Milestone("jalon_bilan", "Bilan — {discipline}", "bilan", amount=Decimal("140.00"),
                       requires="bilan_report"),
             Milestone("jalon_solde", "Forfait d'intervention précoce — solde", "period_end"))
    edited = dataclasses.replace(base, effective_from=date(2027, 1, 1), source="local",
                                 forfaits=(base.forfaits[0], dataclasses.replace(rule, milestones=split),
                                           *base.forfaits[2:]))
    practice.write(tariff_store.save_version, "PCO-TND", edited)
    tariffs = tariff_store.load_tariffs(practice.sessions)
    again = tariffs["PCO-TND"].version_on(date(2027, 1, 1))
    assert again == edited and tariffs["PCO-TND"].version_on(date(2026, 12, 31)) == base
    assert [a for _, a in again.forfaits[1].milestone_amounts("psychomotricite")] == [Decimal("140.00"),
                                                                                      Decimal("1360.00")]
    assert tariffs["RPM"] == tariff_store.shipped_tariffs()["RPM"]  # the COCON networks are untouched
    with practice.sessions() as session:
        row = session.scalars(select(TariffOverride)).one()
        assert row.network == "PCO-TND"
        assert json.dumps(row.version_json, sort_keys=True) == json.dumps(version_to_json(edited), sort_keys=True)


def test_a_cocon_local_version_is_stored_as_before(practice: Practice) -> None:
    """A per-séance version's JSON has today's keys only (the format-2 keys appear for milestones alone)."""
    base = tariff_store.shipped_tariffs()["RPO"].versions[0]
    edited = dataclasses.replace(base, effective_from=date(2027, 1, 1), source="local")
    practice.write(tariff_store.save_version, "RPO", edited)
    with practice.sessions() as session:
        stored: dict[str, Any] = dict(session.scalars(select(TariffOverride)).one().version_json)
    assert all(set(f) == {"kind", "label", "age_min_months", "age_max_months", "disciplines", "sessions",
                          "session_price", "bilan_price", "discipline_prices"} for f in stored["forfaits"])
    assert tariff_store.load_tariffs(practice.sessions)["RPO"].version_on(date(2027, 1, 1)) == edited
