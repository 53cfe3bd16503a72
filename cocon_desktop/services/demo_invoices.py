"""Invoices of the demo practice: the networks' (fictitious) addresses, every month of séances before the previous
one invoiced and signed, some payments recorded — and the previous month left to invoice, for a newcomer.

The RPM invoices are in batches already closed and received by the network, one a month (the Synchronisation page
has a history); the other networks' invoices are left outside any batch, so that a newcomer can close one, export
it and send it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from cocon_desktop.domain.money import CENT
from cocon_desktop.services import outbox, payments
from cocon_desktop.services.batches import close_batch, pending_documents
from cocon_desktop.services.demo_seances import PAST_WEEKS
from cocon_desktop.services.invoice_documents import NetworkAddress, issue_period, set_network_address
from cocon_desktop.services.practice_handle import Practice

DEMO_ADDRESSES = {
    "RPM": NetworkAddress("1 place fictive de la Démonstration", "13005", "Marseille"),
    "RPO": NetworkAddress("2 allée fictive de la Démonstration", "31000", "Toulouse"),
    "RPNA": NetworkAddress("3 cours fictif de la Démonstration", "33000", "Bordeaux"),
}
BATCHED_NETWORK = "RPM"  # its invoices are in a received batch; the others wait outside any batch


def _month(first_of_this_month: date, back: int) -> tuple[date, date]:
    last = first_of_this_month - timedelta(days=1)
    for _ in range(back - 1):
        last = last.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def invoiced_months(today: date) -> list[tuple[date, date]]:
    """Every month of the demo's séances (they start PAST_WEEKS before today) before the previous one, oldest
    first: the previous month stays to invoice, and no older séance is left behind."""
    earliest = today - timedelta(weeks=PAST_WEEKS)
    months = []
    back = 2
    while (month := _month(today.replace(day=1), back))[1] >= earliest:
        months.append(month)
        back += 1
    return months[::-1]


def add_demo_invoices(practice: Practice, today: date, payers: tuple[str, ...] = ()) -> int:
    """`payers`: the plateformes (PCO1) whose milestones are invoiced too, month by month after the networks'."""
    for code, address in DEMO_ADDRESSES.items():
        set_network_address(practice.sessions, code, address)
    issued = []
    for first, last in invoiced_months(today):  # oldest first, so that numbers follow the dates
        issue_day = min(today, last + timedelta(days=3))
        for network in (*DEMO_ADDRESSES, *payers):
            issued += issue_period(practice, network, first, last, issue_day)
        _received_batch(practice, issue_day + timedelta(days=1))
    for index, document in enumerate(issued):
        if index % 3 == 0:  # a third paid, one part-paid: the unpaid list has content of both kinds
            payments.record_payment(practice.sessions, document.number, today, document.total, today, f"VIR-{index}")
        elif index == 1:
            payments.record_payment(practice.sessions, document.number, today,
                                    (document.total / 2).quantize(CENT), today, "VIR-PARTIEL")
    return len(issued)


def _received_batch(practice: Practice, day: date) -> None:
    """The RPM invoices, closed into a batch the day after they were issued and received by the network."""
    if not pending_documents(practice.sessions, BATCHED_NETWORK):
        return
    closed_at = datetime.combine(day, time(10, 0), tzinfo=UTC)
    batch = close_batch(practice, BATCHED_NETWORK, closed_at)
    received = closed_at + timedelta(minutes=2)
    outbox.mark_attempt(practice.sessions, batch.id, received)
    outbox.record_receipt(practice.sessions, batch.id, f"DEMO-{batch.batch_id[:8].upper()}", received, received)
