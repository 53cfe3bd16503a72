"""Conventions: the therapists the network works with, their signing certificates and their API tokens.

Service functions on an open session (the caller owns the transaction), used by `cocon-network` and the console:

    register_therapist(session, *, name, discipline, siret, iban, convention_start, rpps="", bic="",
                       departement="", convention_end=None, user_id=None) -> Therapist
    update_therapist(session, therapist_id, *, user_id=None, **fields) -> Therapist   (same fields, same checks)
    find_therapist(session, siret_or_id) -> Therapist                     (ConventionError when unknown)
    list_therapists(session) -> list[Therapist]                            (by name)
    add_certificate(session, therapist_id, data, *, user_id=None) -> TherapistCertificate
        data: a certificate (PEM or DER) or a batch ZIP of the practice (its manifest signer's certificate);
        adding one already registered (even revoked) registers it again and returns it.
    revoke_certificate(session, therapist_id, fingerprint, *, user_id=None) -> TherapistCertificate
        fingerprint as typed: « AB:CD:… », with or without separators, or its first 8+ hex digits if unique.
    active_fingerprints(session, therapist_id) -> set[str]
    issue_token(session, therapist_id, *, user_id=None) -> IssuedToken   (.token: shown once, never stored)
    revoke_token(session, token_id, *, user_id=None) -> ApiToken
    token_therapist(session, token) -> Therapist | None   (unknown or revoked: None; its last use noted)
    convention_active(therapist, today=None) -> bool

Every check failing raises ConventionError(field, message): `field` is the form's field name, `message` a French
sentence naming it. Each change is written to the audit log (audit.record) in the caller's transaction."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from cocon_exchange.batch_format import MANIFEST_NAME, SIGNATURE_NAME
from cocon_exchange.certificates import (
    certificate_fingerprint,
    certificate_subject,
    display_fingerprint,
    normalised_fingerprint,
)
from cocon_exchange.manifest_signature import verify_detached
from cocon_network.server.models import ApiToken, Therapist, TherapistCertificate, utcnow

DEPARTEMENT_PATTERN = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")
DISCIPLINE_PATTERN = re.compile(r"^[a-z][a-z_]{1,39}$")
TOKEN_HINT_LENGTH = 8
MAX_CERTIFICATE_FILE = 64 * 1024 * 1024


class ConventionError(ValueError):
    """A value refused: `field` names the form's field, `message` says why in French."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class IssuedToken:
    row: ApiToken
    token: str  # shown once to the coordinator, who gives it to the practice; only its SHA-256 is kept


def _audit(session: Session, user_id: int | None, action: str, target: str, detail: dict[str, Any]) -> None:
    from cocon_network.server import audit

    audit.record(session, user_id, action, target, detail)


# checks --------------------------------------------------------------------------------------------------------

def check_siret(value: str) -> str:
    compact = re.sub(r"\s", "", value or "")
    if not compact:
        raise ConventionError("siret", "Le SIRET est obligatoire.")
    if not stdnum_siret.is_valid(compact):
        raise ConventionError("siret", f"Le SIRET « {value} » n'est pas valide (14 chiffres et leur clé).")
    return compact


def check_rpps(value: str) -> str:
    compact = re.sub(r"\s", "", value or "")
    if not compact:
        return ""
    if not (len(compact) == 11 and compact.isascii() and compact.isdigit() and luhn.is_valid(compact)):
        raise ConventionError("rpps", f"Le numéro RPPS « {value} » n'est pas valide (11 chiffres dont la clé).")
    return compact


def check_iban(value: str) -> str:
    compact = stdnum_iban.compact(value or "")
    if not compact:
        raise ConventionError("iban", "L'IBAN est obligatoire : les virements du réseau y sont faits.")
    if not stdnum_iban.is_valid(compact):
        raise ConventionError("iban", f"L'IBAN « {value} » n'est pas valide (clé de contrôle fausse ?).")
    return compact


def check_bic(value: str) -> str:
    compact = stdnum_bic.compact(value or "")
    if compact and not stdnum_bic.is_valid(compact):
        raise ConventionError("bic", f"Le BIC « {value} » n'est pas valide (8 ou 11 caractères).")
    return compact


