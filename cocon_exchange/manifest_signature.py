"""The manifest's detached CMS signature (`manifest.json.p7s`, DER) by the practice's certificate, and its check.

The signature is a CMS SignedData without encapsulated content, SHA-256, carrying the signer's certificate
(and the chain of an imported PKCS#12): the file alone is enough to verify it. The trust anchor is the
signer's own certificate (a practice's certificate is usually self-signed); what binds it to the practice is
that the same certificate signed every PDF of the batch, which batch_verify checks.

pyHanko's signing and validation are asynchronous; these functions run them with `asyncio.run`: call them
from a worker thread or the CLI, never inside a running event loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from asn1crypto import cms, pem
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms, extract_certs_for_validation
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from cocon_exchange.batch_format import ManifestSigner
from cocon_exchange.certificates import load_certificates

DIGEST = "sha256"
ACCEPTED_DIGESTS = ("sha256", "sha384", "sha512")
MAX_SIGNATURE_SIZE = 1024 * 1024  # a signature with a long chain is a few kilobytes


def sign_detached(data: bytes, signer: signers.Signer) -> bytes:
    """A detached CMS SignedData (DER) over `data`, SHA-256, embedding the signer's certificate."""
    content_info = asyncio.run(signer.async_sign_general_data(data, DIGEST, detached=True))
    return bytes(content_info.dump())


def simple_manifest_signer(certificate_pem: bytes, private_key_der: bytes) -> ManifestSigner:
    """A signer from the practice's certificate (PEM, its own first, then any chain) and PKCS#8 DER key."""
    chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
             for c in load_certificates(certificate_pem)]
    registry = SimpleCertificateStore()  # type: ignore[no-untyped-call]  # pyhanko-certvalidator's hints stop here
    for certificate in chain[1:]:  # the signer's own certificate is embedded anyway: not twice
        registry.register(certificate)
    signer = signers.SimpleSigner(signing_cert=chain[0], signing_key=asn1_keys.PrivateKeyInfo.load(private_key_der),
                                  cert_registry=registry)

    def sign(data: bytes) -> bytes:
        return sign_detached(data, signer)

    return sign


@dataclass(frozen=True)
class DetachedSignatureCheck:
    """`problem` is "" when the signature is good, otherwise one of: "unreadable" (not a DER CMS SignedData),
    "not_detached", "digest" (not SHA-2), "no_certificate", "altered" (the data or the signature changed),
    "untrusted" (the certificate cannot be used for signing at this time)."""

    problem: str
    certificate_pem: bytes = b""  # the signer's certificate, PEM (empty when unreadable)
    signer: str = ""  # its common name

    @property
    def ok(self) -> bool:
        return not self.problem


def _signed_data(signature: bytes) -> cms.SignedData | None:
    """The SignedData, its structure parsed all the way down (a malformed length or tag fails here). Its values are
    not converted: `.native` over the whole structure costs ≈ 10 ms once pyHanko is imported (more than the
    verification itself), so it is asked only when the verification fails, to tell « unreadable » (_readable)."""
    if not signature or len(signature) > MAX_SIGNATURE_SIZE:
        return None
    try:
        content_info = cms.ContentInfo.load(signature, strict=True)
        if content_info["content_type"].native != "signed_data":
            return None
        signed_data = content_info["content"]
        signed_data._parse_children(recurse=True)  # asn1crypto's own parse of every nested value
    except Exception:  # asn1crypto raises ValueError, TypeError, KeyError… on malformed DER
        return None
    return signed_data if isinstance(signed_data, cms.SignedData) else None


def _readable(signed_data: cms.SignedData) -> bool:
    """Every value of the structure converts (what « unreadable » has always meant here)."""
    try:
        signed_data.native  # noqa: B018
    except Exception:  # asn1crypto raises ValueError, TypeError, KeyError… on malformed values
        return False
    return True


def verify_detached(data: bytes, signature: bytes) -> DetachedSignatureCheck:
    """Checks `signature` (DER CMS) over `data`, trusting the signer certificate it carries. Never raises."""
    signed_data = _signed_data(signature)
    if signed_data is None:
        return DetachedSignatureCheck("unreadable")
    check = _verify(data, signed_data)
    if check.problem and not _readable(signed_data):
        return DetachedSignatureCheck("unreadable")
    return check


def _verify(data: bytes, signed_data: cms.SignedData) -> DetachedSignatureCheck:
    try:
        if signed_data["encap_content_info"]["content"].native is not None:
            return DetachedSignatureCheck("not_detached")
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) != 1:
            return DetachedSignatureCheck("unreadable")
        if signer_infos[0]["digest_algorithm"]["algorithm"].native not in ACCEPTED_DIGESTS:
            return DetachedSignatureCheck("digest")
        certificate = extract_certs_for_validation(signed_data).signer_cert
        certificate_pem = bytes(pem.armor("CERTIFICATE", certificate.dump()))
        name = str(certificate.subject.native.get("common_name", ""))
    except Exception:  # no signer certificate, or a signing-certificate attribute that names another one
        return DetachedSignatureCheck("no_certificate")
    try:
        context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
        status = asyncio.run(async_validate_detached_cms(data, signed_data, signer_validation_context=context))
    except Exception:  # a structure pyHanko cannot process
        return DetachedSignatureCheck("altered", certificate_pem, name)
    if not (status.intact and status.valid):
        return DetachedSignatureCheck("altered", certificate_pem, name)
    if not status.trusted:
        return DetachedSignatureCheck("untrusted", certificate_pem, name)
    return DetachedSignatureCheck("", certificate_pem, name)
