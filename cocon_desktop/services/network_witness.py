"""The networks as outside witnesses of the document numbering (issue 19, #1).

Each receipt and status answer of a network's receiver carries the highest document number it holds for this
practice, per series (`{"FAC-2026": 23, "AV-2026": 2}`). Sync stores what each network last said in the `setting`
table (one row per network, key `network_highest.<NETWORK>`); `network_highest` is the witness: per series, the
highest number any network said it holds. A database behind that witness was rolled back (an old backup put back,
an old `practice.db` copied in): `ahead_of_database` says by how much, so that sync reports it and issuing refuses
numbers the network already holds."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.db.engine import IMMEDIATE
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.models import Invoice, Setting
from cocon_desktop.services.changes import Changes, writes

KEY_PREFIX = "network_highest."
SERIES_RE = re.compile(r"^(FAC|AV)-([0-9]{4})$")
SERIES_PREFIX = {"FAC": "invoice", "AV": "credit_note"}  # invoicing.PREFIX, inverted
MAX_SEQUENCE = 10**9  # a 4-digit number may grow past 9999; beyond a billion it is not a number we issued
MAX_SERIES = 64


@dataclass(frozen=True)
class Behind:
    """A series the database is behind in: the network holds `network_highest`, the database `database_highest`."""

    series: str
    network_highest: int
    database_highest: int


def series_of(kind: str, year: int) -> str:
    """« FAC-2026 » for an invoice of 2026, « AV-2026 » for a credit note."""
    prefix = {value: key for key, value in SERIES_PREFIX.items()}[kind]
    return f"{prefix}-{year:04d}"


def checked_highest(value: object) -> dict[str, int]:
    """The series → highest sequence of an answer, keeping only well-formed entries (a series « FAC-2026 » or
    « AV-2026 », a whole number 1…10⁹; at most 64 series): a witness never trusts more than that."""
    if not isinstance(value, Mapping):
        return {}
    kept: dict[str, int] = {}
    for series, sequence in value.items():
        if len(kept) >= MAX_SERIES:
            break
        if (isinstance(series, str) and SERIES_RE.match(series) and type(sequence) is int
                and 0 < sequence <= MAX_SEQUENCE):
            kept[series] = sequence
    return kept


def _key(network: str) -> str:
    return KEY_PREFIX + network


@writes(Changes.SETTINGS)
def record_network_highest(sessions: sessionmaker[Session], network: str, highest: Mapping[str, int]) -> None:
    """Store what `network` said it holds (its latest answer replaces its earlier one, series by series: a series
    it no longer names keeps its last number — a witness never forgets a number it has seen)."""
    code = network.strip().upper()
    if code not in NETWORKS:
        return
    said = checked_highest(highest)
    if not said:
        return
    with sessions.begin() as session:
        # IMMEDIATE: two sync runs at once (the window and `cocon sync`) take turns instead of one failing with
        # "database is locked" when its read turns into a write
        session.connection(execution_options={IMMEDIATE: True})
        row = session.get(Setting, _key(code))
        known = checked_highest(json.loads(row.value_json)) if row is not None else {}
        merged = {**known, **{series: max(sequence, known.get(series, 0)) for series, sequence in said.items()}}
        if merged != known:
            session.merge(Setting(key=_key(code), value_json=json.dumps(merged, sort_keys=True)))


def network_highest_by_network(sessions: sessionmaker[Session]) -> dict[str, dict[str, int]]:
    """network → (series → highest sequence it said it holds)."""
    with sessions() as session:
        rows = session.execute(select(Setting.key, Setting.value_json)
                               .where(Setting.key.startswith(KEY_PREFIX, autoescape=True))).all()
    found: dict[str, dict[str, int]] = {}
    for key, raw in rows:
        try:
            found[key[len(KEY_PREFIX):]] = checked_highest(json.loads(raw))
        except ValueError:
            continue
    return found


def network_highest(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Series → the highest sequence any network said it holds for this practice (the max over networks of
    what each last said)."""
    highest: dict[str, int] = {}
    for said in network_highest_by_network(sessions).values():
        for series, sequence in said.items():
            highest[series] = max(sequence, highest.get(series, 0))
    return highest


def database_highest(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Series → the highest sequence issued in this database."""
    with sessions() as session:
        rows = session.execute(select(Invoice.kind, Invoice.year, func.max(Invoice.sequence))
                               .group_by(Invoice.kind, Invoice.year)).all()
    return {series_of(kind, year): int(sequence) for kind, year, sequence in rows if kind in SERIES_PREFIX.values()}


def behind(network: Mapping[str, int], database: Mapping[str, int]) -> list[Behind]:
    """The series in which the networks hold a number higher than the database's highest (sorted)."""
    return [Behind(series, sequence, database.get(series, 0))
            for series, sequence in sorted(network.items()) if sequence > database.get(series, 0)]


def ahead_of_database(sessions: sessionmaker[Session]) -> list[Behind]:
    """The series in which a network holds a number the database does not have (empty: no rollback seen)."""
    return behind(network_highest(sessions), database_highest(sessions))
