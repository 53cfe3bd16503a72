"""Invoices of the demo practice: the networks' (fictitious) addresses, every month before the previous one
invoiced and signed, some payments recorded — and the previous month left to invoice, for a newcomer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cocon_desktop.services import payments
from cocon_desktop.services.invoice_documents import NetworkAddress, issue_period, set_network_address
from cocon_desktop.services.practice_file import PracticeFile

DEMO_ADDRESSES = {
    "RPM": NetworkAddress("1 place fictive de la Démonstration", "13005", "Marseille"),
    "RPO": NetworkAddress("2 allée fictive de la Démonstration", "31000", "Toulouse"),
    "RPNA": NetworkAddress("3 cours fictif de la Démonstration", "33000", "Bordeaux"),
}
MONTHS = 1  # invoiced months, before the previous month (which stays to invoice)


def _month(first_of_this_month: date, back: int) -> tuple[date, date]:
    last = first_of_this_month - timedelta(days=1)
    for _ in range(back - 1):
        last = last.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def add_demo_invoices(practice: PracticeFile, today: date) -> int:
    for code, address in DEMO_ADDRESSES.items():
        set_network_address(practice.sessions, code, address)
    issued = []
    for back in range(MONTHS + 1, 1, -1):  # oldest first, so that numbers follow the dates
        first, last = _month(today.replace(day=1), back)
        issue_day = min(today, last + timedelta(days=3))
        for network in DEMO_ADDRESSES:
            issued += issue_period(practice, network, first, last, issue_day)
    for index, document in enumerate(issued):
        if index % 3 == 0:  # a third paid, one part-paid: the unpaid list has content of both kinds
            payments.record_payment(practice.sessions, document.number, today, document.total, today, f"VIR-{index}")
        elif index == 1:
            payments.record_payment(practice.sessions, document.number, today,
                                    (document.total / 2).quantize(Decimal("0.01")), today, "VIR-PARTIEL")
    return len(issued)
