"""Conventions on a real PostgreSQL: therapists checked field by field, certificates, tokens shown once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cocon_exchange.certificates import certificate_fingerprint
from cocon_network.server.conventions import (
    ConventionError,
    active_fingerprints,
    add_certificate,
    find_therapist,
    issue_token,
    list_therapists,
    register_therapist,
    revoke_certificate,
    revoke_token,
    token_therapist,
    update_therapist,
)
from cocon_network.server.db import init_schema, make_engine, session_factory, transaction
from cocon_network.server.models import ApiToken, AuditEntry
from tests.network_samples import impostor_certificate, sample_certificate, signed_batch

GOOD = {"name": "Camille Martin", "discipline": "psychomotricite", "siret": "91234567500017",
        "rpps": "10001234565", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP",
        "departement": "13", "convention_start": date(2026, 1, 1)}


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    init_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with transaction(session_factory(engine)) as session:
        yield session


def test_a_therapist_is_registered_with_compact_checked_numbers(session: Session) -> None:
    therapist = register_therapist(session, **GOOD)  # type: ignore[arg-type]
    assert (therapist.iban, therapist.siret, therapist.rpps) == ("FR7630006000011234567890189", "91234567500017",
                                                                  "10001234565")
    assert find_therapist(session, "912 345 675 00017").id == therapist.id
    assert find_therapist(session, therapist.id) is therapist
    assert [t.name for t in list_therapists(session)] == ["Camille Martin"]
    assert session.scalars(select(AuditEntry.action)).all() == ["therapist_registered"]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("siret", "91234567500018", "SIRET « 91234567500018 » n'est pas valide"),
    ("siret", "", "SIRET est obligatoire"),
    ("iban", "FR7630006000011234567890188", "IBAN « FR7630006000011234567890188 » n'est pas valide"),
    ("rpps", "10001234566", "RPPS « 10001234566 » n'est pas valide"),
    ("rpps", "1000123456", "RPPS « 1000123456 » n'est pas valide"),
    ("bic", "AGRI", "BIC « AGRI » n'est pas valide"),
    ("departement", "96", "département « 96 » est inconnu"),
    ("discipline", "", "discipline est obligatoire"),
    ("name", "  ", "nom est obligatoire"),
])
def test_a_wrong_field_is_named_in_french(session: Session, field: str, value: str, words: str) -> None:
    with pytest.raises(ConventionError) as caught:
        register_therapist(session, **{**GOOD, field: value})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert words in caught.value.message
    assert list_therapists(session) == []


def test_convention_dates_and_duplicate_siret_are_refused(session: Session) -> None:
    with pytest.raises(ConventionError) as caught:
        register_therapist(session, **{**GOOD, "convention_end": date(2025, 12, 31)})  # type: ignore[arg-type]
    assert caught.value.field == "convention_end"
    therapist = register_therapist(session, **GOOD)  # type: ignore[arg-type]
    with pytest.raises(ConventionError, match="déjà conventionné") as again:
        register_therapist(session, **{**GOOD, "name": "Autre"})  # type: ignore[arg-type]
    assert again.value.field == "siret"
    with pytest.raises(ConventionError) as bad:
        update_therapist(session, therapist.id, iban="FR00")
    assert bad.value.field == "iban"
    assert update_therapist(session, therapist.id, departement="2a").departement == "2A"


def test_certificates_from_pem_der_or_a_batch_and_their_revocation(session: Session) -> None:
    therapist = register_therapist(session, **GOOD)  # type: ignore[arg-type]
    pem = sample_certificate()[0]
    fingerprint = certificate_fingerprint(pem)
    assert add_certificate(session, therapist.id, pem).fingerprint == fingerprint
    der = x509.load_pem_x509_certificate(impostor_certificate()[0]).public_bytes(serialization.Encoding.DER)
    assert add_certificate(session, therapist.id, der).fingerprint == certificate_fingerprint(impostor_certificate()[0])
    from_batch = add_certificate(session, therapist.id, signed_batch().data)  # the same as the PEM's
    assert from_batch.fingerprint == fingerprint and "Camille Martin EI" in from_batch.subject
    assert len(active_fingerprints(session, therapist.id)) == 2
    revoked = revoke_certificate(session, therapist.id, fingerprint[:10].upper())
    assert revoked.revoked_at is not None
    assert active_fingerprints(session, therapist.id) == {certificate_fingerprint(impostor_certificate()[0])}
    with pytest.raises(ConventionError) as caught:
        add_certificate(session, therapist.id, b"pas un certificat")
    assert caught.value.field == "certificate" and "illisible" in caught.value.message
    with pytest.raises(ConventionError) as unknown:
        revoke_certificate(session, therapist.id, "ab" * 32)
    assert unknown.value.field == "fingerprint"


def test_a_token_is_shown_once_stored_hashed_and_revocable(session: Session) -> None:
    therapist = register_therapist(session, **GOOD)  # type: ignore[arg-type]
    issued = issue_token(session, therapist.id)
    assert len(issued.token) >= 43
    stored = session.scalars(select(ApiToken)).one()
    assert issued.token not in (stored.token_sha256, stored.hint) and issued.token.startswith(stored.hint)
    found = token_therapist(session, issued.token)
    assert found is not None and found.id == therapist.id and stored.last_used_at is not None
    assert token_therapist(session, issued.token + "x") is None
    revoke_token(session, issued.row.id)
    assert token_therapist(session, issued.token) is None
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["therapist_registered", "token_issued", "token_revoked"]
    assert all(issued.token not in e.detail + e.target for e in session.scalars(select(AuditEntry)))
