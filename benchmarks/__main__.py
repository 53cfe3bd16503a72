"""`make bench`: one table, each line a ratio against a baseline measured in the same run, goal beside it."""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from cocon_desktop.db.engine import create_database_engine
from cocon_desktop.models import Base, Practice
from cocon_desktop.security.kdf import SALT_BYTES, derive_key, tune
from cocon_desktop.services import practice_profile
from cocon_desktop.services.demo import DEMO_PROFILE


def median_seconds(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []
    params = tune()
    unlock = median_seconds(lambda: derive_key("phrase de passe", b"s" * SALT_BYTES, params), 3)
    rows.append(("unlock: Argon2id derivation", f"{unlock * 1000:.0f} ms",
                 f"t={params.time_cost}, m={params.memory_kib // 1024} MiB, p={params.parallelism}", "0.3–0.5 s"))

    with tempfile.TemporaryDirectory() as tmp:
        key = bytes(range(32))
        cipher = create_database_engine(Path(tmp) / "c.db", key)
        plain = create_engine(f"sqlite:///{Path(tmp) / 'p.db'}")
        for engine in (cipher, plain):
            Base.metadata.create_all(engine)
            practice_profile.save_profile(sessionmaker(engine), DEMO_PROFILE)

        def reads(engine: object) -> Callable[[], object]:
            maker = sessionmaker(engine)  # type: ignore[call-overload]

            def run() -> None:
                for _ in range(200):
                    with maker() as session:
                        session.scalar(select(Practice.name))
            return run

        c, p = median_seconds(reads(cipher)), median_seconds(reads(plain))
        rows.append(("200 profile reads, SQLCipher vs SQLite", f"{c * 1000:.1f} ms", f"{c / p:.2f}×", "≤ 1.3×"))

        def connect_cipher() -> None:
            from cocon_desktop.db.engine import connect
            connect(Path(tmp) / "c.db", key).close()

        def connect_plain() -> None:
            sqlite3.connect(Path(tmp) / "p.db").execute("SELECT count(*) FROM sqlite_master").fetchone()

        cc = median_seconds(lambda: [connect_cipher() for _ in range(20)])
        pc = median_seconds(lambda: [connect_plain() for _ in range(20)])
        rows.append(("new keyed connection (raw key)", f"{cc / 20 * 1000:.2f} ms", f"{cc / pc:.1f}× plain",
                     "< 2 ms"))
        cipher.dispose()
        plain.dispose()

    from benchmarks import children_import, dashboard, invoices, large_practice, network, seance_recording

    with tempfile.TemporaryDirectory() as work:
        rows += large_practice.rows(Path(work))
    rows += seance_recording.rows()
    rows += dashboard.rows()
    rows += invoices.rows()
    rows += children_import.rows()
    rows += network.rows()  # the network's server on PostgreSQL (issue 21, #8): a few minutes
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    header = ("measure", "time", "ratio / parameters", "goal")
    width = [max(w, len(h)) for w, h in zip(width, header, strict=True)]
    for row in (header, *rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, width, strict=True)))


if __name__ == "__main__":
    main()
