"""A forfait paid as a package (PCO-TND, tariff format 2): its status says the package as authorised and the
milestones reached as used — the bilan, the 18th intervention, the 35th (issue 22, S5); absences and meetings are
not interventions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cocon_desktop.domain.forfait import PrescriptionTerms, UsedAct, forfait_status
from cocon_desktop.domain.tariffs import ForfaitRule, load_tariff_toml
from cocon_desktop.paths import resources_dir

START = date(2026, 10, 20)
BIRTH = date(2025, 6, 1)
TERMS = PrescriptionTerms("psychomotricite", "pco_interv_0_6", 35, True, START, START + timedelta(days=364))


def _rule(kind: str = "pco_interv_0_6") -> ForfaitRule:
    tariff = load_tariff_toml((resources_dir() / "tariffs" / "PCO-TND.toml").read_bytes())
    version = tariff.version_on(START)
    rule = version.forfait(kind) if version else None
    assert rule is not None
    return rule


def _acts(interventions: int, bilan: bool = True, absences: int = 0) -> list[UsedAct]:
    acts = [UsedAct(START, True, Decimal("0.00"))] if bilan else []
    acts += [UsedAct(START + timedelta(days=1 + n), False, Decimal("0.00")) for n in range(interventions)]
    return acts + [UsedAct(START + timedelta(days=100 + n), False, Decimal("0.00"), intervention=False)
                   for n in range(absences)]


def test_authorised_is_the_package_and_used_the_milestones_reached() -> None:
    rule = _rule()
    today = START + timedelta(days=60)
    expected = [((0, False), "0.00"), ((0, True), "140.00"), ((17, True), "140.00"), ((18, True), "820.00"),
                ((34, True), "820.00"), ((35, True), "1500.00")]
    for (count, bilan), used in expected:
        status = forfait_status(TERMS, rule, _acts(count, bilan), BIRTH, 12, today)
        assert status.amount_authorised == Decimal("1500.00")
        assert (status.amount_used, status.amount_left) == (Decimal(used), Decimal("1500.00") - Decimal(used)), count


def test_absences_are_not_interventions() -> None:
    status = forfait_status(TERMS, _rule(), _acts(17, absences=5), BIRTH, 12, START + timedelta(days=200))
    assert status.amount_used == Decimal("140.00")


def test_the_bilan_alone_pays_the_disciplines_package() -> None:
    psychology = PrescriptionTerms("psychologie", "pco_bilan_0_6", 1, True, START, START + timedelta(days=364))
    rule = _rule("pco_bilan_0_6")
    assert forfait_status(psychology, rule, [], BIRTH, 12, START).amount_used == Decimal("0.00")
    done = forfait_status(psychology, rule, _acts(0), BIRTH, 12, START)
    assert (done.amount_authorised, done.amount_used, done.amount_left) == (Decimal("300.00"),) * 2 + (Decimal(0),)
