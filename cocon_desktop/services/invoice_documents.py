"""From an issuing request to the signed PDF/A-3 with its Factur-X XML: the bridge to documents/."""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.documents.invoice_data import (
    COCON_WORDS,
    InvoiceData,
    InvoiceLine,
    InvoiceReference,
    PaymentTerms,
    PostalAddress,
    buyer_for_network,
    seller_from_profile,
)
from cocon_desktop.domain import identifiers
from cocon_desktop.domain.disciplines import short_label
from cocon_desktop.domain.money import CENT
from cocon_desktop.domain.seance import KINDS
from cocon_desktop.errors import CoconError, FieldError, ValidationError
from cocon_desktop.services import invoicing, number_witness, settings_store
from cocon_desktop.services.changes import HANDLE, Changes, writes
from cocon_desktop.services.invoice_verify import VerifyReport, verify, write_anchor
from cocon_desktop.services.invoicing import IssuedDocument, Render, RenderMany, RenderRequest
from cocon_desktop.services.payer_buyers import PayerParty, payer_party
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.progress import Progress
from cocon_desktop.services.signing_identities import active_identity, all_certificates


@dataclass(frozen=True)
class NetworkAddress:
    """Where a network receives its invoices (the buyer's address on every invoice) and its SIREN or SIRET, if the
    convention gives it (the buyer's identifier in the Factur-X data)."""

    street: str
    postcode: str
    city: str
    siret: str = ""  # 9 (SIREN) or 14 (SIRET) digits, or ""

    @classmethod
    def parse(cls, text: str) -> NetworkAddress | None:
        """Stored as "street|postcode|city" or "street|postcode|city|siret"."""
        parts = text.split("|")
        if len(parts) not in (3, 4) or not all(p.strip() for p in parts[:3]):
            return None
        return cls(*parts)

    def stored(self) -> str:
        text = f"{self.street.strip()}|{self.postcode.strip()}|{self.city.strip()}"
        return f"{text}|{self.siret}" if self.siret else text


def checked_network_address(address: NetworkAddress) -> NetworkAddress:
    """`address` with its SIREN/SIRET reduced to its digits; ValidationError naming each field at fault: street,
    postcode (5 digits), city required, the SIREN (9 digits) or SIRET (14) checked with python-stdnum."""
    errors = [FieldError(name, "required") for name in ("street", "postcode", "city")
              if not getattr(address, name).strip()]
    if address.postcode.strip() and not re.fullmatch(r"\d{5}", address.postcode.strip()):
        errors.append(FieldError("postcode", "postcode_invalid"))
    number = re.sub(r"[\s.]", "", address.siret)  # "123 456 789 00012" as printed
    if number and not re.fullmatch(r"\d{9}|\d{14}", number):
        errors.append(FieldError("siret", "network_siret_length"))
    elif number and (identifiers.check_siren if len(number) == 9 else identifiers.check_siret)(number):
        errors.append(FieldError("siret", "network_siret_invalid"))
    if errors:
        raise ValidationError(errors)
    return NetworkAddress(address.street.strip(), address.postcode.strip(), address.city.strip(), number)


def stored_network_address(sessions: sessionmaker[Session], network: str) -> NetworkAddress | None:
    """The network's address as stored, None when it is not given yet (Paramètres › Réseaux)."""
    return NetworkAddress.parse(str(settings_store.get(sessions, settings.network_address(network))))


def network_address(sessions: sessionmaker[Session], network: str) -> NetworkAddress:
    address = stored_network_address(sessions, network)
    if address is None:
        raise CoconError("network_address_missing", network=network)
    return address


@writes(Changes.PROFILE)  # the practice's invoicing address of a network
def set_network_address(sessions: sessionmaker[Session], network: str, address: NetworkAddress) -> None:
    """Checked first (ValidationError, see checked_network_address)."""
    settings_store.put(sessions, settings.network_address(network), checked_network_address(address).stored())


