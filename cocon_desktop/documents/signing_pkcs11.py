"""PAdES signature with a key that never leaves a PKCS#11 token (a CPS card, a USB token, SoftHSM in tests).

The token is reached through its PKCS#11 module (a shared library: /usr/lib/softhsm/libsofthsm2.so, the CPS
card's "Cryptolib CPS"…), found by its token label; the certificate and the private key share one label.
The PIN is passed in for each use and never kept. The stamp and the signature field are those of
`signing.sign_with`, as for a key held in the database.

Errors: CoconError "pkcs11_pin_required", "pkcs11_wrong_pin", "pkcs11_pin_locked",
"pkcs11_unavailable" (with `detail`: module, token, key or certificate that cannot be found or opened).
Like `signing`, these call pyHanko's synchronous API: never inside a running event loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pkcs11
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pkcs11 import Attribute, ObjectClass
from pkcs11 import exceptions as p11_errors
from pyhanko.sign.pkcs11 import PKCS11Signer

from cocon_desktop.documents.facturx import embed_facturx
from cocon_desktop.documents.invoice_data import InvoiceData
from cocon_desktop.documents.invoice_pdf import render_invoice_pdf
from cocon_desktop.documents.signing import INVOICE_REASON, sign_with
from cocon_desktop.documents.token_key import TokenKey as TokenKey  # still importable from here
from cocon_desktop.errors import CoconError

_WRONG_PIN = (p11_errors.PinIncorrect, p11_errors.PinInvalid, p11_errors.PinLenRange)
_LOCKED_PIN = (p11_errors.PinLocked, p11_errors.PinExpired)


def _unavailable(detail: str) -> CoconError:
    return CoconError("pkcs11_unavailable", detail=detail)


@contextmanager
def open_token(where: TokenKey, pin: str | None) -> Iterator[Any]:
    """A logged-in session on the token (a python-pkcs11 `Session`), closed on leaving."""
    if not pin:
        raise CoconError("pkcs11_pin_required")
    try:
        library = pkcs11.lib(where.module_path)
    except p11_errors.PKCS11Error as exc:
        raise _unavailable(f"module PKCS#11 {where.module_path} impossible à charger") from exc
    try:
        token = library.get_token(token_label=where.token_label)
    except p11_errors.NoSuchToken as exc:
        raise _unavailable(f"aucun jeton nommé « {where.token_label} » (carte absente du lecteur ?)") from exc
    except p11_errors.MultipleTokensReturned as exc:
        raise _unavailable(f"plusieurs jetons nommés « {where.token_label} »") from exc
    except p11_errors.PKCS11Error as exc:
        raise _unavailable(f"lecture des jetons impossible ({type(exc).__name__})") from exc
    try:
        session = token.open(user_pin=pin)
    except _WRONG_PIN as exc:
        raise CoconError("pkcs11_wrong_pin") from exc
    except _LOCKED_PIN as exc:
        raise CoconError("pkcs11_pin_locked") from exc
    except p11_errors.PKCS11Error as exc:
        raise _unavailable(f"ouverture du jeton impossible ({type(exc).__name__})") from exc
    try:
        yield session
    finally:
        session.close()


def _certificate(session: Any, where: TokenKey) -> asn1_x509.Certificate:
    found = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: where.key_label}))
    if len(found) != 1:
        raise _unavailable(f"{'aucun certificat' if not found else 'plusieurs certificats'} « {where.key_label} » "
                           "sur le jeton")
    return asn1_x509.Certificate.load(bytes(found[0][Attribute.VALUE]))


def _has_signing_key(session: Any, where: TokenKey) -> bool:
    query = {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: where.key_label, Attribute.SIGN: True}
    return len(list(session.get_objects(query))) == 1


def read_certificate(where: TokenKey, pin: str | None) -> bytes:
    """The certificate (PEM) stored on the token under the key's label, once its private key is found too."""
    with open_token(where, pin) as session:
        certificate = _certificate(session, where)
        if not _has_signing_key(session, where):
            raise _unavailable(f"aucune clé privée de signature « {where.key_label} » sur le jeton")
    return bytes(asn1_pem.armor("CERTIFICATE", certificate.dump()))


def sign_pdf_pkcs11(pdf: bytes, module_path: str, token_label: str, key_label: str, pin: str | None,
                    *, when: datetime | None = None, reason: str = INVOICE_REASON) -> bytes:
    """`signing.sign_pdf`, the private key staying on the token."""
    where = TokenKey(module_path, token_label, key_label)
    with open_token(where, pin) as session:
        certificate = _certificate(session, where)
        if not _has_signing_key(session, where):
            raise _unavailable(f"aucune clé privée de signature « {where.key_label} » sur le jeton")
        # ECDSA: hash here, let the token sign the digest (CKM_ECDSA): SoftHSM and many cards lack CKM_ECDSA_SHA256
        raw = certificate.public_key.algorithm == "ec"
        signer = PKCS11Signer(session, signing_cert=certificate, key_label=key_label, use_raw_mechanism=raw)
        name = str(certificate.subject.native.get("common_name", ""))
        try:
            return sign_with(pdf, signer, name, when=when, reason=reason)
        except p11_errors.PKCS11Error as exc:  # card pulled out while signing, key refusing the mechanism…
            raise _unavailable(f"la signature par le jeton a échoué ({type(exc).__name__})") from exc


def render_signed_invoice_pkcs11(data: InvoiceData, where: TokenKey, pin: str | None,
                                 *, when: datetime | None = None) -> bytes:
    """The invoice as issued (rendered, Factur-X embedded), signed by the token."""
    pdf = embed_facturx(render_invoice_pdf(data), data)
    return sign_pdf_pkcs11(pdf, where.module_path, where.token_label, where.key_label, pin, when=when)
