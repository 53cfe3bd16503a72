"""Controls across therapists on a real PostgreSQL: each control fires when it should and not otherwise, at its
boundaries (the day of inclusion, the day of exit, the 5th birthday, the 2nd birthday of a forfait's band)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from cocon_network.server.controls import run_controls
from cocon_network.server.models import ControlFlag
from cocon_network.server.tariff import load_tariff, parse_tariff
from tests.network.controls_helpers import A, batch, document, inclusion, schema, therapist

CHILD = "RPM-2025-00001"


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


def kinds(flags: list[ControlFlag]) -> list[str]:
    return sorted(f.kind for f in flags)


def test_unknown_child_is_flagged_once_and_a_known_one_is_not(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2025, 1, 10), date(2025, 1, 20))
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        invoice = document(session, lot, martin, [A(date(2025, 5, 5), CHILD), A(date(2025, 5, 6), "RPM-2025-99999"),
                                                  A(date(2025, 5, 7), "RPM-2025-99999")])
        flags = run_controls(session, lot.batch_id)
        assert kinds(flags) == ["unknown_child"]
        flag = flags[0]
        assert flag.inclusion_number == "RPM-2025-99999" and flag.document_id == invoice.id
        assert flag.batch_id == lot.batch_id and flag.act_id is not None
        assert "n'est pas dans la liste d'inclusion" in flag.message and "2 actes" in flag.message
        assert invoice.number in flag.message


def test_inclusion_dates_both_boundary_days_are_inside(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2025, 1, 10), date(2025, 3, 1), ended=date(2026, 6, 30))
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        document(session, lot, martin, [A(date(2025, 2, 28), CHILD), A(date(2025, 3, 1), CHILD),
                                        A(date(2026, 6, 30), CHILD), A(date(2026, 7, 1), CHILD)])
        flags = {f.kind: f for f in run_controls(session, lot.batch_id)}
        assert sorted(flags) == ["after_exit", "before_inclusion"]
        assert "28/02/2025" in flags["before_inclusion"].message
        assert "01/03/2025" in flags["before_inclusion"].message  # the inclusion date it is compared with
        before = flags["before_inclusion"].message
        assert "1 acte du document" in before and " est antérieur à " in before
        assert "01/07/2026" in flags["after_exit"].message and "30/06/2026" in flags["after_exit"].message


def test_fifth_birthday_ends_the_pathway_in_paca_not_in_occitanie(engine: Engine) -> None:
    birth = date(2021, 3, 15)
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, birth, date(2021, 4, 1))
        martin = therapist(session, "Camille Martin EI")
        day_before = batch(session, martin)
        document(session, day_before, martin, [A(date(2026, 3, 14), CHILD)])
        on_birthday = batch(session, martin)
        document(session, on_birthday, martin, [A(date(2026, 3, 15), CHILD)])
        assert run_controls(session, day_before.batch_id) == []
        flags = run_controls(session, on_birthday.batch_id)
        assert kinds(flags) == ["outside_age_band"]
        assert "5 ans" in flags[0].message and "15/03/2026" in flags[0].message
        occitanie = batch(session, martin, network="RPO")
        document(session, occitanie, martin, [A(date(2026, 3, 16), CHILD)])
        assert run_controls(session, occitanie.batch_id) == []  # 0–7 years in Occitanie
        assert load_tariff("RPO").pathway_max_age_years == 7


def test_discipline_outside_the_forfait_of_the_age(engine: Engine) -> None:
    birth = date(2024, 6, 10)
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, birth, date(2024, 6, 20))
        roux = therapist(session, "Léa Roux EI", "ergotherapie")
        lot = batch(session, roux)
        document(session, lot, roux, [A(date(2026, 6, 9), CHILD, "ergotherapie"),
                                      A(date(2026, 6, 10), CHILD, "ergotherapie")])
        flags = run_controls(session, lot.batch_id)
        assert kinds(flags) == ["discipline_not_covered"]
        assert "ergothérapie" in flags[0].message and "23 mois" in flags[0].message
        assert "09/06/2026" in flags[0].message and "10/06/2026" not in flags[0].message


def test_corrected_age_when_the_tariff_says_so(engine: Engine) -> None:
    data = {"format": 1, "network": "RPM", "pathway_max_age_years": 5, "age_basis": "corrige",
            "versions": [{"effective_from": date(2022, 1, 1), "forfaits": [
                {"kind": "k", "label": "Forfait", "age_min_months": 0, "age_max_months": 60,
                 "disciplines": ["psychomotricite"], "sessions": 35, "session_price": "39.00",
                 "bilan_price": "140.00"}]}]}
    corrected = parse_tariff(data)
    birth = date(2021, 3, 15)  # born at 30 SA: the pathway ends 10 weeks after the 5th birthday
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, birth, date(2021, 4, 1), weeks=30)
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        document(session, lot, martin, [A(date(2026, 5, 23), CHILD)])
        assert run_controls(session, lot.batch_id, corrected) == []
        late = batch(session, martin)
        document(session, late, martin, [A(birth + timedelta(days=70) + (date(2026, 3, 15) - birth), CHILD)])
        flags = run_controls(session, late.batch_id, corrected)
        assert kinds(flags) == ["outside_age_band"] and "âge corrigé" in flags[0].message
        assert kinds(run_controls(session, lot.batch_id)) == ["outside_age_band"]  # the shipped tariff: chronological


def test_same_day_two_therapists_twice_and_other_disciplines(engine: Engine) -> None:
    day = date(2025, 9, 3)
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
        martin, durand = therapist(session, "Camille Martin EI"), therapist(session, "Paul Durand EI")
        blanc = therapist(session, "Inès Blanc EI", "orthophonie")
        first = batch(session, martin)
        mine = document(session, first, martin, [A(day, CHILD), A(day + timedelta(days=1), CHILD)])
        other_discipline = batch(session, blanc)
        document(session, other_discipline, blanc, [A(day, CHILD, "orthophonie"), A(day, CHILD, "orthophonie",
                                                                                    "rcp", 20)])
        assert run_controls(session, first.batch_id) == []
        assert run_controls(session, other_discipline.batch_id) == []  # an RCP is no second act of care
        second = batch(session, durand)
        theirs = document(session, second, durand, [A(day, CHILD)])
        flags = run_controls(session, second.batch_id)
        assert kinds(flags) == ["same_day_two_therapists"]
        assert flags[0].document_id == theirs.id
        assert mine.number in flags[0].message and "Camille Martin EI" in flags[0].message
        assert "03/09/2025" in flags[0].message
        assert kinds(run_controls(session, first.batch_id)) == ["same_day_two_therapists"]  # its side, too
        twice = batch(session, martin)
        document(session, twice, martin, [A(date(2025, 10, 1), CHILD), A(date(2025, 10, 1), CHILD, nature="seance")])
        assert kinds(run_controls(session, twice.batch_id)) == ["same_day_twice"]


def test_forfait_sessions_across_therapists(engine: Engine) -> None:
    start = date(2024, 3, 1)
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
        martin, durand = therapist(session, "Camille Martin EI"), therapist(session, "Paul Durand EI")
        first = batch(session, martin)
        document(session, first, martin, [A(start, CHILD, nature="bilan_initial", euros=140)]
                 + [A(start + timedelta(days=7 * n), CHILD) for n in range(1, 21)])
        second = batch(session, durand)
        document(session, second, durand, [A(start + timedelta(days=7 * n + 2), CHILD) for n in range(1, 16)])
        assert run_controls(session, first.batch_id) == []
        assert run_controls(session, second.batch_id) == []  # 35 séances and one bilan: 1 505,00 €, the limit
        third = batch(session, durand)
        extra = document(session, third, durand, [A(date(2025, 6, 2), CHILD)])
        flags = run_controls(session, third.batch_id)
        assert kinds(flags) == ["forfait_amount_exceeded", "forfait_sessions_exceeded"]
        by_kind = {f.kind: f for f in flags}
        sessions = by_kind["forfait_sessions_exceeded"].message
        assert "36 séances de psychomotricité" in sessions and "35 prévues" in sessions
        assert "Camille Martin EI (20)" in sessions and "Paul Durand EI (16)" in sessions
        assert "02/06/2025" in sessions and extra.number in sessions
        assert "1\u202f544,00\u00a0€" in by_kind["forfait_amount_exceeded"].message
        assert all(f.document_id == extra.id for f in flags)
        # the forfait 2–5 years is another one: séances after the 2nd birthday start again from zero
        later = batch(session, durand)
        document(session, later, durand, [A(date(2026, 1, 5), CHILD)])
        assert run_controls(session, later.batch_id) == []


def test_forfait_amount_alone_when_prices_exceed_the_tariff(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        document(session, lot, martin, [A(date(2024, 3, 1) + timedelta(days=n), CHILD, euros=45) for n in range(34)])
        flags = run_controls(session, lot.batch_id)
        assert kinds(flags) == ["forfait_amount_exceeded"]
        assert "1\u202f530,00" in flags[0].message and "1\u202f505,00" in flags[0].message


def test_one_batch_reads_only_its_children_in_a_few_statements(engine: Engine) -> None:
    statements: list[str] = []
    with Session(engine) as session, session.begin():
        martin = therapist(session, "Camille Martin EI")
        for n in range(40):
            inclusion(session, f"RPM-2024-{n:05d}", date(2024, 1, 5), date(2024, 2, 1))
        old = batch(session, martin)
        document(session, old, martin, [A(date(2024, 5, 1), f"RPM-2024-{n:05d}") for n in range(40)])
        lot = batch(session, martin)
        document(session, lot, martin, [A(date(2024, 6, 1), f"RPM-2024-{n:05d}") for n in range(30)])

        def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            run_controls(session, lot.batch_id)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    acts_queries = [s for s in statements if "FROM act" in s]
    assert len(statements) <= 6, statements
    assert any("act.inclusion_number IN" in s for s in acts_queries)


def test_flags_live_in_the_table_linked_to_batch_document_and_act(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        invoice = document(session, lot, martin, [A(date(2025, 5, 6), "RPM-2025-99999")])
        run_controls(session, lot.batch_id)
        expected = [("unknown_child", lot.batch_id, invoice.id, invoice.acts[0].id)]
    with Session(engine) as session:
        stored = session.scalars(select(ControlFlag)).all()
        assert [(f.kind, f.batch_id, f.document_id, f.act_id) for f in stored] == expected


def test_months_between_agrees_with_add_months() -> None:
    from cocon_network.server.tariff import add_months, months_between

    for origin in (date(2024, 1, 31), date(2024, 2, 29), date(2023, 3, 30), date(2024, 6, 10), date(2021, 12, 1)):
        for offset in range(0, 800, 1):
            on = origin + timedelta(days=offset)
            expected = max(n for n in range(0, 40) if add_months(origin, n) <= on)
            assert months_between(origin, on) == expected, (origin, on)
    assert months_between(date(2024, 1, 31), date(2024, 1, 30)) == -1


def test_trial_mode_on_sqlite(tmp_path: Path) -> None:
    engine = schema(f"sqlite:///{tmp_path / 'essai.sqlite3'}")
    try:
        with Session(engine) as session, session.begin():
            inclusion(session, CHILD, date(2021, 3, 15), date(2021, 4, 1))
            martin, durand = therapist(session, "Camille Martin EI"), therapist(session, "Paul Durand EI")
            lot = batch(session, martin)
            document(session, lot, martin, [A(date(2026, 3, 15), CHILD), A(date(2025, 1, 7), "RPM-2099-00001")])
            document(session, batch(session, durand), durand, [A(date(2026, 3, 15), CHILD)])
            assert kinds(run_controls(session, lot.batch_id)) == ["outside_age_band", "same_day_two_therapists",
                                                                  "unknown_child"]
    finally:
        engine.dispose()
