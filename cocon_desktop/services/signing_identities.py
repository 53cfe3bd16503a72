"""The practice's signing identity, kept inside the encrypted database (never in clear on disk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.models import SigningIdentity
from cocon_desktop.security.certificate import create_self_signed, describe_certificate, import_pkcs12
from cocon_desktop.services.practice_profile import load_profile


@dataclass(frozen=True)
class Identity:
    source: str
    label: str
    certificate_pem: bytes
    private_key_der: bytes | None


def _store(session: Session, source: str, certificate_pem: bytes, key_der: bytes | None) -> Identity:
    session.execute(update(SigningIdentity).values(active=False))
    label = describe_certificate(certificate_pem).common_name
    session.add(SigningIdentity(source=source, label=label, certificate_pem=certificate_pem.decode("ascii"),
                                private_key_der=key_der, active=True, created_at=datetime.now(UTC)))
    return Identity(source, label, certificate_pem, key_der)


def active_identity(sessions: sessionmaker[Session]) -> Identity:
    """The active identity; a self-signed ECDSA P-256 one is created for the practice the first time."""
    with sessions() as session:
        row = session.scalar(select(SigningIdentity).where(SigningIdentity.active.is_(True))
                             .order_by(SigningIdentity.id.desc()).limit(1))
        if row is not None:
            return Identity(row.source, row.label, row.certificate_pem.encode("ascii"),
                            bytes(row.private_key_der) if row.private_key_der is not None else None)
    profile = load_profile(sessions)
    certificate, key = create_self_signed(profile.legal_name, profile.trade_name, profile.siret)
    with sessions.begin() as session:
        return _store(session, "self_signed", certificate, key)


def import_identity(sessions: sessionmaker[Session], pkcs12: bytes, password: str) -> Identity:
    """Use a certificate from a PKCS#12 file (.p12/.pfx) from now on; the file itself is not kept."""
    certificate, key = import_pkcs12(pkcs12, password)
    with sessions.begin() as session:
        return _store(session, "pkcs12", certificate, key)


def all_certificates(sessions: sessionmaker[Session]) -> list[bytes]:
    """Every certificate the practice has signed with (an older document keeps its older signature)."""
    with sessions() as session:
        return [pem.encode("ascii") for pem in session.scalars(select(SigningIdentity.certificate_pem)
                                                                .order_by(SigningIdentity.id.desc()))]
