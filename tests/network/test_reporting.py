"""Reporting to the funder on a real PostgreSQL: accepted and paid documents only, credit notes subtract what they
correct (only when their invoice counts), the child's département or else the therapist's; the sums equal the acts'
sums; the CSV parsed back; the PDF's text read with pdftotext; one GROUP BY per table; the trial's SQLite too."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from cocon_network.server.models import DOC_ACCEPTED, DOC_PAID, DOC_RECEIVED, DOC_REJECTED, Act, Document
from cocon_network.server.report_aggregate import rebuild
from cocon_network.server.reporting import children_rows, funder_report, funder_report_from_acts
from cocon_network.server.reporting_csv import children_csv, report_csv
from cocon_network.server.reporting_pdf import report_pdf
from tests.network.controls_helpers import A, batch, document, inclusion, schema, therapist

C1, C2 = "RPM-2025-00001", "RPM-2025-00002"  # C2 is not in the inclusion list
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = schema(postgres_url)
    yield engine
    engine.dispose()


def month(first: date, day: int) -> date:
    return first.replace(day=day)


def fill(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        inclusion(session, C1, date(2025, 1, 5), date(2025, 2, 1), departement="06")
        martin = therapist(session, "Camille Martin EI", departement="13")
        blanc = therapist(session, "Inès Blanc EI", "orthophonie", departement="84")
        january = batch(session, martin)
        invoice = document(session, january, martin, [
            A(month(JAN, 5), C1, nature="bilan_initial", euros=140), A(month(JAN, 6), C1), A(month(JAN, 13), C1),
            A(month(JAN, 20), C1), A(month(JAN, 7), C2), A(month(JAN, 14), C2)], status=DOC_ACCEPTED)
        document(session, batch(session, blanc), blanc, [A(month(JAN, 8), C1, "orthophonie", euros=40),
                                                         A(month(JAN, 15), C1, "orthophonie", euros=40)],
                 status=DOC_PAID)
        february = batch(session, martin)
        document(session, february, martin, [A(month(FEB, 3), C1)], status=DOC_RECEIVED)  # not decided yet
        rejected = document(session, february, martin, [A(month(FEB, 4), C1), A(month(FEB, 5), C1)],
                            status=DOC_REJECTED)
        fix = batch(session, martin)
        document(session, fix, martin, [A(month(FEB, 4), C1), A(month(FEB, 5), C1)], kind="credit_note",
                 corrects=rejected.number, status=DOC_ACCEPTED)  # its invoice never counted: neither does it
        document(session, fix, martin, [A(month(FEB, 4), C1)], status=DOC_ACCEPTED)
        document(session, fix, martin, [A(month(JAN, 20), C1), A(month(JAN, 13), C1, euros=5)], kind="credit_note",
                 corrects=invoice.number, status=DOC_ACCEPTED)  # one séance whole, another's price by 5 €
        document(session, fix, martin, [A(date(2026, 3, 2), C1)], status=DOC_ACCEPTED)  # after the period
        rebuild(session)  # the rows above were written with their statuses, not through decisions.py


def test_report_counts_what_was_accepted_or_paid(engine: Engine) -> None:
    fill(engine)
    with Session(engine) as session:
        report = funder_report(session, JAN, date(2026, 2, 28), "RPM")
    rows = {(r.month_key, r.departement, r.discipline): (r.children, r.seances, r.bilans, r.acts, r.cents)
            for r in report.rows}
    assert rows == {
        ("2026-01", "06", "orthophonie"): (1, 2, 0, 2, 80_00),
        ("2026-01", "06", "psychomotricite"): (1, 2, 1, 3, 140_00 + 3 * 39_00 - 39_00 - 5_00),
        ("2026-01", "13", "psychomotricite"): (1, 2, 0, 2, 78_00),  # the unknown child: the therapist's département
        ("2026-02", "06", "psychomotricite"): (1, 1, 0, 1, 39_00),
    }
    assert report.month_children == (("2026-01", 2), ("2026-02", 1)) and report.children == 2


def test_report_sums_equal_the_acts_sums(engine: Engine) -> None:
    fill(engine)
    with Session(engine) as session:
        report = funder_report(session, date(2020, 1, 1), date(2030, 12, 31))
        counted = {d.number for d in session.scalars(select(Document).where(
            Document.status.in_((DOC_ACCEPTED, DOC_PAID))))}
        rejected = {d.number for d in session.scalars(select(Document).where(Document.status == DOC_REJECTED))}
        amounts = [(a.amount_cents, d.corrects) for a, d in session.execute(
            select(Act, Document).join(Document)) if d.number in counted]
    expected = sum(cents for cents, corrects in amounts if corrects not in rejected)
    assert report.cents == expected == 140_00 + 7 * 39_00 + 2 * 40_00 - 44_00


def test_csv_parsed_back(engine: Engine) -> None:
    fill(engine)
    with Session(engine) as session:
        report = funder_report(session, JAN, date(2026, 2, 28), "RPM")
        detail = children_rows(session, JAN, date(2026, 2, 28))
    data = report_csv(report)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    lines = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(lines) == len(report.rows) == 4
    assert lines[1] == {"mois": "2026-01", "departement": "06", "discipline": "psychomotricite",
                        "enfants_suivis": "1", "seances": "2", "bilans": "1", "actes": "3", "montant": "213,00"}
    total = sum(int(line["montant"].replace(",", "")) for line in lines)
    assert total == report.cents
    children = list(csv.DictReader(io.StringIO(children_csv(detail).decode("utf-8-sig"), newline=""),
                                   delimiter=";"))
    assert {c["numero_inclusion"] for c in children} == {C1, C2}
    assert "initiales" not in children[0] and all("A. B." not in str(c) for c in children)
    c1_psy = next(c for c in children if c["numero_inclusion"] == C1 and c["discipline"] == "psychomotricite")
    assert (c1_psy["premier_acte"], c1_psy["dernier_acte"], c1_psy["seances"], c1_psy["montant"]) == (
        "2026-01-05", "2026-02-04", "3", "252,00")


def test_pdf_text(engine: Engine, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext absent : apt-get install poppler-utils")
    fill(engine)
    with Session(engine) as session:
        report = funder_report(session, JAN, date(2026, 2, 28), "RPM")
    path = tmp_path / "rapport.pdf"
    path.write_bytes(report_pdf(report, "Réseau Périnatal Méditerranée"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    assert "Rapport d'activité COCON" in text and "Réseau Périnatal Méditerranée" in text
    assert "du 01/01/2026 au 28/02/2026" in text
    assert "Janvier 2026" in text and "Février 2026" in text
    assert "acceptés ou payés" in text
    january_total = next(line for line in text.splitlines() if "Total du mois" in line)
    assert january_total.split()[3:7] == ["2", "6", "1", "7"]  # 2 children, 6 séances, 1 bilan, 7 acts
    assert "371,00" in january_total
    assert "psychomotricité" in text and "orthophonie" in text
    assert C1 not in text and "A. B." not in text  # aggregates only
    with Session(engine) as session:
        empty = funder_report(session, date(2019, 1, 1), date(2019, 1, 31))
    path.write_bytes(report_pdf(empty))
    assert "Aucun acte accepté ou payé" in subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                                          text=True, check=True, timeout=60).stdout


def test_one_group_by_per_table(engine: Engine) -> None:
    fill(engine)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with Session(engine) as session:
            funder_report_from_acts(session, JAN, date(2026, 2, 28))
        reference = list(statements)
        statements.clear()
        with Session(engine) as session:
            funder_report(session, JAN, date(2026, 2, 28))  # whole months: the aggregate alone
        whole = list(statements)
        statements.clear()
        with Session(engine) as session:
            funder_report(session, date(2026, 1, 10), date(2026, 2, 28))  # a partial month: its days' rows
        partial = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    queries = [s for s in reference if s.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 2, queries  # the table, the children per month and over the period
    assert all("GROUP BY" in q and "FROM act" in q for q in queries)
    assert "SET LOCAL jit = off" in reference  # PostgreSQL's JIT would take seconds to compile the plan
    assert len(whole) == 3 and not any("FROM act" in q for q in whole), whole  # month rows, totals, children
    assert all("report_" in q for q in whole)
    assert not any("FROM act" in q for q in partial), partial  # never the acts, even for a partial month:
    day_rows = [q for q in partial if "FROM report_child_day" in q]  # January's 10th–31st: its table, its
    assert len(day_rows) == 3, partial  # children, and the period's children with February's (a UNION)
    assert sum("UNION" in q for q in day_rows) == 1, day_rows


def test_trial_mode_on_sqlite(tmp_path: Path) -> None:
    engine = schema(f"sqlite:///{tmp_path / 'essai.sqlite3'}")
    try:
        fill(engine)
        with Session(engine) as session:
            report = funder_report(session, JAN, date(2026, 2, 28))
        assert [(r.month_key, r.departement, r.seances, r.cents) for r in report.rows] == [
            ("2026-01", "06", 2, 80_00), ("2026-01", "06", 2, 213_00), ("2026-01", "13", 2, 78_00),
            ("2026-02", "06", 1, 39_00)]
        with Session(engine) as session:  # periods cut inside months read report_child_day on SQLite too
            for start, end in ((date(2026, 1, 10), date(2026, 2, 28)), (date(2026, 1, 10), date(2026, 2, 10)),
                               (date(2025, 12, 20), date(2026, 1, 12)), (date(2026, 1, 1), date(2026, 2, 10))):
                cut = funder_report(session, start, end)
                assert cut == funder_report_from_acts(session, start, end), (start, end)
                assert cut.rows, (start, end)
    finally:
        engine.dispose()


def test_command_line_writes_the_files(engine: Engine, postgres_url: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from cocon_network.server.__main__ import main

    fill(engine)
    monkeypatch.setenv("COCON_NETWORK_DATABASE_URL", postgres_url)
    monkeypatch.setenv("COCON_NETWORK_NETWORK", "RPM")
    assert main(["reports", "funder", "--du", "2026-01-01", "--au", "2026-02-28", "-o", str(tmp_path),
                 "--enfants"]) == 0
    out = capsys.readouterr().out
    assert "Du 01/01/2026 au 28/02/2026 : 2 enfants suivis, 7 séances." in out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["COCON-RPM-enfants-2026-01-01-2026-02-28.csv", "COCON-RPM-rapport-2026-01-01-2026-02-28.csv",
                     "COCON-RPM-rapport-2026-01-01-2026-02-28.pdf"]
    assert (tmp_path / names[2]).read_bytes().startswith(b"%PDF")
    assert main(["reports", "funder", "--du", "2026-03-01", "--au", "2026-01-01", "-o", str(tmp_path)]) == 1
    assert "précède son début" in capsys.readouterr().err
    assert main(["reports", "funder", "--du", "2026-01-01", "--au", "2026-01-31", "-o",
                 str(tmp_path / "absent")]) == 2
