"""A region-sized network database, fast (issue 21, #8): the inclusion list, the therapists under convention, and
five years of monthly batches with their documents, acts, decisions, payment runs and control flags.

The rows are written in bulk — `COPY … FROM STDIN` through psycopg's `cursor.copy()` on PostgreSQL,
`executemany` on SQLite — with explicit ids, the sequences moved past them afterwards. The bytes of the bulk rows
are a small shared placeholder (a batch's ZIP, a document's PDF): the size measured is the rows'; the batches
whose ingest is measured (benchmarks/network.py) are real signed batches sent over HTTP.

Deterministic for a given seed. Children are followed two to four years from their inclusion; each therapist has
a caseload of children; each month every therapist bills the active children of its caseload, one invoice per
child (three to five weekly séances, a bilan at the first one), in one batch per month. The last month's batch is
waiting for the coordinator (recu), the month before accepted, older months paid by a monthly payment run; about
one invoice in 200 is rejected, about one in 50 carries a control flag."""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, text
from sqlalchemy.orm import Session

from cocon_network.server import controls_rules as rules
from cocon_network.server import models as m

DISCIPLINES = ("psychomotricite", "orthophonie", "kinesitherapie", "ergotherapie", "psychologie", "orthoptie")
DEPARTEMENTS = ("13", "83", "84", "04", "05", "06", "2A", "2B")
SEANCE_CENTS = 4_000
BILAN_CENTS = 14_000
PLACEHOLDER_PDF = b"%PDF-1.7\n% COCON: bulk row, placeholder bytes (region_data.py)\n%%EOF\n"
PLACEHOLDER_ZIP = b"PK\x05\x06" + b"\x00" * 18  # an empty ZIP
FLAG_TEXTS = {  # the controls' own kinds (controls_rules.py), so that the console labels them
    rules.FORFAIT_SESSIONS: "Le forfait de l'enfant {child} est dépassé en comptant les séances de tous les "
                            "thérapeutes.",
    rules.SAME_DAY_TWO: "L'enfant {child} a une séance de la même discipline le même jour chez un autre thérapeute.",
    rules.AFTER_EXIT: "La séance de l'enfant {child} tombe après sa sortie du parcours.",
    rules.UNKNOWN_CHILD: "L'enfant {child} est inconnu de la liste d'inclusion du réseau.",
}
FLAG_KINDS = tuple(FLAG_TEXTS)


@dataclass(frozen=True)
class RegionSize:
    children: int = 13_000
    therapists: int = 500
    months: int = 60
    last_month: date = date(2026, 11, 1)  # the first day of the newest month billed
    children_per_therapist: int = 40  # the caseload over the whole period (13,000 × ~1.5 / 500)


REGION = RegionSize()
SMALL = RegionSize(children=240, therapists=12, months=6, children_per_therapist=30)


