"""Signing through a real PKCS#11 token (SoftHSM): the key never leaves it, the PIN is never stored, and the
signatures validate exactly like those made with a key from the database."""

from __future__ import annotations

import facturx
import pytest
from sqlalchemy import func, select

from cocon_desktop.documents.facturx import embed_facturx
from cocon_desktop.documents.invoice_pdf import render_invoice_pdf
from cocon_desktop.documents.signing import validate
from cocon_desktop.documents.signing_pkcs11 import TokenKey, read_certificate, sign_pdf_pkcs11
from cocon_desktop.errors import CoconError
from cocon_desktop.models import Invoice, SigningIdentity
from cocon_desktop.services import invoice_documents, invoicing, signing_identities
from cocon_desktop.services.practice_handle import Practice
from tests.db.invoice_helpers import OCTOBER, TODAY, fill
from tests.document_samples import sample_invoice
from tests.softhsm import Token


@pytest.fixture(scope="module")
def embedded() -> bytes:
    data = sample_invoice(3)
    return embed_facturx(render_invoice_pdf(data), data)


def test_a_sample_invoice_signed_by_the_token_validates(softhsm_token: Token, embedded: bytes) -> None:
    t = softhsm_token
    signed = sign_pdf_pkcs11(embedded, t.module, t.label, t.key_label, t.pin)
    check = validate(signed, t.certificate_pem)
    assert (check.signed, check.intact, check.valid, check.trusted, check.covers_whole_file) == (True,) * 5
    assert check.signer == "Camille Jeton EI"
    assert signed.startswith(embedded)  # an incremental update: the Factur-X attachment is untouched
    assert facturx.get_xml_from_pdf(signed, check_xsd=False) == facturx.get_xml_from_pdf(embedded, check_xsd=False)


def test_the_token_gives_its_certificate(softhsm_token: Token) -> None:
    t = softhsm_token
    assert read_certificate(TokenKey(t.module, t.label, t.key_label), t.pin) == t.certificate_pem


@pytest.mark.parametrize(("change", "code"), [
    ({"pin": "0000"}, "pkcs11_wrong_pin"),
    ({"pin": ""}, "pkcs11_pin_required"),
    ({"pin": None}, "pkcs11_pin_required"),
    ({"token_label": "absent"}, "pkcs11_unavailable"),
    ({"key_label": "absent"}, "pkcs11_unavailable"),
    ({"module_path": "/usr/lib/nothing/libabsent.so"}, "pkcs11_unavailable"),
])
def test_token_errors_have_codes(softhsm_token: Token, embedded: bytes, change: dict[str, str | None],
                                 code: str) -> None:
    t = softhsm_token
    arguments: dict[str, str | None] = {"module_path": t.module, "token_label": t.label, "key_label": t.key_label,
                                         "pin": t.pin, **change}
    with pytest.raises(CoconError) as raised:
        sign_pdf_pkcs11(embedded, **arguments)  # type: ignore[arg-type]
    assert raised.value.code == code
    if code == "pkcs11_unavailable":
        assert raised.value.data["detail"]


def _switch_to_token(practice: Practice, token: Token) -> signing_identities.Identity:
    return signing_identities.use_token(practice.sessions, token.module, token.label, token.key_label, token.pin)


def test_use_token_stores_the_certificate_and_where_the_key_is_never_the_pin(
        practice: Practice, softhsm_token: Token) -> None:
    before = signing_identities.active_identity(practice.sessions)
    assert before.source == "self_signed"
    identity = _switch_to_token(practice, softhsm_token)
    assert (identity.source, identity.label, identity.private_key_der) == ("pkcs11", "Camille Jeton EI", None)
    again = signing_identities.active_identity(practice.sessions)
    assert again == identity
    assert again.token == TokenKey(softhsm_token.module, softhsm_token.label, softhsm_token.key_label)
    with practice.sessions() as session:
        row = session.scalars(select(SigningIdentity).where(SigningIdentity.active.is_(True))).one()
        stored = (row.pkcs11_module, row.pkcs11_token_label, row.pkcs11_key_label, row.private_key_der)
    assert stored == (softhsm_token.module, "cocon", "signer", None)  # where the key is; no key, no PIN
    assert not [column for column in SigningIdentity.__table__.columns if "pin" in column.key]
    assert signing_identities.all_certificates(practice.sessions) == [softhsm_token.certificate_pem,
                                                                      before.certificate_pem]


def test_use_token_with_a_wrong_pin_changes_nothing(practice: Practice, softhsm_token: Token) -> None:
    t = softhsm_token
    with pytest.raises(CoconError) as raised:
        signing_identities.use_token(practice.sessions, t.module, t.label, t.key_label, "9999")
    assert raised.value.code == "pkcs11_wrong_pin"
    assert signing_identities.active_identity(practice.sessions).source == "self_signed"


def _invoices(practice: Practice) -> int:
    with practice.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Invoice)) or 0)


def test_a_practice_on_the_token_issues_invoices_that_validate(practice: Practice, softhsm_token: Token) -> None:
    fill(practice, per_network=2, weeks=2)
    invoice_documents.set_network_address(practice.sessions, "RPO",
                                          invoice_documents.NetworkAddress("1 rue du Réseau", "31000", "Toulouse"))
    _switch_to_token(practice, softhsm_token)
    for pin, code in ((None, "pkcs11_pin_required"), ("0000", "pkcs11_wrong_pin")):
        with pytest.raises(CoconError) as raised:
            invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY, pin=pin)
        assert raised.value.code == code
        assert _invoices(practice) == 0  # stopped before any number was taken
    issued = invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY, pin=softhsm_token.pin)
    assert len(issued) == 2
    for document in issued:
        check = validate(invoicing.document_pdf(practice.sessions, document.number), softhsm_token.certificate_pem)
        assert check.ok and check.signer == "Camille Jeton EI"
    with pytest.raises(CoconError) as raised:
        invoice_documents.issue_credit_note(practice, issued[0].number, [1], TODAY)
    assert raised.value.code == "pkcs11_pin_required"
    note = invoice_documents.issue_credit_note(practice, issued[0].number, [1], TODAY, pin=softhsm_token.pin)
    assert validate(invoicing.document_pdf(practice.sessions, note.number), softhsm_token.certificate_pem).ok
    assert invoice_documents.verify_practice(practice).ok
