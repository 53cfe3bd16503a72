"""The funder's report read from the monthly aggregate (report_aggregate.py, report_read.py) equals the report read
from the acts (reporting.funder_report_from_acts, the reference), on a real PostgreSQL: after each decision taken
through decisions.py (accepting one, accepting a batch's unflagged ones, a credit note, a rejection after
acceptance that takes its credit note out), a payment, a therapist's département changed, an inclusion import that
moves children; on a generated region for whole years, months and periods cut inside months; `reports rebuild`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from cocon_network.server import conventions, decisions
from cocon_network.server.inclusions import import_inclusions
from cocon_network.server.models import (
    DOC_ACCEPTED,
    DOC_PAID,
    Document,
    ReportChildDay,
    ReportChildMonth,
    ReportMonth,
)
from cocon_network.server.region_data import SMALL, generate_region
from cocon_network.server.report_aggregate import rebuild
from cocon_network.server.report_read import whole_months
from cocon_network.server.reporting import FunderReport, funder_report, funder_report_from_acts
from tests.network.controls_helpers import A, batch, document, inclusion, schema, therapist

C1, C2 = "RPM-2025-00001", "RPM-2025-00002"  # C2 is not in the inclusion list at first
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)
PERIODS = ((JAN, date(2026, 2, 28)), (JAN, date(2026, 1, 31)), (date(2026, 1, 10), date(2026, 2, 15)),
           (date(2026, 1, 10), date(2026, 1, 20)), (date(2025, 12, 1), date(2026, 12, 31)),
           # cut inside months (report_child_day): one day (a séance credited in part), a credit note's day at
           # each edge, a head alone, a tail alone, both around a whole month, a day before and after a month
           (date(2026, 1, 13), date(2026, 1, 13)), (date(2026, 1, 20), date(2026, 2, 5)),
           (date(2026, 1, 21), date(2026, 12, 31)), (date(2025, 1, 1), date(2026, 1, 13)),
           (date(2025, 12, 15), date(2026, 2, 5)), (date(2025, 12, 31), date(2026, 2, 1)))
HEADER = "numero_inclusion;initiales;date_naissance;terme_sa;date_inclusion;date_sortie;departement"


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


def same(engine: Engine, periods: tuple[tuple[date, date], ...] = PERIODS) -> FunderReport:
    """The aggregate's report equals the acts' for every period; the first period's report."""
    reports = []
    with Session(engine) as session:
        for start, end in periods:
            stored, reference = funder_report(session, start, end), funder_report_from_acts(session, start, end)
            assert stored == reference, (start, end)
            reports.append(stored)
    return reports[0]


def test_whole_months_of_a_period() -> None:
    assert whole_months(JAN, date(2026, 12, 31)) == (202601, 202612)
    assert whole_months(date(2026, 1, 2), date(2026, 3, 30)) == (202602, 202602)
    assert whole_months(date(2026, 1, 2), date(2026, 2, 27)) is None
    assert whole_months(date(2024, 2, 1), date(2024, 2, 29)) == (202402, 202402)  # a leap year's February
    assert whole_months(date(2026, 12, 1), date(2027, 1, 31)) == (202612, 202701)


