"""The practice's signing certificate: a self-signed ECDSA P-256 one made here, or a PKCS#12 file imported.

Both give `(certificate PEM bytes, private key PKCS#8 DER bytes)`. The key is returned **unencrypted**:
the caller stores it in the practice's encrypted database and nowhere else. It must never be written to
disk in clear, logged, or put in settings; keep it in memory only as long as signing needs it.

The certificate PEM may hold several certificates: the practice's own first, then the chain that came
with an imported PKCS#12 (the signature embeds them so that a validator can build the path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from cocon_desktop.errors import CoconError
from cocon_exchange.certificates import load_certificates as load_certificates

VALIDITY_YEARS = 10
_SIGNING_KEYS = (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)


@dataclass(frozen=True)
class CertificateInfo:
    """What the settings page shows of a certificate."""

    common_name: str
    organization: str
    siret: str
    not_before: datetime
    not_after: datetime
    sha256_fingerprint: str  # "AB:CD:…"
    self_signed: bool


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def _private_key_der(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def create_self_signed(legal_name: str, trade_name: str, siret: str, *,
                       now: datetime | None = None) -> tuple[bytes, bytes]:
    """A self-signed ECDSA P-256 certificate for the practice, valid 10 years.

    Subject: CN = legal name ("Camille Martin EI"), O = trade name (or the legal name when there is none),
    serialNumber = SIRET, C = FR. Key usage: digitalSignature and nonRepudiation (critical)."""
    if not legal_name.strip():
        raise ValueError("the practice's legal name is required")
    start = _now(now) - timedelta(minutes=5)  # tolerate a slightly late clock on the validating side
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, legal_name.strip()),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, (trade_name or legal_name).strip()),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
    ]
    if siret:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, siret))
    name = x509.Name(attributes)
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(_years_later(start, VALIDITY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM), _private_key_der(key)


def _looks_like_pkcs12(data: bytes) -> bool:
    """Whether `data` parses as a PFX structure (so that a failure to open it means a wrong password)."""
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        version = pfx["version"].native
        pfx.authenticated_safe.native  # noqa: B018 - parses the outer structure (its encrypted parts stay bytes)
    except (ValueError, TypeError, KeyError, OverflowError, AttributeError):
        return False
    return bool(version == "v3")


def import_pkcs12(data: bytes, password: str, *, now: datetime | None = None) -> tuple[bytes, bytes]:
    """A PKCS#12 (.p12, .pfx) file → (certificate chain PEM, private key PKCS#8 DER).

    Errors: CoconError "pkcs12_invalid" (not a PKCS#12 file, or no key / no certificate in it, or a key
    that cannot sign), "pkcs12_wrong_password", "certificate_expired" (with `not_after`)."""
    if not _looks_like_pkcs12(data):
        raise CoconError("pkcs12_invalid")
    secret = password.encode("utf-8")
    loaded = None
    for candidate in [secret] if secret else [b"", None]:  # an empty password may mean "none at all"
        try:
            loaded = pkcs12.load_pkcs12(data, candidate)
            break
        except ValueError:
            continue
    if loaded is None:
        raise CoconError("pkcs12_wrong_password")
    key = loaded.key
    if loaded.cert is None or not isinstance(key, _SIGNING_KEYS):
        raise CoconError("pkcs12_invalid")
    certificate = loaded.cert.certificate
    if certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo):
        raise CoconError("pkcs12_invalid")
    if certificate.not_valid_after_utc < _now(now):
        raise CoconError("certificate_expired", not_after=certificate.not_valid_after_utc.date())
    chain = [certificate] + [extra.certificate for extra in loaded.additional_certs]
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain)
    return pem, _private_key_der(key)


def describe_certificate(pem: bytes) -> CertificateInfo:
    certificate = load_certificates(pem)[0]

    def attribute(oid: x509.ObjectIdentifier) -> str:
        values = certificate.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    return CertificateInfo(
        common_name=attribute(NameOID.COMMON_NAME), organization=attribute(NameOID.ORGANIZATION_NAME),
        siret=attribute(NameOID.SERIAL_NUMBER), not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        sha256_fingerprint=certificate.fingerprint(hashes.SHA256()).hex(":").upper(),
        self_signed=certificate.issuer == certificate.subject,
    )
