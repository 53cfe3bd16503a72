"""The large practice (`cocon demo --size large`): its generation, the queries of the pages on SQLCipher vs the
same schema and rows in plain SQLite (same library, same PRAGMAs, no key), start to main window vs a bare
PySide6 window, and peak memory with every page visited (both in subprocesses)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from cocon_desktop.services.children import ChildQuery, count_children, list_children
from cocon_desktop.services.demo_large import create_large_demo
from cocon_desktop.services.demo_large_invoices import months_back
from cocon_desktop.services.invoice_drafts import preview
from cocon_desktop.services.payments import Listing, status_page, unpaid
from cocon_desktop.services.practice_handle import Practice

Row = tuple[str, str, str, str]
HERE = Path(__file__).resolve().parent


def _plain_copy(practice: Practice, path: Path) -> sessionmaker[Session]:
    """The same database decrypted (sqlcipher_export), opened like the real one but without a key."""
    with practice.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute(f"ATTACH DATABASE '{path}' AS plain KEY ''")
        raw.execute("SELECT sqlcipher_export('plain')")
        raw.execute("DETACH DATABASE plain")

    def connect() -> Any:
        conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
        for pragma in ("temp_store = MEMORY", "journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
            conn.execute(f"PRAGMA {pragma}")
        return conn

    engine = create_engine("sqlite://", creator=connect, module=sqlcipher3, poolclass=QueuePool)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return sessionmaker(engine, expire_on_commit=False)


def _median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    fn()  # the first run warms the page cache, as the page's second visit would
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


class _Reader:
    """What load_file needs of the practice handle (`read`), over any sessions: the SQLCipher file's or the plain
    copy's, so that both run the same reads."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def read(self, use_case: Callable[..., object], *args: object) -> object:
        return use_case(self.sessions, *args)


def _queries(today: date) -> dict[str, Callable[[sessionmaker[Session]], object]]:
    from cocon_desktop.ui.pages.child_file import load_file  # plain services, no widget

    first, last = months_back(today, 1)
    return {
        "children list page (count + 200 rows)": lambda s: (count_children(s, ChildQuery(active_only=True), today),
                                                           list_children(s, ChildQuery(active_only=True), today)),
        "children search « bern » (all)": lambda s: list_children(s, ChildQuery(text="bern"), today),
        "a child's file (identity, forfaits, séances)": lambda s: load_file(_Reader(s), 1000, today),  # type: ignore[arg-type]
        "a month's invoice preview (RPM)": lambda s: preview(s, "RPM", first, last),
        "the unpaid list": lambda s: unpaid(s, today),
        "issued documents, a page of 200 (newest)": lambda s: status_page(s, Listing(), 0, 200),
        "issued documents, the last page": lambda s: status_page(s, Listing(), 11_800, 200),
    }


