"""The network's decision on each document (issue 21, #5 and #6), through a real sync run against a real HTTP
server on 127.0.0.1 and a real encrypted practice with real signed invoices: an invoice the network rejects reads
« Rejetée » with its reason and is to be corrected (a credit note, then a corrected invoice, both in the next
batch); an invoice it pays reads « Payée » on the day of the answer; the same answer twice changes nothing; a
rejected invoice stays rejected; a batch whose every invoice is settled becomes « Payé »."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from cocon_desktop.models import InvoiceEvent, Payment
from cocon_desktop.services import batches, dashboard_actions, invoice_documents, payments
from cocon_desktop.services.invoicing import IssuedDocument
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.sync_run import SyncReport, sync_now
from tests.db.batch_helpers import NOW, october_batch_sent_to
from tests.db.invoice_helpers import OCTOBER, TODAY
from tests.hostile_receiver import Answer, _Server, hostile_receiver, url
from tests.sync_samples import TOKEN

REASON = "Enfant RPO-2025-0001 hors de ses dates d'inclusion le 01/10/2026"


@pytest.fixture
def hostile() -> Iterator[_Server]:
    with hostile_receiver() as server:
        yield server


@pytest.fixture
def invoices(practice: Practice, hostile: _Server) -> list[IssuedDocument]:
    issued = october_batch_sent_to(practice, url(hostile), TOKEN)
    return issued


def answer(status: int, batch_status: str, documents: list[dict[str, str]]) -> Answer:
    body: dict[str, Any] = {"receipt_id": "r-1", "received_at": NOW.isoformat(), "status": batch_status,
                            "documents": documents}
    return Answer(status, json.dumps(body).encode())


def run(practice: Practice, days: int = 0) -> SyncReport:
    return sync_now(practice, now=lambda: NOW + timedelta(days=days), timeout=10)


def state(practice: Practice, number: str) -> payments.InvoiceStatus:
    status = payments.status_of(practice.sessions, number)
    assert status is not None
    return status


def footprint(practice: Practice) -> tuple[int, int]:
    with practice.sessions() as session:
        return (session.scalar(select(func.count()).select_from(InvoiceEvent)) or 0,
                session.scalar(select(func.count()).select_from(Payment)) or 0)


def test_a_rejected_invoice_is_corrected_by_a_credit_note_and_a_new_invoice(practice: Practice, hostile: _Server,
                                                                          invoices: list[IssuedDocument]) -> None:
    first, second, third = (d.number for d in invoices)
    hostile.answer = answer(201, "recu", [{"number": first, "status": "rejete", "reason": REASON},
                                          {"number": second, "status": "paye"},
                                          {"number": third, "status": "accepte"}])
    report = run(practice)
    assert (report.received, report.refused_documents, report.paid_documents) == (1, 1, 1)
    rejected = state(practice, first)
    assert (rejected.state, rejected.reason, rejected.refused) == ("rejetee", REASON, True)
    paid = state(practice, second)
    assert (paid.state, paid.paid_on, paid.remaining) == ("payee", NOW.date(), 0)
    assert state(practice, third).state == "acceptee"
    (batch,) = batches.list_batches(practice.sessions)
    assert batch.state == "recu"  # its other documents were received: the batch is not rejected
    assert batches.pending_documents(practice.sessions, "RPO") == []  # the rejected invoice is not sent again as is
    lines = [item for item in dashboard_actions.action_items(practice.sessions, TODAY)
             if item.kind == "invoice_refused"]
    assert [(item.number, item.target) for item in lines] == [(first, "documents")]
    assert REASON in lines[0].text and "avoir" in lines[0].text

    # the same answer again, at the next sync (the status of a received batch): nothing changes
    before = footprint(practice)
    hostile.answer = answer(200, "recu", [{"number": first, "status": "rejete", "reason": REASON},
                                          {"number": second, "status": "paye"},
                                          {"number": third, "status": "accepte"}])
    again = run(practice, 1)
    assert (again.refused_documents, again.paid_documents) == (0, 0) and footprint(practice) == before
    # a later answer that pays the rejected invoice: rejete stays (an issued invoice is corrected, not unrejected)
    hostile.answer = answer(200, "recu", [{"number": first, "status": "paye"}])
    run(practice, 2)
    assert state(practice, first).state == "rejetee" and footprint(practice) == before

    # the way out: a credit note cancels it, its séances are billable again, a corrected invoice is issued
    credit = invoice_documents.issue_credit_note(practice, first, None, TODAY)
    assert state(practice, first).state == "annulee"
    corrected = invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY)
    assert len(corrected) == 1
    assert [item for item in dashboard_actions.action_items(practice.sessions, TODAY)
            if item.kind == "invoice_refused"] == []
    pending = {d.number for d in batches.pending_documents(practice.sessions, "RPO")}
    assert pending == {credit.number, corrected[0].number}
    next_batch = batches.close_batch(practice, "RPO", NOW + timedelta(days=3))
    assert next_batch.documents == 2
    # the network rejects the credit note too: shown in its batch, but no line asks for a credit note on it
    hostile.answer = answer(201, "recu", [{"number": credit.number, "status": "rejete", "reason": "x"}])
    assert run(practice, 3).refused_documents == 1
    assert batches.get_batch(practice.sessions, next_batch.id).refused == ((credit.number, "x"),)
    assert [item for item in dashboard_actions.action_items(practice.sessions, TODAY)
            if item.kind == "invoice_refused"] == []

    # the network pays the third invoice: every invoice of the first batch is settled (paid, or cancelled)
    hostile.answer = answer(200, "recu", [{"number": third, "status": "paye"}])
    run(practice, 4)
    first_batch = batches.get_batch(practice.sessions, batch.id)
    assert first_batch.state == "paye"
    assert state(practice, third).paid_on == (NOW + timedelta(days=4)).date()


def test_decisions_touch_only_the_documents_of_the_answered_batch(practice: Practice, hostile: _Server,
                                                                  invoices: list[IssuedDocument]) -> None:
    """A hostile network naming documents it did not receive in this batch (or none of the practice's) changes
    nothing: only the batch's own documents are decided on."""
    hostile.answer = answer(201, "recu", [{"number": "FAC-2026-9999", "status": "paye"},
                                          {"number": "AUTRE-1", "status": "rejete", "reason": "x"}])
    report = run(practice)
    assert (report.received, report.refused_documents, report.paid_documents) == (1, 0, 0)
    assert {state(practice, d.number).state for d in invoices} == {"envoyee"}


def test_a_malformed_decision_keeps_the_batch_waiting(practice: Practice, hostile: _Server,
                                                      invoices: list[IssuedDocument]) -> None:
    hostile.answer = answer(201, "recu", [{"number": invoices[0].number, "status": "payée"}])
    report = run(practice)
    assert report.received == 0 and report.failed == 1
    assert "accusé de réception illisible" in report.errors[0]
    assert footprint(practice)[1] == 0


def test_an_invoice_paid_by_hand_then_rejected_reads_paid_and_asks_nothing(practice: Practice, hostile: _Server,
                                                                          invoices: list[IssuedDocument]) -> None:
    """The list, the unpaid total and the dashboard agree: a settled invoice is « Payée », no line asks to correct
    it (the state is derived in that order: cancelled, paid, then rejected)."""
    first = invoices[0]
    payments.record_payment(practice.sessions, first.number, TODAY, first.total, TODAY, "VIR-1")
    hostile.answer = answer(201, "recu", [{"number": first.number, "status": "rejete", "reason": REASON}])
    assert run(practice).refused_documents == 1
    assert state(practice, first.number).state == "payee"
    assert not [item for item in dashboard_actions.action_items(practice.sessions, TODAY)
                if item.kind == "invoice_refused"]
