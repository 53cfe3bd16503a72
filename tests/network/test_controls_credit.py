"""Controls across therapists: credit notes cancel the acts they correct, rejected documents count for nothing, a
rerun is idempotent, and the child page's summary (forfait used and left across therapists)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cocon_network.server.controls import child_summary, rerun_for_children, run_controls
from cocon_network.server.models import DOC_REJECTED, Batch, ControlFlag, Document
from tests.network.controls_helpers import A, batch, document, inclusion, schema, therapist

CHILD = "RPM-2025-00001"
START = date(2024, 3, 1)


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


def weekly(count: int, offset: int = 0) -> list[A]:
    return [A(START + timedelta(days=7 * n + offset), CHILD) for n in range(count)]


def test_a_credit_note_cancels_the_act_it_corrects(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
        martin = therapist(session, "Camille Martin EI")
        first = batch(session, martin)
        invoice = document(session, first, martin, weekly(36))
        # 36 × 39,00 € = 1 404,00 €, under 1 505,00 €: the séances are over, not the money
        assert [f.kind for f in run_controls(session, first.batch_id)] == ["forfait_sessions_exceeded"]
        second = batch(session, martin)
        document(session, second, martin, [weekly(36)[35]], kind="credit_note", corrects=invoice.number)
        assert run_controls(session, first.batch_id) == []  # 35 séances once the 36th is credited
        assert run_controls(session, second.batch_id) == []  # a credit note raises nothing itself


def test_a_credited_duplicate_is_no_longer_the_same_day_twice(engine: Engine) -> None:
    day = date(2024, 4, 2)
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        wrong = document(session, lot, martin, [A(day, CHILD)])
        document(session, lot, martin, [A(day, CHILD)])
        assert [f.kind for f in run_controls(session, lot.batch_id)] == ["same_day_twice"]
        fix = batch(session, martin)
        document(session, fix, martin, [A(day, CHILD)], kind="credit_note", corrects=wrong.number)
        document(session, fix, martin, [A(day + timedelta(days=1), CHILD)])
        assert run_controls(session, lot.batch_id) == []
        assert run_controls(session, fix.batch_id) == []


def test_a_partial_credit_corrects_money_and_keeps_the_seance(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
        martin = therapist(session, "Camille Martin EI")
        lot = batch(session, martin)
        acts = [A(START + timedelta(days=n), CHILD, euros=45) for n in range(35)]
        invoice = document(session, lot, martin, acts)
        assert [f.kind for f in run_controls(session, lot.batch_id)] == ["forfait_amount_exceeded"]  # 1 575 > 1 505
        fix = batch(session, martin)
        document(session, fix, martin, [a._replace(euros=6) for a in acts], kind="credit_note",
                 corrects=invoice.number)
        assert run_controls(session, lot.batch_id) == []
        summary = child_summary(session, CHILD)
        assert [(u.sessions_used, u.cents_used) for u in summary.forfaits] == [(35, 35 * 3900)]


def test_a_credit_note_of_another_therapist_or_invoice_cancels_nothing(engine: Engine) -> None:
    day = date(2024, 4, 2)
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
        martin, durand = therapist(session, "Camille Martin EI"), therapist(session, "Paul Durand EI")
        lot = batch(session, martin)
        invoice = document(session, lot, martin, [A(day, CHILD), A(day, CHILD)])
        other = batch(session, durand)
        document(session, other, durand, [A(day, CHILD)], kind="credit_note", corrects=invoice.number)
        assert [f.kind for f in run_controls(session, lot.batch_id)] == ["same_day_twice"]


def test_a_rejected_invoice_counts_for_nothing_and_its_credit_note_neither(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
        martin = therapist(session, "Camille Martin EI")
        first = batch(session, martin)
        rejected = document(session, first, martin, weekly(30), status=DOC_REJECTED)
        second = batch(session, martin)
        document(session, second, martin, weekly(30), kind="credit_note", corrects=rejected.number)
        document(session, second, martin, weekly(30, offset=1))
        assert run_controls(session, second.batch_id) == []  # 30 séances, not 60 nor 0
        assert run_controls(session, first.batch_id) == []  # a rejected document is not controlled
        assert child_summary(session, CHILD).forfaits[0].sessions_used == 30


def test_rerun_is_idempotent_and_replaces_the_batch_flags_only(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        martin = therapist(session, "Camille Martin EI")
        one, two = batch(session, martin), batch(session, martin)
        document(session, one, martin, [A(date(2025, 5, 6), "RPM-2025-99999")])
        document(session, two, martin, [A(date(2025, 5, 7), "RPM-2025-99998")])
        run_controls(session, two.batch_id)
        first = [(f.kind, f.document_id, f.act_id, f.message) for f in run_controls(session, one.batch_id)]
        again = [(f.kind, f.document_id, f.act_id, f.message) for f in run_controls(session, one.batch_id)]
        assert first == again and len(first) == 1
        assert session.scalar(select(func.count()).select_from(ControlFlag)) == 2
        inclusion(session, "RPM-2025-99999", date(2025, 1, 1), date(2025, 2, 1))
        assert rerun_for_children(session, ["RPM-2025-99999"]) == 1  # the import made the child known
        remaining = session.scalars(select(ControlFlag.inclusion_number)).all()
        assert remaining == ["RPM-2025-99998"]


def test_child_summary_across_therapists(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1), departement="84")
        martin, durand = therapist(session, "Camille Martin EI"), therapist(session, "Paul Durand EI")
        blanc = therapist(session, "Inès Blanc EI", "orthophonie")
        lot = batch(session, martin)
        document(session, lot, martin, [A(START, CHILD, nature="bilan_initial", euros=140), *weekly(10, 1)])
        document(session, lot, durand, weekly(5, 2))
        document(session, lot, blanc, [A(START, CHILD, "orthophonie", euros=40), A(START, CHILD, "orthophonie",
                                                                                    "rcp", 20)])
        document(session, lot, martin, [A(date(2026, 2, 1), CHILD)])  # after the 2nd birthday: another forfait
        run_controls(session, lot.batch_id)
        summary = child_summary(session, CHILD)
    assert summary.known and summary.departement == "84" and summary.pathway_end == date(2029, 1, 5)
    uses = {(u.kind, u.discipline): u for u in summary.forfaits}
    assert sorted(uses) == [("precoce_0_24", "orthophonie"), ("precoce_0_24", "psychomotricite"),
                            ("soins_2_5", "psychomotricite")]
    psy = uses[("precoce_0_24", "psychomotricite")]
    assert (psy.sessions_used, psy.sessions_left, psy.bilans_used) == (15, 20, 1)
    assert (psy.cents_used, psy.cents_allowed, psy.cents_left) == (140_00 + 15 * 39_00, 1505_00, 1505_00 - 725_00)
    assert psy.therapists == ("Camille Martin EI", "Paul Durand EI")
    assert uses[("precoce_0_24", "orthophonie")].cents_used == 40_00  # the RCP is not on the forfait
    assert uses[("soins_2_5", "psychomotricite")].sessions_used == 1
    assert summary.acts_counted == 19 and summary.flags == ()
    with Session(engine) as session:
        unknown = child_summary(session, "RPM-2099-00000")
    assert not unknown.known and unknown.forfaits == () and unknown.birth_date is None


def _same_day_by_two_therapists(session: Session) -> tuple[Batch, Batch, Document]:
    """Camille Martin and Paul Durand both bill CHILD's séance of 2 April 2024: (her batch, his, her document)."""
    day = date(2024, 4, 2)
    inclusion(session, CHILD, date(2024, 1, 5), date(2024, 2, 1))
    martin, durand = therapist(session, "Camille Martin EI"), therapist(session, "Paul Durand EI")
    first, second = batch(session, martin), batch(session, durand)
    wrong = document(session, first, martin, [A(day, CHILD)])
    document(session, second, durand, [A(day, CHILD)])
    return first, second, wrong


