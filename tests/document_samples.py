"""Fictitious invoices for the tests, the benchmark and the screenshots (no real person): never shipped."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cocon_desktop.documents.invoice_data import (
    InvoiceData,
    InvoiceLine,
    InvoiceReference,
    PaymentTerms,
    PostalAddress,
    buyer_for_network,
    discipline_label,
    seller_from_profile,
)
from cocon_desktop.domain.practice import PracticeProfile

SAMPLE_PROFILE = PracticeProfile(
    name="Camille Martin", trade_name="Cabinet de psychomotricité du Vieux-Port", profession="psychomotricien",
    rpps="10001234565", siret="91234567500017", address="12 rue de la République", postcode="13002",
    city="Marseille", phone="04 91 00 00 00", email="cabinet.demo@example.org",
    iban="FR8930001000640000000000000", bic="BDFEFRPP", network="RPM",
)
# A made-up address: the network's real one is a setting of the practice.
SAMPLE_NETWORK_ADDRESS = PostalAddress("1 rue de l'Exemple", "13000", "Marseille", line_two="Service facturation COCON")
_KINDS = (("Séance", Decimal("40.00")), ("Séance", Decimal("40.00")), ("Bilan initial", Decimal("140.00")))
_CHILDREN = (("RPM-2024-00123", "L. B."), ("RPM-2025-00456", "E. M."), ("RPM-2025-00789", "J.-P. R."))


def sample_invoice(line_count: int = 3, number: str = "FAC-2026-0001", issue_date: date = date(2026, 11, 30),
                   profile: PracticeProfile = SAMPLE_PROFILE) -> InvoiceData:
    """An invoice for November 2026 (or longer when `line_count` needs more days) to the practice's network."""
    start = date(2026, 11, 1)
    lines = []
    for i in range(line_count):
        inclusion, initials = _CHILDREN[i % len(_CHILDREN)]
        kind, amount = _KINDS[i % len(_KINDS)] if i < len(_KINDS) else ("Séance", Decimal("40.00"))
        lines.append(InvoiceLine(service_date=start + timedelta(days=i % 29), inclusion_number=inclusion,
                                 initials=initials, discipline=discipline_label(profile.profession), kind=kind,
                                 amount=amount))
    return InvoiceData(
        number=number, kind="invoice", issue_date=issue_date, period_start=start, period_end=date(2026, 11, 30),
        seller=seller_from_profile(profile), buyer=buyer_for_network(profile.network, SAMPLE_NETWORK_ADDRESS),
        lines=tuple(sorted(lines, key=lambda line: line.service_date)),
        payment=PaymentTerms(days=30, due_date=issue_date + timedelta(days=30)),
    )


def sample_credit_note(corrected: InvoiceData | None = None, number: str = "AV-2026-0001",
                       issue_date: date = date(2026, 12, 7)) -> InvoiceData:
    """A credit note cancelling the first line of `corrected` (a séance billed twice)."""
    invoice = corrected or sample_invoice()
    return InvoiceData(
        number=number, kind="credit_note", issue_date=issue_date, period_start=invoice.period_start,
        period_end=invoice.period_end, seller=invoice.seller, buyer=invoice.buyer, lines=invoice.lines[:1],
        payment=PaymentTerms(days=30, due_date=issue_date + timedelta(days=30)),
        corrects=InvoiceReference(invoice.number, invoice.issue_date),
        reason="séance facturée deux fois.",
    )
