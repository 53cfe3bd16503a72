"""A real PKCS#11 token for the tests: SoftHSM (Debian's softhsm2) with an ECDSA P-256 key and its certificate.

python-pkcs11 initialises the module once per process and SoftHSM reads SOFTHSM2_CONF then: the token is
made once per test session (the `softhsm_token` fixture in tests/conftest.py), before anything opens it.
Subprocesses (`cocon …`) inherit SOFTHSM2_CONF through the environment."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from cocon_desktop.security.certificate import create_self_signed

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "cocon"
KEY_LABEL = "signer"
PIN = "1234"
SO_PIN = "5678"


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    key_label: str
    pin: str
    certificate_pem: bytes
    conf: Path


def unavailable_reason() -> str | None:
    if shutil.which("softhsm2-util") is None or not Path(MODULE).exists():
        return "softhsm2 is not installed (apt-get install softhsm2): no PKCS#11 token to test with"
    return None


def make_token(folder: Path) -> Token:
    """A fresh SoftHSM token in `folder`. SOFTHSM2_CONF must already name `folder / "softhsm2.conf"` in this
    process's environment (python-pkcs11 writes the certificate here)."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    conf = folder / "softhsm2.conf"
    assert os.environ.get("SOFTHSM2_CONF") == str(conf)
    (folder / "tokens").mkdir(parents=True)
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")

    def run(*args: str) -> None:
        subprocess.run(["softhsm2-util", *args], check=True, capture_output=True, timeout=30)

    run("--init-token", "--free", "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", SO_PIN)
    certificate_pem, key_der = create_self_signed("Camille Jeton EI", "Cabinet au jeton", "91234567500017")
    key = serialization.load_der_private_key(key_der, None)
    key_pem = folder / "key.pem"  # the test key only; removed once on the token
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    run("--import", str(key_pem), "--token", TOKEN_LABEL, "--label", KEY_LABEL, "--id", "01", "--pin", PIN)
    key_pem.unlink()
    certificate = x509.load_pem_x509_certificate(certificate_pem)
    with pkcs11.lib(MODULE).get_token(token_label=TOKEN_LABEL).open(user_pin=PIN, rw=True) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: KEY_LABEL, Attribute.ID: b"\x01",
            Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
            Attribute.SUBJECT: certificate.subject.public_bytes(), Attribute.ISSUER: certificate.issuer.public_bytes(),
        })
    return Token(MODULE, TOKEN_LABEL, KEY_LABEL, PIN, certificate_pem, conf)
