"""Payments and the derived states: émise, envoyée, partiellement payée, payée, rejetée, annulée."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cocon_desktop.errors import ValidationError
from cocon_desktop.services import invoicing, payments
from cocon_desktop.services.practice_handle import Practice
from tests.db.invoice_helpers import OCTOBER, TODAY, fill, plain_render


def _state(practice: Practice, number: str) -> payments.InvoiceStatus:
    return next(s for s in payments.statuses(practice.sessions) if s.number == number)


def test_states_follow_events_payments_and_credit_notes(practice: Practice) -> None:
    fill(practice)
    docs = invoicing.issue_run(practice.sessions, "RPO", *OCTOBER, TODAY, plain_render)
    first, second, third = (d.number for d in docs)
    assert _state(practice, first).state == "emise" and _state(practice, first).total == Decimal("257.00")
    payments.record_event(practice.sessions, [docs[0].id, docs[1].id], "sent")
    assert _state(practice, first).state == "envoyee"
    payments.record_payment(practice.sessions, first, TODAY, Decimal("100.00"), TODAY, "VIR-1")
    assert _state(practice, first).state == "partiellement_payee"
    done = payments.record_payment(practice.sessions, first, TODAY, Decimal("157.00"), TODAY)
    assert done.state == "payee" and done.remaining == 0
    payments.record_event(practice.sessions, [docs[1].id], "rejected", "Numéro d'inclusion inconnu")
    assert _state(practice, second).state == "rejetee"
    invoicing.credit_note(practice.sessions, third, None, TODAY, plain_render)
    assert _state(practice, third).state == "annulee"
    assert [s.number for s in payments.unpaid(practice.sessions, TODAY)] == [second]
    assert payments.unpaid(practice.sessions, TODAY)[0].days_overdue(date(2027, 1, 1)) == 9  # due 23/12/2026


def test_bad_payments_are_refused_at_their_field(practice: Practice) -> None:
    fill(practice)
    number = invoicing.issue_run(practice.sessions, "RPO", *OCTOBER, TODAY, plain_render)[0].number
    with pytest.raises(ValidationError) as caught:
        payments.record_payment(practice.sessions, number, date(2027, 1, 1), Decimal("-5"), TODAY)
    assert {(e.field, e.code) for e in caught.value.errors} == {("amount", "amount_invalid"),
                                                                ("day", "date_in_future")}
    with pytest.raises(ValidationError) as caught:
        payments.record_payment(practice.sessions, number, TODAY, Decimal("300.00"), TODAY)
    assert caught.value.errors[0].code == "payment_exceeds_due"
    assert _state(practice, number).paid == 0


def test_pages_in_sql_give_the_same_documents_states_and_totals(practice: Practice) -> None:
    """The lists of the window read pages (LIMIT/OFFSET, state and sums in SQL): page by page they give what
    statuses() gives, a state filter gives exactly the documents in that state, the unpaid total is the sum."""
    fill(practice)
    docs = invoicing.issue_run(practice.sessions, "RPO", *OCTOBER, TODAY, plain_render)
    payments.record_event(practice.sessions, [docs[1].id], "rejected", "refus")
    payments.record_payment(practice.sessions, docs[0].number, TODAY, Decimal("100.00"), TODAY)
    invoicing.credit_note(practice.sessions, docs[2].number, None, TODAY, plain_render)
    everything = payments.statuses(practice.sessions)
    assert [s.state for s in everything] == ["emise", "annulee", "rejetee", "partiellement_payee"]  # newest first
    every = payments.Listing()
    paged = [s for offset in (0, 2, 4) for s in payments.status_page(practice.sessions, every, offset, 2)]
    assert paged == everything and len(paged) == 4  # the credit note too
    for state in ("rejetee", "annulee", "payee"):
        assert payments.status_page(practice.sessions, payments.Listing(state=state), 0, 10) == [
            s for s in everything if s.state == state]
    owing = payments.status_page(practice.sessions, payments.UNPAID, 0, 10)
    assert [s.number for s in owing] == [docs[0].number, docs[1].number] == [
        s.number for s in payments.unpaid(practice.sessions, TODAY)]
    assert payments.owing_summary(practice.sessions) == (2, sum((s.remaining for s in owing), Decimal("0.00")))
    assert payments.status_of(practice.sessions, docs[0].number.lower()) == everything[3]
    assert payments.status_of(practice.sessions, "FAC-1999-0001") is None