def check_departement(value: str) -> str:
    compact = (value or "").strip().upper()
    if compact and not DEPARTEMENT_PATTERN.match(compact):
        raise ConventionError("departement", f"Le département « {value} » est inconnu (par exemple 13, 2A, 974).")
    return compact


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = " ".join(str(out["name"] or "").split())
        if not out["name"] or len(out["name"]) > 200:
            raise ConventionError("name", "Le nom est obligatoire (200 caractères au plus).")
    if "discipline" in out:
        out["discipline"] = str(out["discipline"] or "").strip().lower()
        if not DISCIPLINE_PATTERN.match(out["discipline"]):
            raise ConventionError("discipline", "La discipline est obligatoire, en code (psychomotricite, "
                                                "orthophonie…).")
    checks = {"siret": check_siret, "rpps": check_rpps, "iban": check_iban, "bic": check_bic,
              "departement": check_departement}
    for name, check in checks.items():
        if name in out:
            out[name] = check(str(out[name] or ""))
    start, end = out.get("convention_start"), out.get("convention_end")
    if "convention_start" in out and not isinstance(start, date):
        raise ConventionError("convention_start", "La date de début de convention est obligatoire.")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        raise ConventionError("convention_end", "La fin de convention précède son début.")
    return out


# therapists ----------------------------------------------------------------------------------------------------

def register_therapist(session: Session, *, name: str, discipline: str, siret: str, iban: str,
                       convention_start: date, rpps: str = "", bic: str = "", departement: str = "",
                       convention_end: date | None = None, user_id: int | None = None) -> Therapist:
    values = _checked({"name": name, "discipline": discipline, "siret": siret, "iban": iban, "rpps": rpps,
                       "bic": bic, "departement": departement, "convention_start": convention_start,
                       "convention_end": convention_end})
    if session.scalar(select(Therapist.id).where(Therapist.siret == values["siret"])) is not None:
        raise ConventionError("siret", f"Un thérapeute est déjà conventionné sous le SIRET {values['siret']}.")
    therapist = Therapist(**values)
    session.add(therapist)
    session.flush()
    _audit(session, user_id, "therapist_registered", f"thérapeute {therapist.name} ({therapist.siret})",
           {"therapist_id": therapist.id, "discipline": therapist.discipline})
    return therapist


def update_therapist(session: Session, therapist_id: int, *, user_id: int | None = None,
                     **fields: Any) -> Therapist:
    allowed = {"name", "discipline", "siret", "iban", "rpps", "bic", "departement", "convention_start",
               "convention_end"}
    unknown = set(fields) - allowed
    if unknown:
        raise ConventionError(sorted(unknown)[0], f"Champ inconnu : {sorted(unknown)[0]}.")
    therapist = find_therapist(session, therapist_id)
    values = _checked({"convention_start": therapist.convention_start,
                       "convention_end": therapist.convention_end, **fields})
    if "siret" in fields and values["siret"] != therapist.siret and session.scalar(
            select(Therapist.id).where(Therapist.siret == values["siret"])) is not None:
        raise ConventionError("siret", f"Un thérapeute est déjà conventionné sous le SIRET {values['siret']}.")
    changed = {k: str(v) for k, v in values.items() if k in fields and getattr(therapist, k) != v}
    for key in fields:
        setattr(therapist, key, values[key])
    session.flush()
    if "departement" in changed:  # the funder's report places a child not in the inclusion list by its therapist
        from cocon_network.server.report_aggregate import refresh_therapist

        refresh_therapist(session, therapist.id)
    _audit(session, user_id, "therapist_updated", f"thérapeute {therapist.name} ({therapist.siret})",
           {"therapist_id": therapist.id, "changed": sorted(changed)})
    return therapist


def find_therapist(session: Session, key: int | str) -> Therapist:
    """By id (an int, or digits shorter than a SIRET) or by SIRET."""
    text = str(key).strip()
    if isinstance(key, int) or (text.isdigit() and len(text) < 14):
        found = session.get(Therapist, int(text))
    else:
        found = session.scalar(select(Therapist).where(Therapist.siret == re.sub(r"\s", "", text)))
    if found is None:
        raise ConventionError("therapist", f"Aucun thérapeute conventionné « {key} ».")
    return found


def list_therapists(session: Session) -> list[Therapist]:
    return list(session.scalars(select(Therapist).order_by(Therapist.name, Therapist.id)))


def convention_active(therapist: Therapist, today: date | None = None) -> bool:
    today = today or date.today()
    return therapist.convention_start <= today and (therapist.convention_end is None
                                                     or today <= therapist.convention_end)


# certificates --------------------------------------------------------------------------------------------------

def certificate_pem_of(data: bytes) -> bytes:
    """The certificate (PEM) in `data`: a PEM or DER certificate, or a batch ZIP (its manifest signer's)."""
    if len(data) > MAX_CERTIFICATE_FILE:
        raise ConventionError("certificate", "Fichier trop volumineux pour un certificat ou un lot.")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                manifest, signature = archive.read(MANIFEST_NAME), archive.read(SIGNATURE_NAME)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError):
            raise ConventionError("certificate", "Ce ZIP n'est pas un lot COCON signé (manifeste ou signature "
                                                 "absents).") from None
        verdict = verify_detached(manifest, signature)
        if verdict.problem in ("unreadable", "not_detached", "digest", "no_certificate", "altered"):
            raise ConventionError("certificate", "La signature du manifeste de ce lot est illisible ou fausse : "
                                                 "son certificat ne peut pas être enregistré.")
        return verdict.certificate_pem
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            certificate_fingerprint(data)
            return data
        der = x509.load_der_x509_certificate(data)
        return der.public_bytes(serialization.Encoding.PEM)
    except ValueError:
        raise ConventionError("certificate", "Fichier illisible : ni un certificat (PEM ou DER) ni un lot "
                                             "COCON.") from None