def _subprocess(script: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """(ms from launch to the "shown" line's wall-clock time, or to exit; the last line printed)."""
    times, last = _probe(script, *args, env=env)
    return times.get("shown", times["exit"]), last


def _probe(script: str, *args: str, env: dict[str, str] | None = None) -> tuple[dict[str, float], str]:
    """ms from launch to each "shown T" / "ready T" line's wall-clock time, and to exit; the last line printed.

    Bytecode is cached (under the work folder: PYTHONPYCACHEPREFIX) as in an installed program, even where the
    environment sets PYTHONDONTWRITEBYTECODE: otherwise every module of the program is compiled at each start."""
    full = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    full.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": str(_PYCACHE[0])}, **(env or {}))
    start, wall = time.perf_counter(), time.time()
    out = subprocess.run([sys.executable, str(HERE / script), *args], check=True, capture_output=True, text=True,
                         env=full, timeout=600).stdout
    times = {"exit": (time.perf_counter() - start) * 1000}
    for line in out.splitlines():
        if line.startswith(("shown ", "ready ")):
            times[line.split()[0]] = (float(line.split()[1]) - wall) * 1000
    return times, out.strip().splitlines()[-1]


_PYCACHE = [Path("pycache")]


def _keychain_copy(practice_dir: Path, work: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the large practice whose key is "in the keychain": memory_keyring.py in the child process holds
    it (this VM has no Secret Service), reached through keyring's API as the program does."""
    from dataclasses import replace

    from cocon_desktop.security import vault
    from cocon_desktop.security.keyfile import KeyFile
    from cocon_desktop.security.vault import VaultPaths

    copy = work / "large-keychain"
    shutil.copytree(practice_dir, copy)
    key = vault.unlock_with_passphrase(copy, "demo")
    keyfile = KeyFile.load(VaultPaths(copy).key_file)
    replace(keyfile, remembered=True).save(VaultPaths(copy).key_file, key.data_key)
    return copy, {"PYTHON_KEYRING_BACKEND": "memory_keyring.MemoryKeyring",
                  "COCON_BENCH_KEYCHAIN": f"{key.vault_id}:{key.data_key.hex()}"}


def _start_rows(work: Path) -> list[Row]:
    """Start to the first window: 9 runs each, alternating with the bare window (after one discarded run each,
    which writes the bytecode cache); the ratio of the medians, and of the best runs (what a pause of this shared
    machine cannot make slower)."""
    _PYCACHE[0] = work / "pycache"
    keychain_dir, env = _keychain_copy(work / "large", work)
    bare: list[float] = []
    shown: list[float] = []
    ready: list[float] = []
    unlock: list[float] = []
    for run in range(10):
        cocon = _probe("window_start.py", "cocon", str(keychain_dir), env=env)[0]
        times = (_probe("window_start.py", "bare")[0]["shown"], cocon["shown"], cocon["ready"],
                 _probe("window_start.py", "unlock", str(work / "large"))[0]["shown"])
        if run:
            for series, value in zip((bare, shown, ready, unlock), times, strict=True):
                series.append(value)
    base, best = statistics.median(bare), min(bare)

    def ratios(series: list[float]) -> str:
        return f"{statistics.median(series) / base:.2f}× (best runs {min(series) / best:.2f}×)"

    return [
        ("start to main window shown (key in the keychain) vs bare PySide6 window",
         f"{statistics.median(shown):.0f} ms", f"{ratios(shown)}, bare {base:.0f} ms", "≤ 1.5×"),
        ("… to the dashboard filled (practice opened in the background, action lines shown)",
         f"{statistics.median(ready):.0f} ms", ratios(ready), "≤ 600 ms"),
        ("start to the unlock window (key not remembered) vs bare PySide6 window",
         f"{statistics.median(unlock):.0f} ms", ratios(unlock), "≤ 1.5×"),
    ]


def rows(work: Path) -> list[Row]:
    today = date.today()
    begin = time.perf_counter()
    practice = create_large_demo(work / "large", today, signed_months=0)
    generated = time.perf_counter() - begin
    out: list[Row] = [("generate the large demo (2,000 children, 100,000 séances, 12,000 invoices)",
                       f"{generated:.1f} s", "bulk inserts, one transaction", "")]
    plain = _plain_copy(practice, work / "plain.db")
    for name, query in _queries(today).items():
        cipher_ms = _median_ms(lambda q=query: q(practice.sessions))  # type: ignore[misc]
        plain_ms = _median_ms(lambda q=query: q(plain))  # type: ignore[misc]
        out.append((f"{name}, SQLCipher vs SQLite", f"{cipher_ms:.1f} ms", f"{cipher_ms / plain_ms:.2f}×",
                    "≤ 1.3×, < 100 ms"))
    plain.kw["bind"].dispose()
    from benchmarks import key_rotation

    out += key_rotation.rows(practice)  # issue 19, #3: the whole database re-encrypted under a new key
    practice.close()

    out += _start_rows(work)
    _, bare_mem = _subprocess("window_start.py", "bare-memory")
    _, peak = _subprocess("window_start.py", "visit", str(work / "large"))
    out.append(("peak memory, large practice open, every page visited", f"{float(peak.split()[1]):.0f} MB",
                f"bare PySide6 window {float(bare_mem.split()[1]):.0f} MB", "≤ 300 MB"))
    return out


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for row in rows(Path(tmp)):
            print("  ".join(row))
