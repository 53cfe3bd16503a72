"""Rollback detection (issue 19, #1): the highest document number per series is kept where the data folder is not.

Two outside witnesses know how far the numbering went: this computer's keychain (a small JSON per vault, MACed with
a key derived from the data key, rewritten after every issuing transaction) and the networks, whose receipts and
status answers say the highest number they hold for this practice (services/network_witness.py). A database whose
highest number of a series is lower than a witness's was put back from an older copy (an old backup restored, an
old practice.db copied in): opening, `cocon verify` and `cocon restore` say so, and issuing refuses the numbers the
witness says exist until the therapist restores the newest backup or confirms that the series resumes after the
witness's number (« Je confirme : reprendre la numérotation après FAC-2026-0024 »). The confirmation is an entry of
the audit log (append-only): `verify` then reports the gap as confirmed instead of failing."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.errors import CoconError
from cocon_desktop.models import AuditEntry
from cocon_desktop.services import audit, network_witness
from cocon_desktop.services.changes import HANDLE, Changes, writes
from cocon_desktop.services.network_witness import checked_highest, series_of

if TYPE_CHECKING:
    from cocon_desktop.services.practice_handle import Practice

log = logging.getLogger(__name__)

FORMAT = "cocon-number-witness"
VERSION = 1
MAC_INFO = b"cocon-number-witness/1"
AUDIT_ENTITY = "numbering"
AUDIT_ACTION = "resume"
KEYCHAIN = "keychain"
NETWORK = "network"


def number_text(series: str, sequence: int) -> str:
    """« FAC-2026-0024 »: the series and the sequence, as printed on the document."""
    return f"{series}-{sequence:04d}"


@dataclass(frozen=True)
class SeriesBehind:
    """A series in which a witness knows a number the database does not hold."""

    series: str  # "FAC-2026"
    database: int  # the database's highest sequence (0: none), or where a confirmed resume left it
    witness: int  # the highest sequence a witness knows
    sources: tuple[str, ...]  # KEYCHAIN, NETWORK: who knows it

    @property
    def witness_number(self) -> str:
        return number_text(self.series, self.witness)

    @property
    def database_number(self) -> str:
        return number_text(self.series, self.database) if self.database else ""

    @property
    def missing(self) -> str:
        """« FAC-2026-0023 à FAC-2026-0024 », or the one number."""
        first = number_text(self.series, self.database + 1)
        return first if self.database + 1 == self.witness else f"{first} à {self.witness_number}"


@dataclass(frozen=True)
class ConfirmedGap:
    """The therapist confirmed that the series resumes after `resumed_after`: the numbers after `database` up to it
    are skipped (held by a witness, absent from this database)."""

    series: str
    database: int
    resumed_after: int
    confirmed_at: datetime

    @property
    def skipped(self) -> str:
        first = number_text(self.series, self.database + 1)
        last = number_text(self.series, self.resumed_after)
        return first if first == last else f"{first} à {last}"


@dataclass(frozen=True)
class NumberingCheck:
    behind: tuple[SeriesBehind, ...]
    confirmed: tuple[ConfirmedGap, ...]

    @property
    def ok(self) -> bool:
        return not self.behind


# -- the keychain's witness -------------------------------------------------------------------------------------
def mac_key(data_key: bytes, vault_id: str) -> bytes:
    """HKDF-SHA256(data key, salt = vault id, info = "cocon-number-witness/1"): no MAC without the data key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=vault_id.encode(), info=MAC_INFO).derive(data_key)


def _material(vault_id: str, highest: Mapping[str, int]) -> bytes:
    return json.dumps({"format": FORMAT, "version": VERSION, "vault_id": vault_id, "highest": dict(highest)},
                      sort_keys=True, separators=(",", ":")).encode()


def seal(vault_id: str, data_key: bytes, highest: Mapping[str, int]) -> str:
    """The JSON kept in the keychain: the series' highest numbers and their MAC."""
    mac = hmac.new(mac_key(data_key, vault_id), _material(vault_id, highest), hashlib.sha256).hexdigest()
    return json.dumps({"format": FORMAT, "version": VERSION, "vault_id": vault_id, "highest": dict(highest),
                       "mac": mac}, sort_keys=True)


def unseal(text: str, vault_id: str, data_key: bytes) -> dict[str, int] | None:
    """The numbers of a sealed witness; None when it is malformed, of another vault or its MAC does not hold
    (forged without the key, or sealed under a data key since replaced): such a witness says nothing."""
    try:
        data = json.loads(text)
        highest = checked_highest(data["highest"])
        if data["format"] != FORMAT or data["vault_id"] != vault_id or len(highest) != len(data["highest"]):
            return None
        mac = str(data["mac"])
    except (ValueError, KeyError, TypeError):
        return None
    expected = hmac.new(mac_key(data_key, vault_id), _material(vault_id, highest), hashlib.sha256).hexdigest()
    return highest if hmac.compare_digest(expected, mac) else None


