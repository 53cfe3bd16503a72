"""`cocon demo --size large`: the counts asked, and invoices consistent with what `cocon verify` checks — chain,
hashes, gap-free numbering, totals, anchor — with real signatures on the month issued by the real invoice run
and, by design, none on the archived months (docs/performance.md)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cocon_desktop.documents.signing import validate
from cocon_desktop.models import Child, Invoice, Seance
from cocon_desktop.services.demo_large import create_large_demo
from cocon_desktop.services.demo_large_invoices import months_back
from cocon_desktop.services.invoice_documents import verify_practice
from cocon_desktop.services.invoice_drafts import preview
from cocon_desktop.services.invoice_verify import verify
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.signing_identities import active_identity

pytestmark = pytest.mark.slow  # the large demo (2,000 children, 100,000 séances), ~13 s to build

TODAY = date(2026, 11, 16)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    practice = create_large_demo(tmp_path_factory.mktemp("large") / "cabinet", TODAY, signed_months=1)
    yield practice
    practice.close()


def test_the_sizes_asked(large: Practice) -> None:
    with large.sessions() as session:
        assert session.scalar(select(func.count(Child.id))) == 2_000
        assert session.scalar(select(func.count(Seance.id))) == 100_000
        invoices = session.scalar(select(func.count(Invoice.id))) or 0
        years = session.scalars(select(Invoice.year).distinct()).all()
    assert 11_500 <= invoices <= 12_500
    assert min(years) == TODAY.year - 10 and max(years) == TODAY.year


def test_chain_numbering_totals_and_anchor_hold(large: Practice) -> None:
    report = verify(large.sessions, large.data_dir, large.key.data_key)  # everything but the signatures
    assert report.ok and report.checked > 11_500


def test_archived_invoices_are_unsigned_and_say_so(large: Practice, tmp_path: Path) -> None:
    report = verify_practice(large)
    assert report.code == "signature_invalid" and report.data == {"number": f"FAC-{TODAY.year - 10}-0001"}
    with large.sessions() as session:
        pdf = session.scalar(select(Invoice.pdf).order_by(Invoice.id).limit(1))
    assert pdf is not None
    (tmp_path / "a.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert f"Facture FAC-{TODAY.year - 10}-0001" in text and "NON SIGNÉ" in text


def test_the_recent_month_went_through_the_real_run_and_is_signed(large: Practice) -> None:
    first, last = months_back(TODAY, 2)
    with large.sessions() as session:
        pdfs = session.scalars(select(Invoice.pdf).where(Invoice.period_start == first)).all()
    assert len(pdfs) > 50
    certificate = active_identity(large.sessions).certificate_pem
    assert all(validate(bytes(pdf), certificate).ok for pdf in pdfs[:3] + pdfs[-3:])
    assert preview(large.sessions, "RPM", *months_back(TODAY, 1))  # the previous month stays to invoice
    assert not preview(large.sessions, "RPM", first, last)