def test_every_decision_keeps_the_aggregate_equal_to_the_acts(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, C1, date(2025, 1, 5), date(2025, 2, 1), departement="06")
        martin = therapist(session, "Camille Martin EI", departement="13")
        blanc = therapist(session, "Inès Blanc EI", "orthophonie", departement="84")
        january = batch(session, martin)
        invoice = document(session, january, martin, [
            A(JAN.replace(day=5), C1, nature="bilan_initial", euros=140), A(JAN.replace(day=6), C1),
            A(JAN.replace(day=13), C1), A(JAN.replace(day=20), C1), A(JAN.replace(day=7), C2),
            A(JAN.replace(day=14), C2)])
        of_blanc = batch(session, blanc)
        document(session, of_blanc, blanc, [A(JAN.replace(day=8), C1, "orthophonie", euros=40),
                                            A(FEB.replace(day=15), C1, "orthophonie", euros=40)])
        document(session, of_blanc, blanc, [A(JAN.replace(day=22), C2, "orthophonie", euros=40)])
        february = batch(session, martin)
        later = document(session, february, martin, [A(FEB.replace(day=4), C1), A(FEB.replace(day=5), C1)])
        fixes = batch(session, martin)
        credit = document(session, fixes, martin, [A(JAN.replace(day=20), C1), A(JAN.replace(day=13), C1, euros=5)],
                          kind="credit_note", corrects=invoice.number)
        credit_later = document(session, fixes, martin, [A(FEB.replace(day=5), C1)], kind="credit_note",
                                corrects=later.number)
        ids = (invoice.id, credit.id, later.id, credit_later.id, of_blanc.batch_id)
    assert same(engine).rows == ()  # nothing decided: nothing counts

    invoice_id, credit_id, later_id, credit_later_id, blanc_batch = ids
    with Session(engine) as session, session.begin():
        decisions.accept_document(session, invoice_id, None)
    assert same(engine).seances == 5
    with Session(engine) as session, session.begin():
        assert len(decisions.accept_unflagged(session, blanc_batch, None)) == 2
    assert same(engine).seances == 8
    with Session(engine) as session, session.begin():
        decisions.accept_document(session, credit_id, None)  # one séance whole, another's price by 5 €
    report = same(engine)
    assert (report.seances, report.cents) == (7, 140_00 + 5 * 39_00 + 3 * 40_00 - 44_00)
    with Session(engine) as session, session.begin():
        decisions.accept_document(session, later_id, None)
        decisions.accept_document(session, credit_later_id, None)
    assert same(engine).seances == 8  # two séances in February, one credited whole
    with Session(engine) as session, session.begin():
        decisions.reject_document(session, later_id, None, "Séance déjà facturée.")  # after its acceptance
    report = same(engine)
    assert report.seances == 7 and report.month_children == (("2026-01", 2), ("2026-02", 1))  # its credit too

    with Session(engine) as session, session.begin():  # what payments.execute_run does: accepted → paid
        session.get_one(Document, invoice_id).status = DOC_PAID
    assert same(engine) == report  # paid and accepted count alike

    with Session(engine) as session, session.begin():
        conventions.update_therapist(session, session.get_one(Document, invoice_id).therapist_id,
                                     departement="30")
    report = same(engine)
    assert {r.departement for r in report.rows if r.discipline == "psychomotricite"} == {"06", "30"}  # C2 moved

    csv = "\r\n".join([HEADER, f"{C1};A. B.;05/01/2025;;01/02/2025;;13", f"{C2};C. D.;2025-03-01;;2025-04-01;;83"])
    with Session(engine) as session, session.begin():
        assert import_inclusions(session, csv.encode(), recheck=False).imported
    report = same(engine)
    assert {r.departement for r in report.rows} == {"13", "83"}
    assert report.children == 2


