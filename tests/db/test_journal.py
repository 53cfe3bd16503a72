"""The livre-journal des recettes and the year summary on the fixed data set (tests/db/report_helpers.py): every
figure against numbers computed by hand; the journal balances with the payments; the CSV and the PDF hold them."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cocon_desktop.documents.journal_csv import HEADERS, journal_csv
from cocon_desktop.documents.journal_pdf import render_journal_pdf
from cocon_desktop.models import Payment
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import practice_handle
from cocon_desktop.services.journal import JournalEntry, receipts_journal, year_summary
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.report_helpers import build_fixed_practice

RPO = "Réseau Périnatalité Occitanie"
RPM = "Réseau de Périnatalité Méditerranée"


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    opened = practice_handle.create_practice(tmp_path_factory.mktemp("journal") / "cabinet", STRONG_PASSPHRASE,
                                           PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    build_fixed_practice(opened)
    yield opened
    opened.close()


def _payments_sum(practice: Practice, year: int) -> Decimal:
    """What the payment table holds for the year, read straight from it."""
    with practice.sessions() as session:
        cents = session.scalar(select(func.sum(Payment.amount_cents)).where(
            Payment.day >= date(year, 1, 1), Payment.day <= date(year, 12, 31)))
    return Decimal(cents or 0) / 100


def test_one_line_per_payment_by_date_with_payer_reference_documents_and_means(fixed: Practice) -> None:
    assert receipts_journal(fixed.sessions, 2026) == [
        JournalEntry(date(2026, 12, 10), RPO, "VIR-RPO-1210", "FAC-2026-0001", Decimal("257.00"), "Virement"),
        JournalEntry(date(2026, 12, 15), RPM, "CHQ-4521", "FAC-2026-0003", Decimal("100.00"), "Chèque"),
        JournalEntry(date(2026, 12, 28), RPO, "VIR-RPO-1228", "FAC-2026-0002", Decimal("218.00"), "Virement"),
    ]
    assert receipts_journal(fixed.sessions, 2027) == [
        JournalEntry(date(2027, 1, 12), RPM, "VIR-RPM-0112", "FAC-2026-0003", Decimal("157.00"), "Virement"),
        JournalEntry(date(2027, 1, 20), RPO, "", "FAC-2026-0005", Decimal("39.00"), "Autre"),
    ]
    assert receipts_journal(fixed.sessions, 2025) == []


def test_the_journal_balances_with_the_payments(fixed: Practice) -> None:
    for year, by_hand in ((2026, Decimal("575.00")), (2027, Decimal("196.00")), (2025, Decimal("0"))):
        journal_total = sum((e.amount for e in receipts_journal(fixed.sessions, year)), Decimal("0.00"))
        assert journal_total == _payments_sum(fixed, year) == by_hand
        assert year_summary(fixed.sessions, year).receipts == by_hand


def test_year_summary_for_the_2035_return(fixed: Practice) -> None:
    summary = year_summary(fixed.sessions, 2026)
    assert summary.receipts == Decimal("575.00")
    assert summary.per_month == tuple((m, Decimal("575.00") if m == 12 else Decimal("0.00")) for m in range(1, 13))
    assert summary.per_network == (("RPM", Decimal("100.00")), ("RPO", Decimal("475.00")))
    assert summary.invoiced == Decimal("1067.00")  # 4 × 257 + 39
    assert summary.credited == Decimal("39.00")
    # at 31/12/2026: FAC-0003 257 − 100, FAC-0004 257, FAC-0005 39; FAC-0001 and FAC-0002 (257 − 39 − 218) settled
    assert summary.outstanding == Decimal("453.00")
    later = year_summary(fixed.sessions, 2027)
    assert (later.receipts, later.invoiced, later.credited, later.outstanding) == (
        Decimal("196.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    assert dict(later.per_month)[1] == Decimal("196.00")
    assert later.per_network == (("RPM", Decimal("157.00")), ("RPO", Decimal("39.00")))


def test_csv_for_the_accountant(fixed: Practice) -> None:
    data = journal_csv(receipts_journal(fixed.sessions, 2026))
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == HEADERS
    assert rows[1:] == [
        ["10/12/2026", RPO, "VIR-RPO-1210", "FAC-2026-0001", "257,00", "Virement"],
        ["15/12/2026", RPM, "CHQ-4521", "FAC-2026-0003", "100,00", "Chèque"],
        ["28/12/2026", RPO, "VIR-RPO-1228", "FAC-2026-0002", "218,00", "Virement"],
    ]  # one line per receipt, no total line: an import would take it for one more receipt
    assert sum(Decimal(r[4].replace(",", ".")) for r in rows[1:]) == Decimal("575.00")


def test_csv_defuses_formulas() -> None:
    entry = JournalEntry(date(2026, 1, 2), "=HYPERLINK(\"x\")", "+33", "FAC-2026-0001", Decimal("1234.5"), "Autre")
    row = next(csv.reader(io.StringIO(journal_csv([entry]).decode("utf-8-sig").splitlines()[1]), delimiter=";"))
    assert row == ["02/01/2026", "'=HYPERLINK(\"x\")", "'+33", "FAC-2026-0001", "1234,50", "Autre"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdf_holds_the_receipts_and_the_summary(fixed: Practice, tmp_path: Path) -> None:
    pdf = render_journal_pdf(receipts_journal(fixed.sessions, 2026), year_summary(fixed.sessions, 2026),
                             load_profile(fixed.sessions), date(2027, 3, 1))
    path = tmp_path / "journal.pdf"
    path.write_bytes(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for needle in ("LIVRE-JOURNAL DES RECETTES", "Alice Dupont EI", "VIR-RPO-1228", "CHQ-4521", "Chèque",
                   "Total : 3 recettes", "575,00 €", "Recettes encaissées y compris les remboursements de frais",
                   "1 067,00 €", "453,00 €", "475,00 €", "Décembre"):
        assert needle.replace("\u202f", " ") in text.replace("\u202f", " "), needle
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and "Helvetica" not in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