def keychain_highest(vault_id: str, data_key: bytes) -> dict[str, int]:
    """What this computer's keychain witnessed for the vault ({} when nothing, or nothing authentic)."""
    from cocon_desktop.security import keychain

    text = keychain.fetch_witness(vault_id)
    return (unseal(text, vault_id, data_key) or {}) if text else {}


def _merged(*sources: Mapping[str, int]) -> dict[str, int]:
    merged: dict[str, int] = {}
    for source in sources:
        for series, sequence in source.items():
            merged[series] = max(sequence, merged.get(series, 0))
    return merged


def remember_highest(practice: Practice) -> dict[str, int]:
    """After an issuing transaction: the keychain's witness becomes the max of what it knew and the database's
    highest numbers (never lower). Written when the practice keeps its key in the keychain, or a witness is there
    already (a practice restored from one that did); a keychain that refuses is not an issuing error. Returns the
    numbers the keychain now holds, as known here."""
    from cocon_desktop.security import keychain
    from cocon_desktop.services.practice_keys import is_remembered

    key = practice.key
    text = keychain.fetch_witness(key.vault_id)
    known = (unseal(text, key.vault_id, key.data_key) or {}) if text else {}
    if text is None and not is_remembered(practice):
        return {}
    highest = _merged(known, network_witness.database_highest(practice.sessions))
    if (highest != known or text is None) and not keychain.store_witness(
            key.vault_id, seal(key.vault_id, key.data_key, highest)):
        log.warning("the keychain did not keep the numbering's witness")
    practice.keychain_numbers = highest
    return highest


# -- confirmed resumes, in the audit log -------------------------------------------------------------------------
def _resumes(session: Session) -> dict[str, ConfirmedGap]:
    """Series → its latest confirmed resume."""
    found: dict[str, ConfirmedGap] = {}
    for row in session.scalars(select(AuditEntry).where(AuditEntry.entity == AUDIT_ENTITY,
                                                        AuditEntry.action == AUDIT_ACTION)
                               .order_by(AuditEntry.id)):
        try:
            changes = json.loads(row.changes)
            series = str(changes["series"][1])
            database, resumed = (int(v) for v in changes["resumed_after"])
        except (ValueError, KeyError, TypeError, IndexError):
            continue
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
        found[series] = ConfirmedGap(series, database, resumed, at)
    return found


