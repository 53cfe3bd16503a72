"""From an issuing request to the signed PDF/A-3 with its Factur-X XML: the bridge to documents/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.documents.invoice_data import (
    InvoiceData,
    InvoiceLine,
    InvoiceReference,
    PaymentTerms,
    PostalAddress,
    buyer_for_network,
    seller_from_profile,
)
from cocon_desktop.domain.disciplines import short_label
from cocon_desktop.domain.money import CENT
from cocon_desktop.domain.seance import KINDS
from cocon_desktop.errors import CoconError
from cocon_desktop.services import invoicing, settings_store
from cocon_desktop.services.changes import HANDLE, Changes, writes
from cocon_desktop.services.invoice_verify import VerifyReport, verify, write_anchor
from cocon_desktop.services.invoicing import IssuedDocument, Render, RenderRequest
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.progress import Progress
from cocon_desktop.services.signing_identities import active_identity, all_certificates


@dataclass(frozen=True)
class NetworkAddress:
    street: str
    postcode: str
    city: str

    @classmethod
    def parse(cls, text: str) -> NetworkAddress | None:
        """Stored as "street|postcode|city"."""
        parts = text.split("|")
        return cls(*parts) if len(parts) == 3 and all(p.strip() for p in parts) else None

    def stored(self) -> str:
        return f"{self.street.strip()}|{self.postcode.strip()}|{self.city.strip()}"


def network_address(sessions: sessionmaker[Session], network: str) -> NetworkAddress:
    address = NetworkAddress.parse(str(settings_store.get(sessions, settings.network_address(network))))
    if address is None:
        raise CoconError("network_address_missing", network=network)
    return address


@writes(Changes.PROFILE)  # the practice's invoicing address of a network
def set_network_address(sessions: sessionmaker[Session], network: str, address: NetworkAddress) -> None:
    settings_store.put(sessions, settings.network_address(network), address.stored())


def to_invoice_data(request: RenderRequest, address: NetworkAddress, term_days: int) -> InvoiceData:
    lines = tuple(InvoiceLine(service_date=line.day, inclusion_number=line.inclusion_number, initials=line.initials,
                              discipline=short_label(line.discipline),
                              kind=KINDS.get(line.kind, line.kind), amount=line.amount.quantize(CENT))
                  for line in request.lines)
    return InvoiceData(
        number=request.number, kind="credit_note" if request.kind == "credit_note" else "invoice",
        issue_date=request.issue_date, period_start=request.period_start, period_end=request.period_end,
        seller=seller_from_profile(request.practice),
        buyer=buyer_for_network(request.network, PostalAddress(address.street, address.postcode, address.city)),
        lines=lines, payment=PaymentTerms(days=term_days, due_date=request.due_date),
        corrects=InvoiceReference(*request.corrects) if request.corrects else None,
        reason="Annulation de lignes facturées" if request.kind == "credit_note" else "",
    )


def renderer(sessions: sessionmaker[Session], network: str, pin: str | None = None) -> Render:
    """The render function for issuing in `network`: reads the address, terms and identity once.

    An identity on a PKCS#11 token signs through the token and needs its `pin` (asked at each run, never
    stored): CoconError "pkcs11_pin_required" without it; the token is opened once here, so that a missing
    card or a wrong PIN stops the run before any number is taken."""
    # the rendering and signing stack (reportlab, factur-x, pyHanko: ~1 s to import) only when an invoice is made
    from cocon_desktop.documents.signing import render_signed_invoice
    from cocon_desktop.documents.signing_pkcs11 import read_certificate, render_signed_invoice_pkcs11

    address = network_address(sessions, network)
    term_days = invoicing.payment_term_days(sessions)
    identity = active_identity(sessions)
    if identity.token is not None:
        token = identity.token
        # pkcs11_pin_required, pkcs11_wrong_pin, pkcs11_unavailable; a renewed card needs `use_token` again,
        # or `verify` (against the stored certificates) would no longer recognise its signatures
        if read_certificate(token, pin) != identity.certificate_pem:
            raise CoconError("pkcs11_certificate_changed")

        def render_on_token(request: RenderRequest) -> bytes:
            return render_signed_invoice_pkcs11(to_invoice_data(request, address, term_days), token, pin)

        return render_on_token
    if identity.private_key_der is None:
        raise CoconError("signing_key_unavailable")
    key = identity.private_key_der

    def render(request: RenderRequest) -> bytes:
        return render_signed_invoice(to_invoice_data(request, address, term_days), identity.certificate_pem, key)

    return render


@writes(Changes.INVOICES | Changes.SEANCES, takes=HANDLE)  # the séances become invoiced
def issue_period(practice: Practice, network: str, first: date, last: date, issue_date: date,
                 progress: Progress | None = None, pin: str | None = None) -> list[IssuedDocument]:
    """The invoice run for a network and a period: rendered, embedded, signed, numbered, stored, anchored.

    `pin`: the token's PIN when the practice signs with a PKCS#11 token (see `renderer`)."""
    render = renderer(practice.sessions, network, pin)
    issued = invoicing.issue_run(practice.sessions, network, first, last, issue_date, render, progress)
    write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    return issued


@writes(Changes.INVOICES | Changes.SEANCES, takes=HANDLE)  # the lines' séances become billable again
def issue_credit_note(practice: Practice, number: str, line_numbers: list[int] | None, issue_date: date,
                      pin: str | None = None) -> IssuedDocument:
    network = invoicing.document_network(practice.sessions, number)
    document = invoicing.credit_note(practice.sessions, number, line_numbers, issue_date,
                                     renderer(practice.sessions, network, pin))
    write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    return document


def verify_practice(practice: Practice) -> VerifyReport:
    """Chain, hashes, numbering, anchor and every signature, against the practice's certificates."""
    from cocon_desktop.documents.signing import validate  # pyHanko: imported when verifying only

    identities = all_certificates(practice.sessions)

    def signature_ok(pdf: bytes) -> bool:
        for certificate in identities:
            check = validate(pdf, certificate)
            if check.intact and check.valid and check.covers_whole_file:
                return True
        return False

    return verify(practice.sessions, practice.data_dir, practice.key.data_key, signature_ok)