def add_certificate(session: Session, therapist_id: int, data: bytes, *,
                    user_id: int | None = None) -> TherapistCertificate:
    therapist = find_therapist(session, therapist_id)
    pem = certificate_pem_of(data)
    fingerprint = certificate_fingerprint(pem)
    row = session.scalar(select(TherapistCertificate).where(TherapistCertificate.therapist_id == therapist.id,
                                                            TherapistCertificate.fingerprint == fingerprint))
    if row is None:
        row = TherapistCertificate(therapist_id=therapist.id, fingerprint=fingerprint,
                                   subject=certificate_subject(pem)[:400])
        session.add(row)
    else:
        row.revoked_at = None
    session.flush()
    _audit(session, user_id, "certificate_registered", f"certificat {display_fingerprint(fingerprint)[:23]}… de "
           f"{therapist.name} ({therapist.siret})", {"therapist_id": therapist.id, "fingerprint": fingerprint,
                                                     "subject": row.subject})
    return row


def _certificate_by_prefix(session: Session, therapist_id: int, typed: str) -> TherapistCertificate:
    full = normalised_fingerprint(typed)
    prefix = full or re.sub(r"[\s:]", "", typed.strip()).lower()
    if not full and (len(prefix) < 8 or not re.fullmatch(r"[0-9a-f]+", prefix)):
        raise ConventionError("fingerprint", "Empreinte illisible : 64 chiffres hexadécimaux (ou au moins les 8 "
                                             "premiers).")
    rows = [r for r in session.scalars(select(TherapistCertificate).where(
        TherapistCertificate.therapist_id == therapist_id)) if r.fingerprint.startswith(prefix)]
    if len(rows) != 1:
        raise ConventionError("fingerprint", "Aucun certificat enregistré pour ce thérapeute ne porte cette "
                              "empreinte." if not rows else "Plusieurs certificats commencent ainsi : donnez "
                              "l'empreinte entière.")
    return rows[0]


def revoke_certificate(session: Session, therapist_id: int, fingerprint: str, *,
                       user_id: int | None = None) -> TherapistCertificate:
    therapist = find_therapist(session, therapist_id)
    row = _certificate_by_prefix(session, therapist.id, fingerprint)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        _audit(session, user_id, "certificate_revoked", f"certificat {display_fingerprint(row.fingerprint)[:23]}… "
               f"de {therapist.name} ({therapist.siret})", {"therapist_id": therapist.id,
                                                            "fingerprint": row.fingerprint})
    return row


def active_fingerprints(session: Session, therapist_id: int) -> set[str]:
    return set(session.scalars(select(TherapistCertificate.fingerprint).where(
        TherapistCertificate.therapist_id == therapist_id, TherapistCertificate.revoked_at.is_(None))))


# tokens --------------------------------------------------------------------------------------------------------

def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, therapist_id: int, *, user_id: int | None = None) -> IssuedToken:
    therapist = find_therapist(session, therapist_id)
    token = secrets.token_urlsafe(32)
    row = ApiToken(therapist_id=therapist.id, token_sha256=token_digest(token), hint=token[:TOKEN_HINT_LENGTH])
    session.add(row)
    session.flush()
    _audit(session, user_id, "token_issued", f"jeton {row.hint}… de {therapist.name} ({therapist.siret})",
           {"therapist_id": therapist.id, "token_id": row.id})
    return IssuedToken(row, token)


def revoke_token(session: Session, token_id: int, *, user_id: int | None = None) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise ConventionError("token", f"Aucun jeton n° {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        _audit(session, user_id, "token_revoked", f"jeton {row.hint}… (thérapeute n° {row.therapist_id})",
               {"therapist_id": row.therapist_id, "token_id": row.id})
    return row


def list_tokens(session: Session, therapist_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.therapist_id == therapist_id)
                                .order_by(ApiToken.id)))


def token_therapist(session: Session, token: str) -> Therapist | None:
    """The therapist of a valid token (its last use noted), None when unknown or revoked. The lookup is by the
    token's SHA-256 (an index): no secret is compared byte by byte."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == token_digest(token),
                                                ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    row.last_used_at = utcnow()
    return session.get(Therapist, row.therapist_id)