def test_a_generated_region(engine: Engine) -> None:
    figures = generate_region(engine, SMALL)  # fills the aggregate after its COPY
    with Session(engine) as session:
        first, last = session.execute(select(func.min(ReportMonth.month), func.max(ReportMonth.month))).one()
        rows = session.scalar(select(func.count()).select_from(ReportChildMonth))
    assert figures.counts["act"] > 1000 and rows is not None and rows > 100
    start, end = date(first // 100, first % 100, 1), date(last // 100, last % 100, 28)
    middle = date(start.year + (start.month + 2 > 12), (start.month + 1) % 12 + 1, 1)
    cut = ((start.replace(day=9), end), (middle.replace(day=16), date(end.year, end.month, 15)),
           (middle - timedelta(days=1), middle), (middle.replace(day=3), middle.replace(day=20)))
    report = same(engine, ((start, end), (middle, middle.replace(day=28)), *cut,
                           (date(2000, 1, 1), date(2040, 12, 31))))
    assert report.children > 30 and report.seances > 200

    with Session(engine) as session, session.begin():  # a month's invoices accepted or rejected in bulk
        received = session.scalars(select(Document.id).where(Document.status == "recu").limit(40)).all()
        assert received
        for number, document_id in enumerate(received):
            if number % 4:
                decisions.accept_document(session, document_id, None)
            else:
                decisions.reject_document(session, document_id, None, "Motif d'essai.")
        accepted = session.scalars(select(Document.id).where(Document.status == DOC_ACCEPTED,
                                                             Document.payment_run_id.is_(None)).limit(10)).all()
        for document_id in accepted:
            decisions.reject_document(session, document_id, None, "Rejet après acceptation.")
    same(engine, ((start, end), *cut))


def test_reports_rebuild_command(engine: Engine, postgres_url: str, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from cocon_network.server.__main__ import main

    generate_region(engine, SMALL)
    expected = same(engine, ((date(2000, 1, 1), date(2040, 12, 31)),))
    with Session(engine) as session, session.begin():
        session.execute(delete(ReportChildMonth))
        session.execute(delete(ReportMonth))
        session.execute(delete(ReportChildDay))
    with Session(engine) as session:
        assert funder_report(session, date(2000, 1, 1), date(2040, 12, 31)).rows == ()
    monkeypatch.setenv("COCON_NETWORK_DATABASE_URL", postgres_url)
    assert main(["reports", "rebuild"]) == 0
    assert "Rapport mensuel recalculé depuis les actes" in capsys.readouterr().out
    assert same(engine, ((date(2000, 1, 1), date(2040, 12, 31)),)) == expected
    assert same(engine, ((date(2026, 7, 9), date(2026, 10, 17)),)).seances > 100  # the day rows too (SMALL:
    # June to November 2026)
    with Session(engine) as session, session.begin():
        rebuild(session)  # twice: the same rows, no duplicate key
    assert same(engine, ((date(2000, 1, 1), date(2040, 12, 31)),)) == expected


def test_migration_0002_fills_the_aggregate_of_a_database_holding_acts(engine: Engine) -> None:
    from alembic import command

    from cocon_network.server.migrate import alembic_config, upgrade

    with Session(engine) as session, session.begin():
        inclusion(session, C1, date(2025, 1, 5), date(2025, 2, 1), departement="06")
        martin = therapist(session, "Camille Martin EI")
        document(session, batch(session, martin), martin, [A(JAN.replace(day=5), C1), A(FEB.replace(day=2), C2)],
                 status=DOC_ACCEPTED)
    with engine.begin() as connection:  # back to before the aggregate (its tables dropped), then up again
        command.downgrade(alembic_config(connection), "0001")
    upgrade(engine)
    report = same(engine)
    assert (report.seances, report.children, len(report.rows)) == (2, 2, 2)


def test_migration_0005_fills_the_day_rows_of_a_database_holding_acts(engine: Engine) -> None:
    from alembic import command

    from cocon_network.server.migrate import alembic_config, upgrade

    with Session(engine) as session, session.begin():
        inclusion(session, C1, date(2025, 1, 5), date(2025, 2, 1), departement="06")
        martin = therapist(session, "Camille Martin EI")
        document(session, batch(session, martin), martin, [A(JAN.replace(day=5), C1), A(JAN.replace(day=20), C2),
                                                           A(FEB.replace(day=2), C2)], status=DOC_ACCEPTED)
    with engine.begin() as connection:  # back to before the day rows (their table dropped), then up again
        command.downgrade(alembic_config(connection), "0003")
    upgrade(engine)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ReportChildDay)) == 3
    report = same(engine)
    assert (report.seances, report.children) == (3, 2)
    assert same(engine, ((date(2026, 1, 10), date(2026, 2, 15)),)).month_children == (("2026-01", 1),
                                                                                      ("2026-02", 1))


def test_two_decisions_at_once_on_the_same_month(engine: Engine) -> None:
    """Two coordinators accept two invoices of the same month at the same moment: the second waits for the
    first's commit (the advisory lock), then recomputes with it; both commit, the aggregate is the acts'."""
    import threading

    with Session(engine) as session, session.begin():
        inclusion(session, C1, date(2025, 1, 5), date(2025, 2, 1), departement="06")
        martin = therapist(session, "Camille Martin EI")
        blanc = therapist(session, "Inès Blanc EI", "orthophonie")
        first = document(session, batch(session, martin), martin, [A(JAN.replace(day=5), C1)]).id
        second = document(session, batch(session, blanc), blanc, [A(JAN.replace(day=6), C1, "orthophonie"),
                                                                  A(JAN.replace(day=7), C2, "orthophonie")]).id
    errors: list[BaseException] = []
    one = Session(engine)
    one.begin()
    decisions.accept_document(one, first, None)  # holds the lock until its commit

    def other() -> None:
        try:
            with Session(engine) as session, session.begin():
                decisions.accept_document(session, second, None)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=1.5)
    assert thread.is_alive()  # waiting for the first decision's transaction
    one.commit()
    one.close()
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    report = same(engine)
    assert (report.seances, report.children, report.month_children) == (3, 2, (("2026-01", 2),))