def test_a_rejection_clears_the_other_therapist_s_duplicate(engine: Engine) -> None:
    from cocon_network.server.controls import rerun_after_decision

    with Session(engine) as session, session.begin():
        first, second, wrong = _same_day_by_two_therapists(session)
        assert [f.kind for f in run_controls(session, first.batch_id)] == ["same_day_two_therapists"]
        assert [f.kind for f in run_controls(session, second.batch_id)] == ["same_day_two_therapists"]
        wrong.status = DOC_REJECTED
        session.flush()
        assert rerun_after_decision(session, wrong.id) == 1  # the second batch; the first has nothing pending
        remaining = session.scalars(select(ControlFlag.batch_id)).all()
        assert remaining == [first.batch_id]  # the rejected document's own flag stays, as its history


def test_the_coordinator_s_rejection_clears_the_other_therapist_s_duplicate(engine: Engine) -> None:
    from cocon_network.server.decisions import reject_document

    with Session(engine) as session, session.begin():
        first, second, wrong = _same_day_by_two_therapists(session)
        run_controls(session, first.batch_id)
        run_controls(session, second.batch_id)
        reject_document(session, wrong.id, None, "Séance facturée par erreur : l'enfant était chez Paul Durand.")
        assert session.scalars(select(ControlFlag.batch_id)).all() == [first.batch_id]


def test_a_batch_rejected_at_its_verification_clears_the_other_therapist_s_duplicate(engine: Engine) -> None:
    from types import SimpleNamespace

    from cocon_network.server.db import session_factory
    from cocon_network.server.ingest_verify import conclude
    from cocon_network.server.models import VERIFY_FAILED, VERIFY_PENDING
    from cocon_network.server.verify_pool import Verification

    with Session(engine) as session, session.begin():
        first, second, _wrong = _same_day_by_two_therapists(session)
        second.verification = VERIFY_PENDING  # Paul Durand's batch: received, its PDFs not verified yet
        run_controls(session, first.batch_id)
        run_controls(session, second.batch_id)
        first_id, second_id = first.batch_id, second.batch_id
    state: Any = SimpleNamespace(sessions=session_factory(engine))
    assert not conclude(state, second_id, Verification(second_id, "batch_pdf_signature_invalid", "signature"))
    with Session(engine) as session:
        assert session.get(Batch, second_id).verification == VERIFY_FAILED  # type: ignore[union-attr]
        assert session.scalars(select(ControlFlag)).all() == []  # Camille Martin's séance is alone again
        assert session.scalar(select(func.count()).select_from(Document).where(Document.batch_id == first_id)) == 1
