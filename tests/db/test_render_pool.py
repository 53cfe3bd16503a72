"""An invoice run rendered on every core (issue 20, #7): the PDFs come back in the run's order, each signed and
carrying its own number, the numbering stays gap-free, and a run stopped halfway leaves no worker behind."""

from __future__ import annotations

import multiprocessing

import facturx
import pytest

from cocon_desktop.documents import render_pool
from cocon_desktop.documents.facturx import read_summary
from cocon_desktop.documents.signing import validate
from cocon_desktop.security.certificate import create_self_signed
from cocon_desktop.services import invoice_documents, invoicing
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.signing_identities import active_identity
from tests.db.invoice_helpers import OCTOBER, TODAY, fill
from tests.document_samples import sample_invoice


def _number(pdf: bytes) -> str:
    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    return read_summary(xml).number


@pytest.fixture(scope="module")
def identity() -> tuple[bytes, bytes]:
    return create_self_signed("Camille Martin EI", "Cabinet de démonstration", "91234567500017")


def test_a_large_run_goes_to_worker_processes_and_comes_back_in_order(identity: tuple[bytes, bytes],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_pool, "worker_count", lambda invoices: 2)  # a 1-core CI machine pools too
    invoices = [sample_invoice(1 + i % 7, number=f"FAC-2026-{i + 1:04d}") for i in range(render_pool.POOL_MINIMUM)]
    pdfs = list(render_pool.render_signed_many(invoices, *identity))
    assert [_number(pdf) for pdf in pdfs] == [data.number for data in invoices]
    cert = identity[0]
    assert all(validate(pdf, cert).intact for pdf in (pdfs[0], pdfs[-1]))
    assert multiprocessing.active_children() == []


def test_small_runs_and_one_core_render_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert render_pool.worker_count(render_pool.POOL_MINIMUM - 1) == 0
    monkeypatch.setattr(render_pool.os, "sched_getaffinity", lambda pid: {0})
    assert render_pool.worker_count(200) == 0


def test_a_run_stopped_halfway_stops_its_workers(identity: tuple[bytes, bytes],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_pool, "worker_count", lambda invoices: 2)
    invoices = [sample_invoice(2, number=f"FAC-2026-{i + 1:04d}") for i in range(40)]
    stream = render_pool.render_signed_many(invoices, *identity)
    assert _number(next(stream)) == "FAC-2026-0001"
    stream.close()  # what a cancelled run or an error while storing does
    assert multiprocessing.active_children() == []


def test_an_invoice_run_on_the_pool_stays_numbered_in_order_and_signed(practice: Practice,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_pool, "worker_count", lambda invoices: 2)
    used: list[int] = []
    real = render_pool.render_signed_many
    monkeypatch.setattr(render_pool, "render_signed_many",
                        lambda invoices, *key: used.append(len(invoices)) or real(invoices, *key))
    fill(practice, per_network=render_pool.POOL_MINIMUM + 1)
    invoice_documents.set_network_address(practice.sessions, "RPO",
                                          NetworkAddress("1 rue Fictive", "31000", "Toulouse"))
    issued = invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY)
    assert used == [render_pool.POOL_MINIMUM + 1]  # the whole run went to the pool
    assert [d.number for d in issued] == [f"FAC-2026-{n:04d}" for n in range(1, len(issued) + 1)]
    cert = active_identity(practice.sessions).certificate_pem
    for document in issued:
        pdf = invoicing.document_pdf(practice.sessions, document.number)
        assert _number(pdf) == document.number
        assert validate(pdf, cert).intact
    assert invoice_documents.verify_practice(practice).ok


def test_a_cancelled_run_on_the_pool_issues_nothing_and_stops_its_workers(practice: Practice,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_pool, "worker_count", lambda invoices: 2)
    fill(practice, per_network=render_pool.POOL_MINIMUM + 1)
    invoice_documents.set_network_address(practice.sessions, "RPO",
                                          NetworkAddress("1 rue Fictive", "31000", "Toulouse"))
    with pytest.raises(invoicing.RunCancelled):
        invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY,
                                       progress=lambda done, total: done < 3)
    assert multiprocessing.active_children() == []  # checked while the traceback still holds the run's frame
    assert invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY)[0].number == "FAC-2026-0001"
