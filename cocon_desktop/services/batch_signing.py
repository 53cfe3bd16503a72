"""The signer of a batch's manifest: the practice's active signing identity, whether its key is in the encrypted
database or stays on a PKCS#11 token (a CPS card; its PIN is passed in for each batch and never kept)."""

from __future__ import annotations

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pkcs11 import exceptions as p11_errors
from pyhanko.sign.pkcs11 import PKCS11Signer
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.documents.signing_pkcs11 import TokenKey, open_token, read_certificate
from cocon_desktop.errors import CoconError
from cocon_desktop.services.signing_identities import active_identity
from cocon_exchange.batch_format import ManifestSigner
from cocon_exchange.manifest_signature import sign_detached, simple_manifest_signer


def _asn1_certificate(certificate_pem: bytes) -> asn1_x509.Certificate:
    _, _, der = asn1_pem.unarmor(certificate_pem)
    return asn1_x509.Certificate.load(der)


def token_manifest_signer(token: TokenKey, certificate_pem: bytes, pin: str | None) -> ManifestSigner:
    """Sign on the token: the key never leaves it. The token is opened (and the PIN checked) now, so that a
    missing card or a wrong PIN shows before any work; a renewed card must be registered again first."""
    if read_certificate(token, pin) != certificate_pem:
        raise CoconError("pkcs11_certificate_changed")
    certificate = _asn1_certificate(certificate_pem)
    raw = certificate.public_key.algorithm == "ec"  # see signing_pkcs11: the token signs the digest (CKM_ECDSA)

    def sign(manifest: bytes) -> bytes:
        with open_token(token, pin) as session:
            signer = PKCS11Signer(session, signing_cert=certificate, key_label=token.key_label,
                                  use_raw_mechanism=raw)
            try:
                return sign_detached(manifest, signer)
            except p11_errors.PKCS11Error as exc:
                raise CoconError("pkcs11_unavailable",
                                 detail=f"la signature par le jeton a échoué ({type(exc).__name__})") from exc

    return sign


def manifest_signer(sessions: sessionmaker[Session], pin: str | None = None) -> ManifestSigner:
    """The active identity's signer. CoconError "pkcs11_pin_required", "pkcs11_wrong_pin", "pkcs11_unavailable",
    "pkcs11_certificate_changed" for a token; "signing_key_unavailable" when the key is missing."""
    identity = active_identity(sessions)
    if identity.token is not None:
        return token_manifest_signer(identity.token, identity.certificate_pem, pin)
    if identity.private_key_der is None:
        raise CoconError("signing_key_unavailable")
    return simple_manifest_signer(identity.certificate_pem, identity.private_key_der)


def uses_token(sessions: sessionmaker[Session]) -> bool:
    """Whether signing needs a token's PIN (the CLI and the UI ask for it only then)."""
    return active_identity(sessions).token is not None
