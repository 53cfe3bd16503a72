"""Reading certificates: a PEM bundle, the practice's own first."""

from __future__ import annotations

from cryptography import x509


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    """The certificates of a PEM bundle, the practice's own first."""
    return x509.load_pem_x509_certificates(pem)
