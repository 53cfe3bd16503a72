"""Forfait arithmetic: used + left is what was authorised, never negative; warnings at the right time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cocon_desktop.domain.forfait import PrescriptionTerms, UsedAct, forfait_status
from cocon_desktop.domain.tariffs import ForfaitRule

RULE = ForfaitRule(kind="precoce_0_24", label="Forfait de soins précoces 0–24 mois", age_min_months=0,
                   age_max_months=24, disciplines=("psychomotricite", "psychologie"), seances=35,
                   session_price=Decimal("39.00"), bilan_price=Decimal("140.00"),
                   discipline_prices={"psychologie": {"bilan": Decimal("300.00")}})
BIRTH = date(2025, 3, 1)
START = date(2025, 9, 1)


def _terms(sessions: int = 20, bilan: bool = True, days: int = 365, discipline: str = "psychomotricite"
           ) -> PrescriptionTerms:
    return PrescriptionTerms(discipline, "precoce_0_24", sessions, bilan, START, START + timedelta(days=days))


def _sessions(n: int) -> list[UsedAct]:
    return [UsedAct(START + timedelta(days=7 * i), False, Decimal("39.00")) for i in range(n)]


def test_amounts_follow_the_tariff() -> None:
    status = forfait_status(_terms(), RULE, [], BIRTH, 5, START)
    assert status.amount_authorised == Decimal("920.00")  # 20 × 39 + 140
    psy = forfait_status(_terms(discipline="psychologie"), RULE, [], BIRTH, 5, START)
    assert psy.amount_authorised == Decimal("1080.00")  # 20 × 39 + 300


def test_few_sessions_left_and_exhausted() -> None:
    today = START + timedelta(days=200)
    status = forfait_status(_terms(sessions=10), RULE, _sessions(8), BIRTH, 5, today)
    assert (status.sessions_used, status.sessions_left) == (8, 2)
    assert [w.code for w in status.warnings] == ["few_sessions_left"]
    done = forfait_status(_terms(sessions=10), RULE, _sessions(10), BIRTH, 5, today)
    assert done.state == "exhausted" and done.sessions_left == 0
    assert [w.code for w in done.warnings] == ["exhausted"]


def test_ends_soon_then_expired() -> None:
    terms = _terms()
    soon = forfait_status(terms, RULE, [], BIRTH, 5, terms.valid_until - timedelta(days=30))
    assert [w.code for w in soon.warnings] == ["ends_soon"] and soon.days_left == 30
    later = forfait_status(terms, RULE, [], BIRTH, 5, terms.valid_until - timedelta(days=31))
    assert later.warnings == ()
    gone = forfait_status(terms, RULE, [], BIRTH, 5, terms.valid_until + timedelta(days=1))
    assert gone.state == "expired" and [w.code for w in gone.warnings] == ["expired"]


def test_child_leaves_the_age_band_during_validity() -> None:
    birth = START - timedelta(days=22 * 30)  # about 22 months old at the start
    status = forfait_status(_terms(), RULE, [], birth, 5, START)
    codes = {w.code: w.on for w in status.warnings}
    assert codes["leaves_age_band"] == date(birth.year + 2, birth.month, birth.day)
    later = forfait_status(_terms(), RULE, [], birth, 5, START + timedelta(days=100))
    assert "left_age_band" in {w.code for w in later.warnings}


def test_child_reaches_the_pathway_limit() -> None:
    birth = date(2020, 10, 1)
    status = forfait_status(_terms(), RULE, [], birth, 5, START)
    assert "leaves_pathway" in {w.code for w in status.warnings}
    assert "leaves_pathway" not in {w.code for w in forfait_status(_terms(), RULE, [], birth, 7, START).warnings}


def test_no_tariff_is_said() -> None:
    status = forfait_status(_terms(), None, [], BIRTH, 5, START)
    assert status.amount_authorised == Decimal("0.00") and status.warnings[0].code == "no_tariff"


@given(authorised=st.integers(min_value=1, max_value=60), ops=st.lists(st.booleans(), max_size=120),
       bilan=st.booleans())
def test_used_plus_left_is_what_was_authorised(authorised: int, ops: list[bool], bilan: bool) -> None:
    """Any sequence of records (True) and cancellations (False), each record accepted only while sessions
    remain, as the séance rules require: used + left == authorised, left ≥ 0, amounts consistent."""
    acts: list[UsedAct] = []
    for record in ops:
        status = forfait_status(_terms(sessions=authorised, bilan=bilan), RULE, acts, BIRTH, 5, START)
        if record and status.sessions_left > 0:
            acts.append(UsedAct(START, False, Decimal("39.00")))
        elif not record and acts:
            acts.pop()
        status = forfait_status(_terms(sessions=authorised, bilan=bilan), RULE, acts, BIRTH, 5, START)
        assert status.sessions_used + status.sessions_left == authorised
        assert status.sessions_left >= 0
        assert status.amount_used + status.amount_left == status.amount_authorised
        assert status.amount_left >= 0