def to_invoice_data(request: RenderRequest, address: NetworkAddress | PayerParty, term_days: int) -> InvoiceData:
    """`address`: a COCON network's (its buyer is the network), or a configured payer with its pathway's words."""
    lines = tuple(InvoiceLine(service_date=line.day, inclusion_number=line.inclusion_number, initials=line.initials,
                              discipline=short_label(line.discipline),
                              kind=line.label or KINDS.get(line.kind, line.kind), amount=line.amount.quantize(CENT),
                              milestone=bool(line.label))
                  for line in request.lines)
    if isinstance(address, PayerParty):
        buyer, words = address.buyer, address.words(request.kind)
    else:
        buyer = buyer_for_network(request.network, PostalAddress(address.street, address.postcode, address.city),
                                  siret=address.siret)
        words = COCON_WORDS
    return InvoiceData(
        number=request.number, kind="credit_note" if request.kind == "credit_note" else "invoice",
        issue_date=request.issue_date, period_start=request.period_start, period_end=request.period_end,
        seller=seller_from_profile(request.practice),
        buyer=buyer, lines=lines, payment=PaymentTerms(days=term_days, due_date=request.due_date),
        corrects=InvoiceReference(*request.corrects) if request.corrects else None,
        reason="Annulation de lignes facturées" if request.kind == "credit_note" else "", words=words,
    )


def buyer_address(sessions: sessionmaker[Session], network: str) -> NetworkAddress | PayerParty:
    """Whom an invoice of `network` is made out to: a configured payer (PCO1…) from its row, else the COCON
    network's address setting (CoconError "network_address_missing" when not given)."""
    return payer_party(sessions, network) or network_address(sessions, network)


def renderer(sessions: sessionmaker[Session], network: str, pin: str | None = None) -> Render:
    """The render function for issuing in `network`: reads the address, terms and identity once.

    An identity on a PKCS#11 token signs through the token and needs its `pin` (asked at each run, never
    stored): CoconError "pkcs11_pin_required" without it; the token is opened once here, so that a missing
    card or a wrong PIN stops the run before any number is taken."""
    # the rendering and signing stack (reportlab, factur-x, pyHanko: ~1 s to import) only when an invoice is made
    from cocon_desktop.documents.signing import render_signed_invoice
    from cocon_desktop.documents.signing_pkcs11 import read_certificate, render_signed_invoice_pkcs11

    address = buyer_address(sessions, network)
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


def bulk_renderer(sessions: sessionmaker[Session], network: str) -> RenderMany | None:
    """Renders a whole invoice run on every core (documents/render_pool.py); None for an identity on a PKCS#11
    token, which signs one document at a time through `renderer`."""
    identity = active_identity(sessions)
    if identity.token is not None or identity.private_key_der is None:
        return None
    from cocon_desktop.documents.render_pool import render_signed_many

    address = buyer_address(sessions, network)
    term_days = invoicing.payment_term_days(sessions)
    certificate, key = identity.certificate_pem, identity.private_key_der

    def render_many(requests: Sequence[RenderRequest]) -> Generator[bytes, None, None]:
        return render_signed_many([to_invoice_data(r, address, term_days) for r in requests], certificate, key)

    return render_many


@writes(Changes.INVOICES | Changes.SEANCES, takes=HANDLE)  # the séances become invoiced
def issue_period(practice: Practice, network: str, first: date, last: date, issue_date: date,
                 progress: Progress | None = None, pin: str | None = None) -> list[IssuedDocument]:
    """The invoice run for a network and a period: rendered, embedded, signed, numbered, stored, anchored.

    `pin`: the token's PIN when the practice signs with a PKCS#11 token (see `renderer`)."""
    render = renderer(practice.sessions, network, pin)
    issued = invoicing.issue_run(practice.sessions, network, first, last, issue_date, render, progress,
                                 number_witness.witnessed(practice), bulk_renderer(practice.sessions, network))
    write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    number_witness.remember_highest(practice)
    return issued


@writes(Changes.INVOICES | Changes.SEANCES, takes=HANDLE)  # the lines' séances become billable again
def issue_credit_note(practice: Practice, number: str, line_numbers: list[int] | None, issue_date: date,
                      pin: str | None = None) -> IssuedDocument:
    network = invoicing.document_network(practice.sessions, number)
    document = invoicing.credit_note(practice.sessions, number, line_numbers, issue_date,
                                     renderer(practice.sessions, network, pin), number_witness.witnessed(practice))
    write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    number_witness.remember_highest(practice)
    return document


def verify_practice(practice: Practice) -> VerifyReport:
    """Chain, hashes, numbering, anchor and every signature, against the practice's certificates."""
    from cocon_desktop.documents.signing import validate  # pyHanko: imported when verifying only

    identities = all_certificates(practice.sessions)

    def signature_ok(pdf: bytes) -> bool:
        for certificate in identities:
            check = validate(pdf, certificate)
            if check.ok:  # trusted too: a PDF re-signed by another key is not the practice's (issue 19, #2)
                return True
        return False

    return verify(practice.sessions, practice.data_dir, practice.key.data_key, signature_ok)