def confirmed_resumes(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Series → the number after which the therapist confirmed the series resumes (the witnesses' numbers up to it
    are known to be skipped)."""
    with sessions() as session:
        return {series: gap.resumed_after for series, gap in _resumes(session).items()}


def next_sequence(session: Session, kind: str, year: int, last: int, witnessed: Mapping[str, int] | None) -> int:
    """The next sequence of a series in the issuing transaction: after the database's last and after a confirmed
    resume; CoconError "numbering_behind_witness" when a witness already holds it."""
    series = series_of(kind, year)
    resume = _resumes(session).get(series)
    sequence = max(last, resume.resumed_after if resume else 0) + 1
    known = int((witnessed or {}).get(series, 0))
    if known >= sequence:
        raise CoconError("numbering_behind_witness", number=number_text(series, known),
                         last=number_text(series, sequence - 1) if sequence > 1 else "", series=series)
    return sequence


# -- comparing ---------------------------------------------------------------------------------------------------
def compare(database: Mapping[str, int], witnesses: Mapping[str, Mapping[str, int]],
            resumes: Mapping[str, ConfirmedGap]) -> list[SeriesBehind]:
    """The series some witness knows further than the database's highest (or its confirmed resume)."""
    found = []
    for series in sorted({s for said in witnesses.values() for s in said}):
        resume = resumes.get(series)
        have = max(database.get(series, 0), resume.resumed_after if resume else 0)
        knows = {source: said.get(series, 0) for source, said in witnesses.items()}
        top = max(knows.values())
        if top > have:
            found.append(SeriesBehind(series, have, top,
                                      tuple(source for source, n in knows.items() if n > have)))
    return found


def check(sessions: sessionmaker[Session], keychain_numbers: Mapping[str, int] | None = None) -> NumberingCheck:
    """The database against the networks' witness and `keychain_numbers` (what the keychain said at opening:
    `Practice.keychain_numbers`), with the resumes already confirmed."""
    database = network_witness.database_highest(sessions)
    with sessions() as session:
        resumes = _resumes(session)
    witnesses = {KEYCHAIN: dict(keychain_numbers or {}), NETWORK: network_witness.network_highest(sessions)}
    return NumberingCheck(tuple(compare(database, witnesses, resumes)),
                          tuple(sorted(resumes.values(), key=lambda g: g.series)))


def witnessed(practice: Practice) -> dict[str, int]:
    """Series → the highest number a witness knows now: the keychain read afresh, and the networks."""
    key = practice.key
    practice.keychain_numbers = keychain_highest(key.vault_id, key.data_key)
    return _merged(practice.keychain_numbers, network_witness.network_highest(practice.sessions))


def check_practice(practice: Practice) -> NumberingCheck:
    """`check` with the keychain read afresh."""
    key = practice.key
    practice.keychain_numbers = keychain_highest(key.vault_id, key.data_key)
    return check(practice.sessions, practice.keychain_numbers)


@writes(Changes.INVOICES, takes=HANDLE)  # the series' next number
def confirm_resume(practice: Practice, number: str) -> ConfirmedGap:
    """« Je confirme : reprendre la numérotation après FAC-2026-0024 »: `number` must be the highest number a
    witness knows in a series the database is behind in (CoconError "numbering_confirm_mismatch" otherwise).
    Recorded in the audit log; the series then goes on after it."""
    wanted = number.strip().upper()
    state = check_practice(practice)
    match = next((b for b in state.behind if b.witness_number == wanted), None)
    if match is None:
        expected = ", ".join(b.witness_number for b in state.behind)
        raise CoconError("numbering_confirm_mismatch" if expected else "numbering_not_behind",
                         number=wanted, expected=expected)
    with practice.sessions.begin() as session:
        audit.record(session, AUDIT_ENTITY, None, AUDIT_ACTION, None,
                     {"series": (None, match.series), "resumed_after": (match.database, match.witness),
                      "witness": (None, ", ".join(match.sources))})
    return ConfirmedGap(match.series, match.database, match.witness, datetime.now(UTC))


# -- verify ------------------------------------------------------------------------------------------------------
def verify_numbering(sessions: sessionmaker[Session], documents: Iterable[tuple[str, int, int]], data_dir: Path,
                     data_key: bytes) -> tuple[str, dict[str, Any]]:
    """`cocon verify`'s numbering check, given (kind, year, sequence) of every document in issuing order:
    gap-free per series except where a resume was confirmed, and not behind a witness. Returns ("", {}) when it
    holds, ("", {"confirmed_gaps": […]}) when it holds with confirmed gaps, else the failure's code and data
    ("numbering_gap", or "numbering_behind_keychain" / "_network" / "_both")."""
    from cocon_desktop.security.keyfile import KeyFile
    from cocon_desktop.security.vault import VaultPaths

    with sessions() as session:
        resumes = _resumes(session)
    expected: dict[str, int] = {}
    used: list[ConfirmedGap] = []
    for kind, year, sequence in documents:
        series = series_of(kind, year)
        after = expected.get(series, 0)
        resume = resumes.get(series)
        if sequence != after + 1:
            if resume is None or resume.database != after or sequence != resume.resumed_after + 1:
                return "numbering_gap", {"number": number_text(series, sequence), "expected": after + 1}
            used.append(resume)
        expected[series] = sequence
    try:
        vault_id = KeyFile.load(VaultPaths(data_dir).key_file).vault_id
        keychain = keychain_highest(vault_id, data_key)
    except Exception:  # no readable vault.json: the vault's own check says so
        keychain = {}
    behind = compare(expected, {KEYCHAIN: keychain, NETWORK: network_witness.network_highest(sessions)}, resumes)
    if behind:
        return behind_code(behind[0]), behind_data(behind[0])
    if used:
        return "", {"confirmed_gaps": [{"series": g.series, "skipped": g.skipped,
                                        "date": g.confirmed_at.date().isoformat()} for g in used]}
    return "", {}


def behind_code(item: SeriesBehind) -> str:
    """"numbering_behind_keychain", "numbering_behind_network" or "numbering_behind_both": who knows more."""
    where = "both" if len(item.sources) > 1 else item.sources[0]
    return f"numbering_behind_{where}"


def behind_data(item: SeriesBehind) -> dict[str, Any]:
    """A message's data: {number} the witness's highest, {last} the database's (« aucun »), {missing}."""
    return {"number": item.witness_number, "last": item.database_number or "aucun", "missing": item.missing,
            "series": item.series}


def at_opening(practice: Practice) -> NumberingCheck:
    """The practice just opened: its database against the witnesses (`Practice.numbering`); a keychain witness
    that knows less than the database (or none yet, with the key remembered) is brought up to it."""
    state = check_practice(practice)
    known = practice.keychain_numbers
    database = network_witness.database_highest(practice.sessions)
    if any(sequence > known.get(series, 0) for series, sequence in database.items()):
        remember_highest(practice)
    return state
