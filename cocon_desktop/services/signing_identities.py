"""The practice's signing identity, kept inside the encrypted database (never in clear on disk).

Three sources: "self_signed" (made here the first time), "pkcs12" (imported from a .p12/.pfx file; the key is
then in the database) and "pkcs11" (a token such as a CPS card: only the certificate and where to find the key
are stored; the PIN is asked at each use and never stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.documents.token_key import TokenKey
from cocon_desktop.errors import CoconError
from cocon_desktop.models import SigningIdentity
from cocon_desktop.security.certificate import CertificateInfo, create_self_signed, describe_certificate, import_pkcs12
from cocon_desktop.services.changes import Changes, writes
from cocon_desktop.services.practice_profile import load_profile


@dataclass(frozen=True)
class Identity:
    source: str
    label: str
    certificate_pem: bytes
    private_key_der: bytes | None
    token: TokenKey | None = None  # source "pkcs11": where the key stays


def _store(session: Session, source: str, certificate_pem: bytes, key_der: bytes | None,
           token: TokenKey | None = None) -> Identity:
    session.execute(update(SigningIdentity).values(active=False))
    label = describe_certificate(certificate_pem).common_name
    session.add(SigningIdentity(source=source, label=label, certificate_pem=certificate_pem.decode("ascii"),
                                private_key_der=key_der, active=True, created_at=datetime.now(UTC),
                                pkcs11_module=token.module_path if token else "",
                                pkcs11_token_label=token.token_label if token else "",
                                pkcs11_key_label=token.key_label if token else ""))
    return Identity(source, label, certificate_pem, key_der, token)


def _identity(row: SigningIdentity) -> Identity:
    token = (TokenKey(row.pkcs11_module, row.pkcs11_token_label, row.pkcs11_key_label)
             if row.source == "pkcs11" else None)
    return Identity(row.source, row.label, row.certificate_pem.encode("ascii"),
                    bytes(row.private_key_der) if row.private_key_der is not None else None, token)


def active_identity(sessions: sessionmaker[Session]) -> Identity:
    """The active identity; a self-signed ECDSA P-256 one is created for the practice the first time."""
    with sessions() as session:
        row = session.scalar(select(SigningIdentity).where(SigningIdentity.active.is_(True))
                             .order_by(SigningIdentity.id.desc()).limit(1))
        if row is not None:
            return _identity(row)
    profile = load_profile(sessions)
    certificate, key = create_self_signed(profile.legal_name, profile.trade_name, profile.siret)
    with sessions.begin() as session:
        return _store(session, "self_signed", certificate, key)


@writes(Changes.PROFILE)  # the identity that signs the practice's documents
def import_identity(sessions: sessionmaker[Session], pkcs12: bytes, password: str) -> Identity:
    """Use a certificate from a PKCS#12 file (.p12/.pfx) from now on; the file itself is not kept."""
    certificate, key = import_pkcs12(pkcs12, password)
    with sessions.begin() as session:
        return _store(session, "pkcs12", certificate, key)


@writes(Changes.PROFILE)  # the identity that signs the practice's documents
def use_token(sessions: sessionmaker[Session], module_path: str, token_label: str, key_label: str,
              pin: str | None) -> Identity:
    """Sign with the key of a PKCS#11 token from now on: its certificate (same label as the key) is read from
    the token and stored; the key stays on the token and the PIN is not kept."""
    from cocon_desktop.documents.signing_pkcs11 import read_certificate  # python-pkcs11, pyHanko: on use only

    token = TokenKey(module_path, token_label, key_label)
    certificate = read_certificate(token, pin)
    not_after = describe_certificate(certificate).not_after
    if not_after < datetime.now(UTC):
        raise CoconError("certificate_expired", not_after=not_after.date())
    with sessions.begin() as session:
        return _store(session, "pkcs11", certificate, None, token)


def certificate_facts(identity: Identity) -> CertificateInfo:
    """What the identity's certificate says: holder, SIRET, validity, issuer, fingerprint."""
    return describe_certificate(identity.certificate_pem)


def all_certificates(sessions: sessionmaker[Session]) -> list[bytes]:
    """Every certificate the practice has signed with (an older document keeps its older signature)."""
    with sessions() as session:
        return [pem.encode("ascii") for pem in session.scalars(select(SigningIdentity.certificate_pem)
                                                                .order_by(SigningIdentity.id.desc()))]
