"""A PCO's payment in the practice's books (issue 22): the livre-journal names the plateforme (not its code PCO1),
and the FEC in accrual entries files it under its own auxiliary account (its code)
with its name — read back by the reader written from the text (tests/db/fec_reader.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import invoice_documents, payments
from cocon_desktop.services.fec_export import fec_file, load_chart, save_chart
from cocon_desktop.services.journal import receipts_journal
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from tests.db.fec_reader import read_fec
from tests.pco_samples import GIRONDE, practice_beside_a_pco, record, rpm_child

TODAY = date(2026, 11, 23)
NAME = GIRONDE.name


@pytest.fixture
def paid(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    """A PCO bilan invoiced on 2 November (140 €) and paid on the 20th."""
    with practice_beside_a_pco(data_dir, recovery, replace(GIRONDE, siret="35600000000048")) as practice:
        child_id = rpm_child(practice, TODAY)
        practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20), reference="PCO33-2026-0042"))
        record(practice, child_id, date(2026, 10, 21), "bilan_initial")
        [issued] = practice.write(invoice_documents.issue_period, "PCO1", date(2026, 10, 1), date(2026, 10, 31),
                                  date(2026, 11, 2)).value
        payments.record_payment(practice.sessions, issued.number, date(2026, 11, 20), Decimal("140.00"), TODAY,
                                "VIR-PCO-17")
        yield practice


def test_the_journal_names_the_plateforme(paid: Practice) -> None:
    [entry] = receipts_journal(paid.sessions, 2026)
    assert (entry.payer, entry.amount, entry.reference) == (NAME, Decimal("140.00"), "VIR-PCO-17")


def test_the_fec_files_the_pco_under_its_own_auxiliary_account(paid: Practice) -> None:
    save_chart(paid.sessions, replace(load_chart(paid.sessions), accrual=True))
    built = fec_file(paid.sessions, 2026)
    read = read_fec(built.name, built.data, date(2026, 1, 1))
    customers = [r for r in read.records if r["CompteNum"] == "411"]
    assert {(r["CompAuxNum"], r["CompAuxLib"]) for r in customers} == {("PCO1", NAME)}
    assert any(r["EcritureLib"] == f"Règlement FAC-2026-0001 {NAME} VIR-PCO-17" for r in read.records)
