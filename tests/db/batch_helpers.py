"""A practice with real signed invoices in RPO and RPM (October 2026), ready to be put in batches."""

from __future__ import annotations

from datetime import UTC, datetime

from cocon_desktop.services import invoice_documents
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.invoicing import IssuedDocument
from cocon_desktop.services.practice_handle import Practice
from tests.db.invoice_helpers import OCTOBER, TODAY, fill

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def issue_october(practice: Practice, networks: tuple[str, ...] = ("RPO", "RPM"),
                  pin: str | None = None) -> dict[str, list[IssuedDocument]]:
    """Séances in RPO and RPM, then October invoiced (real render, Factur-X and signature) in `networks`."""
    fill(practice)
    issued = {}
    for code in networks:
        invoice_documents.set_network_address(practice.sessions, code,
                                              NetworkAddress("1 rue Fictive", "31000", "Toulouse"))
        issued[code] = invoice_documents.issue_period(practice, code, *OCTOBER, TODAY, pin=pin)
    return issued


def october_batch_sent_to(practice: Practice, base_url: str, token: str) -> list[IssuedDocument]:
    """RPO's October issued and closed in a batch, the network's address set to `base_url`: ready for a sync."""
    from cocon_desktop.services import batches, network_endpoints

    issued = issue_october(practice, networks=("RPO",))["RPO"]
    batches.close_batch(practice, "RPO", NOW)
    network_endpoints.set_endpoint(practice.sessions, "RPO", base_url, token)
    return issued
