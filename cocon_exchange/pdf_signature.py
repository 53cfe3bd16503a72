"""Checking the PAdES signature of a PDF against a trusted certificate, offline (pyHanko): the batch verification
of both sides, and the program's own checks of what it issued (cocon_desktop/documents/signing.py signs)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from cocon_exchange.certificates import load_certificates


@dataclass(frozen=True)
class SignatureCheck:
    """What validation found. `ok` is what the UI shows as "signature valide"."""

    signed: bool
    intact: bool  # the signed bytes were not changed
    valid: bool  # the cryptographic signature matches the certificate
    trusted: bool  # the certificate chains to the trusted certificate
    covers_whole_file: bool  # nothing was appended after signing
    signer: str = ""
    signed_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.covers_whole_file


NOT_SIGNED = SignatureCheck(signed=False, intact=False, valid=False, trusted=False, covers_whole_file=False)


def asn1_certificates(pem: bytes) -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in load_certificates(pem)]


def embedded_signer_certificate(pdf: bytes) -> bytes | None:
    """The PEM of the certificate that made the first signature of `pdf` (as the signature carries it), or None
    for an unsigned or unreadable file. Says nothing of whether the signature holds: see `validate`."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return None
        certificate = signatures[0].signer_cert
    except Exception:  # any parse failure of a damaged file
        return None
    return bytes(asn1_pem.armor("CERTIFICATE", certificate.dump()))


def validate(pdf: bytes, trust_certificate_pem: bytes) -> SignatureCheck:
    """The first signature of `pdf`, checked against the trusted certificate (no network access).

    A damaged or tampered file gives a check with `ok` False rather than an exception."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # any parse failure of a tampered file means "not valid"
        return NOT_SIGNED
    if not signatures:
        return NOT_SIGNED
    context = ValidationContext(trust_roots=asn1_certificates(trust_certificate_pem), allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[0], context)
    except Exception:  # a damaged signature structure
        return SignatureCheck(signed=True, intact=False, valid=False, trusted=False, covers_whole_file=False)
    common_name = status.signing_cert.subject.native.get("common_name", "")
    return SignatureCheck(
        signed=True, intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=str(common_name), signed_at=status.signer_reported_dt,
    )
