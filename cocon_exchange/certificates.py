"""Reading certificates: a PEM bundle, the practice's own first; a certificate's fingerprint and subject (what
`cocon verify-batch` prints and what a network registers for a practice, issue 19 #4)."""

from __future__ import annotations

import hashlib
import re

from cryptography import x509
from cryptography.hazmat.primitives import serialization

FINGERPRINT_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    """The certificates of a PEM bundle, the practice's own first."""
    return x509.load_pem_x509_certificates(pem)


def certificate_fingerprint(pem: bytes) -> str:
    """The SHA-256 of the first certificate's DER encoding, 64 lowercase hexadecimal digits; ValueError when
    `pem` holds no certificate."""
    der = load_certificates(pem)[0].public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def certificate_subject(pem: bytes) -> str:
    """The first certificate's subject, as RFC 4514 text (« serialNumber=9123…,C=FR,O=…,CN=Camille Martin EI »)."""
    return load_certificates(pem)[0].subject.rfc4514_string({x509.NameOID.SERIAL_NUMBER: "serialNumber"})


def display_fingerprint(fingerprint: str) -> str:
    """« AB:CD:… » (how certificate viewers show it)."""
    upper = fingerprint.upper()
    return ":".join(upper[i:i + 2] for i in range(0, len(upper), 2))


def normalised_fingerprint(text: str) -> str | None:
    """A fingerprint as typed (« AB:CD:… », « ab cd … », with or without separators) in the form of
    `certificate_fingerprint`; None when it is not 32 bytes of hexadecimal."""
    digits = re.sub(r"[\s:]", "", text.strip()).lower()
    return digits if FINGERPRINT_PATTERN.match(digits) else None
