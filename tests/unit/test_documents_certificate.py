"""The practice's signing certificate: made here (ECDSA P-256) or imported from a PKCS#12 file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from cocon_desktop.errors import CoconError
from cocon_desktop.security.certificate import create_self_signed, describe_certificate, import_pkcs12

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def made() -> tuple[bytes, bytes]:
    return create_self_signed("Camille Martin EI", "Cabinet du Vieux-Port", "91234567500017", now=NOW)


def _p12(cert_pem: bytes, key_der: bytes, password: bytes | None, extra: list[x509.Certificate] | None = None,
         with_key: bool = True) -> bytes:
    key = serialization.load_der_private_key(key_der, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey)
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(
        b"cabinet", key if with_key else None, x509.load_pem_x509_certificate(cert_pem), extra, encryption)


def test_self_signed_certificate(made: tuple[bytes, bytes]) -> None:
    cert_pem, key_der = made
    cert = x509.load_pem_x509_certificate(cert_pem)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Camille Martin EI"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Cabinet du Vieux-Port"
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "91234567500017"
    assert cert.issuer == cert.subject
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3654)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    # the key is plain PKCS#8 DER (the encrypted database protects it) and matches the certificate
    key = serialization.load_der_private_key(key_der, password=None)
    assert key.public_key().public_numbers() == public.public_numbers()  # type: ignore[union-attr]


def test_describe_certificate(made: tuple[bytes, bytes]) -> None:
    info = describe_certificate(made[0])
    assert (info.common_name, info.organization, info.siret) == ("Camille Martin EI", "Cabinet du Vieux-Port",
                                                                 "91234567500017")
    assert info.self_signed and info.not_after.year == 2036
    assert len(info.sha256_fingerprint.split(":")) == 32


def test_pkcs12_import_with_the_right_password(made: tuple[bytes, bytes]) -> None:
    cert_pem, key_der = made
    imported_cert, imported_key = import_pkcs12(_p12(cert_pem, key_der, b"Mot-de-passe 1"), "Mot-de-passe 1",
                                                now=NOW)
    assert imported_cert == cert_pem
    assert imported_key == key_der


def test_pkcs12_without_password(made: tuple[bytes, bytes]) -> None:
    assert import_pkcs12(_p12(*made, password=None), "", now=NOW)[0] == made[0]


def test_pkcs12_wrong_password(made: tuple[bytes, bytes]) -> None:
    with pytest.raises(CoconError) as caught:
        import_pkcs12(_p12(*made, password=b"Mot-de-passe 1"), "mot-de-passe 1", now=NOW)
    assert caught.value.code == "pkcs12_wrong_password"


@pytest.mark.parametrize("data", [b"", b"not a pkcs12 file", b"-----BEGIN CERTIFICATE-----\nMIIB\n"])
def test_pkcs12_invalid(data: bytes) -> None:
    with pytest.raises(CoconError) as caught:
        import_pkcs12(data, "x")
    assert caught.value.code == "pkcs12_invalid"


def test_pkcs12_without_key_is_invalid(made: tuple[bytes, bytes]) -> None:
    with pytest.raises(CoconError) as caught:
        import_pkcs12(_p12(*made, password=b"pw", with_key=False), "pw", now=NOW)
    assert caught.value.code == "pkcs12_invalid"


def test_expired_certificate_is_refused(made: tuple[bytes, bytes]) -> None:
    with pytest.raises(CoconError) as caught:
        import_pkcs12(_p12(*made, password=b"pw"), "pw", now=NOW + timedelta(days=3653))
    assert caught.value.code == "certificate_expired"
    assert caught.value.data["not_after"].year == 2036


def test_rsa_pkcs12_with_its_chain_is_accepted() -> None:
    """A certificate bought from an authority: RSA, with its CA certificate in the file."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Autorité test")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=900))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "A. B. EI")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=365))
            .sign(ca_key, hashes.SHA256()))
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    data = pkcs12.serialize_key_and_certificates(b"x", key, leaf, [ca], serialization.BestAvailableEncryption(b"pw"))
    cert_pem, imported_key = import_pkcs12(data, "pw", now=NOW)
    chain = x509.load_pem_x509_certificates(cert_pem)
    assert [c.subject for c in chain] == [leaf.subject, ca.subject]
    assert imported_key == key_der