@dataclass
class RegionFigures:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _months(size: RegionSize) -> list[date]:
    first = size.last_month
    out = []
    for back in range(size.months - 1, -1, -1):
        y, mo = divmod(first.year * 12 + first.month - 1 - back, 12)
        out.append(date(y, mo + 1, 1))
    return out


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def luhn_complete(digits: str) -> str:
    """`digits` followed by the Luhn key that makes the whole valid (SIRET, RPPS)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return digits + str((10 - total % 10) % 10)


def siret_for(n: int) -> str:
    """A valid SIRET (its SIREN and itself each with their Luhn key) for the n-th made-up therapist."""
    return luhn_complete(luhn_complete(f"9{n:07d}") + "0001")


def french_iban(bban: str) -> str:
    """A valid French IBAN for a 23-character BBAN (the check digits computed by ISO 13616's rule)."""
    numeric = "".join(str(int(c, 36)) for c in bban + "FR00")
    return f"FR{98 - int(numeric) % 97:02d}{bban}"


class _Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite. Columns the generator does not set
    but that carry a scalar or callable default in models.py (added by another part) get that default."""

    def __init__(self, dbapi: Any, postgres: bool) -> None:
        self.dbapi = dbapi
        self.postgres = postgres

    def write(self, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        extra_names, extra_values = [], []
        for column in table.columns:
            if column.name in columns or column.nullable or column.default is None:
                continue
            default = column.default.arg  # type: ignore[attr-defined]
            extra_names.append(column.name)
            extra_values.append(default(None) if callable(default) else default)
        names = [*columns, *extra_names]
        extra = tuple(extra_values)
        count = 0
        cursor = self.dbapi.cursor()
        if self.postgres:
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra)
                    count += 1
        else:
            marks = ", ".join("?" * len(names))
            sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
            chunk: list[tuple[Any, ...]] = []
            for row in rows:
                chunk.append(row + extra)
                if len(chunk) == 5_000:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            cursor.executemany(sql, chunk)
            count += len(chunk)
        cursor.close()
        return count


@dataclass
class _Child:
    number: str
    initials: str
    birth: date
    included: date
    ended: date
    departement: str


def _children(size: RegionSize, rng: random.Random) -> list[_Child]:
    months = _months(size)
    start, end = months[0] - timedelta(days=700), _month_end(months[-1])
    span = (end - start).days
    out = []
    for n in range(size.children):
        included = start + timedelta(days=rng.randrange(span))
        birth = included - timedelta(days=rng.randrange(30, 700))
        initials = f"{chr(65 + rng.randrange(26))}. {chr(65 + rng.randrange(26))}."
        out.append(_Child(f"RPM-{included.year}-{n + 1:05d}", initials, birth, included,
                          included + timedelta(days=rng.randrange(730, 1460)), rng.choice(DEPARTEMENTS)))
    return out


_MONTH_TABLES: dict[str, tuple[str, ...]] = {
    "batch": ("batch_id", "therapist_id", "siret", "network", "sha256", "size", "data", "receipt_id", "received_at",
              "status", "reject_code", "reject_reason", "period_start", "period_end", "total_cents"),
    "document": ("id", "batch_id", "therapist_id", "number", "series", "sequence", "kind", "corrects", "issue_date",
                 "amount_cents", "pdf", "sha256", "signature_status", "facturx_xml", "status", "decision_reason",
                 "decided_at", "payment_run_id"),
    "act": ("id", "document_id", "therapist_id", "line", "act_date", "inclusion_number", "initials", "discipline",
            "nature", "amount_cents"),
    "control_flag": ("id", "kind", "inclusion_number", "document_id", "act_id", "batch_id", "message",
                     "created_at"),
}
_PDF_SHA = hashlib.sha256(PLACEHOLDER_PDF).hexdigest()
_ZIP_SHA = hashlib.sha256(PLACEHOLDER_ZIP).hexdigest()


@dataclass
class _State:
    """The running ids and totals while months are generated one after the other (one month in memory)."""

    rng: random.Random
    now: datetime
    therapists: list[tuple[Any, ...]]
    caseload: dict[int, list[_Child]]
    next_document: int = 1
    next_act: int = 1
    next_flag: int = 1
    run_totals: dict[int, int] = field(default_factory=dict)
    seen: set[tuple[int, str]] = field(default_factory=set)

    def month(self, index: int, month: date, status: str, run_id: int | None) -> tuple[list[tuple[Any, ...]], ...]:
        rng, end = self.rng, _month_end(month)
        batches: list[tuple[Any, ...]] = []
        documents: list[tuple[Any, ...]] = []
        acts: list[tuple[Any, ...]] = []
        flags: list[tuple[Any, ...]] = []
        received = datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC)
        decided_at = datetime.combine(end + timedelta(days=10), datetime.min.time(), UTC)
        for th in self.therapists:
            active = [c for c in self.caseload[th[0]] if c.included <= end and c.ended >= month]
            if not active:
                continue
            batch_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            total = 0
            for k, child in enumerate(sorted(active, key=lambda c: c.number)[:8]):
                doc_id = self.next_document
                self.next_document += 1
                sequence = index * 100 + k + 1
                first = (th[0], child.number) not in self.seen
                self.seen.add((th[0], child.number))
                amount = 0
                for line in range(1, rng.randint(3, 5) + 1):
                    cents = BILAN_CENTS if first and line == 1 else SEANCE_CENTS
                    amount += cents
                    acts.append((self.next_act, doc_id, th[0], line, month + timedelta(days=7 * line - 3),
                                 child.number, child.initials, th[2],
                                 "bilan_initial" if cents == BILAN_CENTS else "seance", cents))
                    self.next_act += 1
                doc_status, reason = status, ""
                if status != m.DOC_RECEIVED and rng.random() < 0.005:
                    doc_status, reason = m.DOC_REJECTED, "Séance en double avec un autre thérapeute."
                doc_run = run_id if doc_status == m.DOC_PAID else None
                if doc_run:
                    self.run_totals[doc_run] = self.run_totals.get(doc_run, 0) + amount
                documents.append((doc_id, batch_id, th[0], f"FAC-{month.year}-{sequence:04d}", f"FAC-{month.year}",
                                  sequence, "invoice", "", end, amount, PLACEHOLDER_PDF, _PDF_SHA,
                                  "Signature valide (octets de remplissage)", "", doc_status, reason,
                                  None if doc_status == m.DOC_RECEIVED else decided_at, doc_run))
                total += amount
                if rng.random() < 0.02:
                    kind = rng.choice(FLAG_KINDS)
                    flags.append((self.next_flag, kind, child.number, doc_id, self.next_act - 1, batch_id,
                                  FLAG_TEXTS[kind].format(child=child.number), self.now))
                    self.next_flag += 1
            batches.append((batch_id, th[0], th[3], "RPM", _ZIP_SHA, len(PLACEHOLDER_ZIP), PLACEHOLDER_ZIP,
                            f"RPM-{batch_id}", received, m.DOC_PAID if status == m.DOC_PAID else m.DOC_RECEIVED,
                            "", "", month, end, total))
        return batches, documents, acts, flags


def region_children(size: RegionSize = REGION, seed: int = 21) -> list[tuple[str, str, date, date]]:
    """The inclusion list generate_region(size, seed=seed) writes: (number, initials, included_on, ended_on)."""
    return [(c.number, c.initials, c.included, c.ended) for c in _children(size, random.Random(seed))]


def generate_region(engine: Engine, size: RegionSize = REGION, *, seed: int = 21,
                    progress: Callable[[str], None] | None = None) -> RegionFigures:
    """Fill the (empty, migrated) database of `engine` with a network of `size`; the counts and seconds taken."""
    rng = random.Random(seed)
    began = time.perf_counter()
    figures = RegionFigures()
    postgres = engine.dialect.name == "postgresql"
    now = datetime.now(UTC)
    months = _months(size)
    children = _children(size, rng)
    with engine.begin() as connection:
        dbapi = connection.connection.dbapi_connection
        writer = _Writer(dbapi, postgres)
        t = m.Base.metadata.tables
        figures.counts["inclusion"] = writer.write(
            t["inclusion"], ("inclusion_number", "initials", "birth_date", "gestational_weeks", "included_on",
                             "ended_on", "departement", "imported_at"),
            ((c.number, c.initials, c.birth, rng.choice((None, 32, 36, 39)), c.included, c.ended, c.departement,
              now) for c in children))
        therapists = []
        for n in range(1, size.therapists + 1):
            siret = siret_for(n)
            therapists.append((n, f"Thérapeute {n:03d}", DISCIPLINES[n % len(DISCIPLINES)], siret,
                               luhn_complete(f"1{n:09d}"), french_iban(f"30001{n:05d}{n:011d}00"), "BDFEFRPP",
                               DEPARTEMENTS[n % len(DEPARTEMENTS)], months[0] - timedelta(days=30), None, now))
        figures.counts["therapist"] = writer.write(
            t["therapist"], ("id", "name", "discipline", "siret", "rpps", "iban", "bic", "departement",
                             "convention_start", "convention_end", "created_at"), therapists)
        figures.counts["therapist_certificate"] = writer.write(
            t["therapist_certificate"], ("id", "therapist_id", "fingerprint", "subject", "registered_at"),
            ((th[0], th[0], hashlib.sha256(th[3].encode()).hexdigest(), f"CN={th[1]}", now) for th in therapists))
        figures.counts["api_token"] = writer.write(
            t["api_token"], ("id", "therapist_id", "token_sha256", "hint", "created_at"),
            ((th[0], th[0], hashlib.sha256(f"jeton-{th[0]}".encode()).hexdigest(), f"jeton-{th[0]}"[:8], now)
             for th in therapists))
        # caseloads: each therapist follows children_per_therapist children, chosen at random
        caseload = {th[0]: rng.sample(children, min(size.children_per_therapist, len(children)))
                    for th in therapists}
        runs = [(i + 1, f"COCON-RUN-{mo:%Y%m}", _month_end(mo) + timedelta(days=40),
                 datetime.combine(_month_end(mo) + timedelta(days=35), datetime.min.time(), UTC), mo)
                for i, mo in enumerate(months[:-2])]
        run_of = {r[4]: r[0] for r in runs}
        figures.counts["payment_run"] = writer.write(
            t["payment_run"], ("id", "message_id", "execution_date", "total_cents", "sepa_xml", "created_at",
                               "executed_at"), ((r[0], r[1], r[2], 0, b"", r[3], r[3]) for r in runs))
        state = _State(rng=rng, now=now, therapists=therapists, caseload=caseload)
        for index, month in enumerate(months):
            age = len(months) - 1 - index
            status = m.DOC_RECEIVED if age == 0 else m.DOC_ACCEPTED if age == 1 else m.DOC_PAID
            rows = state.month(index, month, status, run_of.get(month))
            for name, table_rows in zip(_MONTH_TABLES, rows, strict=True):
                figures.counts[name] = figures.counts.get(name, 0) + writer.write(
                    t[name], _MONTH_TABLES[name], table_rows)
            if progress and index % 12 == 11:
                progress(f"{month:%Y-%m} : {figures.counts['act']} actes")
        for run_id, total in state.run_totals.items():
            connection.execute(text("UPDATE payment_run SET total_cents = :total WHERE id = :id"),
                               {"total": total, "id": run_id})
        if postgres:
            for table in ("therapist", "therapist_certificate", "api_token", "payment_run", "document", "act",
                          "control_flag"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    from cocon_network.server.report_aggregate import rebuild  # the funder's report by month, from the acts

    with Session(engine) as session, session.begin():
        rebuild(session)
    if postgres:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    figures.seconds = time.perf_counter() - began
    return figures
