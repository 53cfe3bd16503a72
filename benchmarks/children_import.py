"""Importing a network's list of children: 2,000 and 20,000 rows, dry run (preview) and real import, on a real
encrypted practice; each against a 200-row import measured in the same run (linear: the ratio stays near 1 per
row), and a 2,000-row import after a child whose name is 100,000 characters long (an older database may hold one:
issue 19 #11 measured 108 s there). Goal: 20,000 rows in ≤ 10 s, dry run and real.

    python -m benchmarks.children_import [ROWS …]      # one table; the default sizes are 2000 and 20000
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from cocon_desktop.models import Child
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services.children_import import import_children, preview_import
from cocon_desktop.services.demo import DEMO_PROFILE
from cocon_desktop.services.practice_handle import Practice, create_practice

FAST = Argon2Params(time_cost=1, memory_kib=8 * 1024, parallelism=1)
TODAY = date(2026, 6, 1)
FIRST_BIRTH = date(2023, 1, 1)
HEADER = ("N° d'inclusion;Nom de naissance;Prénom;Date de naissance;Sexe;Terme;Poids de naissance;Réseau;"
          "Date d'inclusion;Groupe de risque;Représentant légal;Lien;Téléphone;Courriel;Adresse")
LONG_NAME = "A" * 100_000
GOAL_SECONDS = 10.0


def network_file(rows: int, same_birth_date: date | None = None) -> bytes:
    """A network's inclusion list as French Excel saves it: `rows` distinct children (birth dates spread over
    three years, or all on `same_birth_date`: the worst case for the look-up of a same-named child)."""
    lines = [HEADER]
    for i in range(rows):
        born = same_birth_date or FIRST_BIRTH + timedelta(days=i % 1000)
        lines.append(f"RPO-{2023 + i % 3}-{i:06d};Nom{i:06d};Prénom{i % 97};{born:%d/%m/%Y};{'FM'[i % 2]};"
                     f"{24 + i % 10}+{i % 7};{900 + i % 1500} g;Occitanie;{born + timedelta(days=40):%d/%m/%Y};"
                     f"{'haut' if i % 3 else 'modéré'};NOM{i:06d} Camille;Mère;06 00 {i % 100:02d} {i % 89:02d} 01;"
                     f"parent{i}@example.org;{i} rue des Lilas")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _practice(folder: Path) -> Practice:
    return create_practice(folder, "Ours-brun-7-Lavande!", DEMO_PROFILE, RecoveryKey.generate(), params=FAST)


def _add_long_named_child(practice: Practice, born: date) -> None:
    """A child stored with a 100,000-character name, as a database written before the limits may hold."""
    now = datetime.now(UTC)
    with practice.sessions.begin() as session:
        session.execute(insert(Child), [dict(
            last_name=LONG_NAME, first_name=LONG_NAME, birth_date=born, sex="F", gestational_weeks=30,
            gestational_days=0, inclusion_number="RPO-LONG-0001", network="RPO", risk_group="",
            inclusion_criteria=[], nir="", birth_place_code="", identity_status="provisoire", identity_source="",
            exit_reason="", search_key="long", created_at=now, updated_at=now)])


def _timed(fn: Callable[[], object]) -> float:
    begin = time.perf_counter()
    fn()
    return time.perf_counter() - begin


def measure(work: Path, rows: int, dry_run: bool, long_name: bool = False) -> float:
    """Seconds for one import of `rows` rows into a fresh practice (the practice's creation not counted)."""
    born = FIRST_BIRTH if long_name else None
    raw = network_file(rows, born)
    practice = _practice(work / f"p-{rows}-{dry_run}-{long_name}")
    try:
        if long_name:
            _add_long_named_child(practice, FIRST_BIRTH)
        if dry_run:
            return _timed(lambda: preview_import(practice.sessions, raw, TODAY, "RPO"))
        return _timed(lambda: import_children(practice.sessions, raw, TODAY, "RPO"))
    finally:
        practice.close()


def rows(sizes: tuple[int, ...] = (2000, 20_000)) -> list[tuple[str, str, str, str]]:
    lines: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for dry_run in (True, False):
            kind = "dry run" if dry_run else "import"
            base = measure(work, 200, dry_run) / 200  # seconds a row, on a small file
            for size in sizes:
                seconds = measure(work, size, dry_run)
                goal = f"≤ {GOAL_SECONDS:.0f} s" if size >= 20_000 else ""
                lines.append((f"children import, {size:,} rows, {kind}", f"{seconds:.2f} s",
                              f"{seconds / (base * size):.2f}× the 200-row cost a row", goal))
            seconds = measure(work, 2000, dry_run, long_name=True)
            lines.append((f"children import, 2,000 rows on one birth date after a 100,000-char name, {kind}",
                          f"{seconds:.2f} s", f"{seconds / (base * 2000):.2f}× the 200-row cost a row", "≈ 1×"))
    return lines


def main(argv: list[str]) -> None:
    sizes = tuple(int(a) for a in argv) or (2000, 20_000)
    for line in rows(sizes):
        print("  ".join(line))


if __name__ == "__main__":
    main(sys.argv[1:])
