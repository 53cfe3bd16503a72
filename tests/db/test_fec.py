"""The FEC (LPF art. A.47 A-1) of the fixed data set (tests/db/report_helpers.py), read back by a reader written from
the text (tests/db/fec_reader.py): the name, fields, separator, encoding, dates, amounts, continuous numbers and
balanced entries; the figures against those computed by hand; the chart the practice edits (issue 20, #1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from cocon_desktop.domain import fec
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.models import Practice as PracticeRow
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import practice_handle
from cocon_desktop.services.fec_export import fec_file, load_chart, save_chart
from cocon_desktop.services.practice_handle import Practice
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.fec_reader import CASH_BASIS, GENERAL, amount, read_fec
from tests.db.report_helpers import build_fixed_practice


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    opened = practice_handle.create_practice(tmp_path_factory.mktemp("fec") / "cabinet", STRONG_PASSPHRASE,
                                           PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    build_fixed_practice(opened)
    yield opened
    opened.close()


def _sums(records: list[dict[str, str]], account: str) -> tuple[Decimal, Decimal]:
    lines = [r for r in records if r["CompteNum"] == account]
    return (sum((amount(r["Debit"]) for r in lines), Decimal(0)),
            sum((amount(r["Credit"]) for r in lines), Decimal(0)))


def test_cash_basis_fec_lists_the_receipts_of_the_year_by_the_rules_of_a47_a1(fixed: Practice) -> None:
    built = fixed.read(fec_file, 2026)
    assert built.name == "912345675FEC20261231.txt"
    read = read_fec(built.name, built.data, date(2026, 1, 1))
    assert read.separator == "\t" and read.fields == CASH_BASIS and read.siren == PROFILE.siret[:9]
    # 10/12 257.00, 15/12 100.00, 28/12 218.00 (the January payments belong to 2027)
    assert (built.entries, built.receipts) == (3, Decimal("575.00"))
    assert sorted(read.entries()) == [1, 2, 3]
    assert _sums(read.records, "512") == (Decimal("575.00"), Decimal(0))
    assert _sums(read.records, "706") == (Decimal(0), Decimal("575.00"))
    first = read.records[0]
    assert (first["JournalCode"], first["EcritureDate"], first["PieceRef"], first["PieceDate"]) == \
        ("BQ", "20261210", "FAC-2026-0001", "20261105")
    assert (first["DateRglt"], first["ModeRglt"], first["NatOp"], first["IdClient"]) == \
        ("20261210", "Virement", "Prestations de services", "RPO")
    assert first["Debit"] == "257,00" and first["Credit"] == "0,00"
    assert "Réseau Périnatalité Occitanie" in first["EcritureLib"]  # accents written in Latin-9
    assert built.data.endswith(b"\r\n") and "é".encode("iso8859_15") in built.data
    later = read_fec(fixed.read(fec_file, 2027).name, fixed.read(fec_file, 2027).data, date(2027, 1, 1))
    assert _sums(later.records, "512") == (Decimal("196.00"), Decimal(0))  # 157.00 + 39.00


def test_accrual_fec_adds_invoices_and_credit_notes_on_the_networks_auxiliary_accounts(fixed: Practice) -> None:
    chart = fixed.read(load_chart)
    assert (chart.receipts, chart.bank, chart.customers, chart.accrual) == ("706", "512", "411", False)
    fixed.write(save_chart, fec.Chart(receipts="7061", bank="5121", customers="411", accrual=True,
                                      auxiliaries={"RPO": "411RPO", "RPM": "411RPM"}))
    try:
        built = fixed.read(fec_file, 2026)
        read = read_fec(built.name, built.data, date(2026, 1, 1))
        assert read.fields == GENERAL
        # sales: FAC-2026-0001..0004 (4 × 257.00), AV-2026-0001 (39.00), FAC-2026-0005 (39.00); bank: 3 receipts
        assert built.entries == 9 and len(read.entries()) == 9
        assert _sums(read.records, "7061") == (Decimal("39.00"), Decimal("1067.00"))
        assert _sums(read.records, "5121") == (Decimal("575.00"), Decimal(0))
        customers = [r for r in read.records if r["CompteNum"] == "411"]
        assert {r["CompAuxNum"] for r in customers} == {"411RPO", "411RPM"}
        rpo = [r for r in customers if r["CompAuxNum"] == "411RPO"]
        # RPO: invoiced 257 + 257 + 39, credited 39, paid 257 + 218 → owes 39.00 at 31/12
        assert sum(amount(r["Debit"]) - amount(r["Credit"]) for r in rpo) == Decimal("39.00")
        credit_note = next(r for r in read.records if r["PieceRef"] == "AV-2026-0001")
        assert credit_note["JournalCode"] == "VT" and credit_note["EcritureDate"] == "20261120"
    finally:
        fixed.write(save_chart, fec.Chart())


def test_chart_refuses_an_account_that_is_not_3_to_20_letters_or_digits(fixed: Practice) -> None:
    with pytest.raises(ValidationError) as refused:
        fixed.write(save_chart, fec.Chart(receipts="70", bank="51 2"))
    assert [(e.field, e.code) for e in refused.value.errors] == [("receipts", "fec_account_invalid"),
                                                                 ("bank", "fec_account_invalid")]
    assert fixed.read(load_chart).receipts == "706"


def test_field_text_keeps_no_separator_and_only_latin9() -> None:
    assert fec.text("Réseau\tA|B\r\nŒuvre ✓ l’été – Ḿ") == "Réseau A B Œuvre ? l'été - M"
    written = fec.text("a\tb|c\nd ✓")
    assert "\t" not in written and "|" not in written and "\n" not in written
    written.encode("iso8859_15")


def test_no_fec_without_the_siren_its_name_is_made_of(fixed: Practice) -> None:
    with fixed.sessions.begin() as session:
        row = session.get(PracticeRow, 1)
        assert row is not None
        row.siret = ""
    try:
        with pytest.raises(CoconError) as refused:
            fixed.read(fec_file, 2026)
        assert refused.value.code == "fec_siren_missing"
    finally:
        with fixed.sessions.begin() as session:
            row = session.get(PracticeRow, 1)
            assert row is not None
            row.siret = PROFILE.siret
