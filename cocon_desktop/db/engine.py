"""SQLCipher engine: a raw 256-bit key on each connection, WAL, synchronous=FULL, temp files in memory."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from cocon_desktop.errors import DatabaseError
from cocon_desktop.fsutil import touch_private

ROTATION_WAIT_SECONDS = 300  # a rotation of the large practice takes ~6 s here
IMMEDIATE = "cocon_begin_immediate"  # execution option: Session.connection(execution_options={IMMEDIATE: True})


def _key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("the data key is 256 bits")
    return f"PRAGMA key = \"x'{key.hex()}'\""


class KeyHolder:
    """The data key, where the engine's connection creator reads it: `clear()` (the practice is closed) zeroes
    the copy and drops it, so that no closure keeps the key alive and every later connection fails with
    DatabaseError('practice_closed') instead of opening the database."""

    __slots__ = ("__weakref__", "_key", "_ready")

    def __init__(self, key: bytes) -> None:
        self._key: bytearray | None = bytearray(key)
        self._ready = threading.Event()  # cleared while a key rotation has the file to itself
        self._ready.set()

    @property
    def closed(self) -> bool:
        return self._key is None

    def get(self) -> bytes:
        """The key for a new connection; during a key rotation (`pause`), it waits for the new key: a connection
        opened meanwhile would hold the old file, renamed away, and the old key."""
        self._ready.wait(ROTATION_WAIT_SECONDS)
        if self._key is None:
            raise DatabaseError("practice_closed")
        return bytes(self._key)

    def pause(self) -> None:
        """A key rotation starts: new connections wait (`get`) until `replace` or `resume`."""
        self._ready.clear()

    def resume(self) -> None:
        self._ready.set()

    def replace(self, key: bytes) -> None:
        """A new data key (a key rotation): connections opened from now on use it."""
        self.clear()
        self._key = bytearray(key)
        self._ready.set()

    def clear(self) -> None:
        self._ready.set()  # a closed practice: waiting connections fail at once (practice_closed)
        if self._key is not None:
            self._key[:] = bytes(len(self._key))  # the holder's own copy is wiped, not only dropped
        self._key = None

    def __repr__(self) -> str:  # never print the key
        return f"KeyHolder(closed={self.closed})"


def connect(path: Path, key: bytes) -> Any:
    """A keyed sqlcipher3 connection; DatabaseError('database_unreadable') when the key does not open it."""
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_key_pragma(key))
        conn.execute("PRAGMA temp_store = MEMORY")  # no plaintext temporary file
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise DatabaseError("database_unreadable", path=str(path)) from exc
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def create_database_engine(path: Path, key: bytes | KeyHolder) -> Engine:
    """The SQLAlchemy engine over the encrypted file (created 0600 if new). Its connections read the key from
    `key`'s holder each time: once the holder is cleared, none opens (DatabaseError('practice_closed'))."""
    holder = key if isinstance(key, KeyHolder) else KeyHolder(key)
    if not path.exists():
        touch_private(path)
    connect(path, holder.get()).close()  # fail now, with a clear code, rather than at the first query
    engine = create_engine(
        "sqlite://",
        creator=lambda: connect(path, holder.get()),
        module=sqlcipher3,
        poolclass=QueuePool,  # "sqlite://" would pick SingletonThreadPool, which closes connections
        pool_pre_ping=False,  # in use by other threads once more than 5 threads have connected
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:  # pysqlite's own transaction handling is off: begin explicitly
        # A writer that must read-then-write without interleaving (invoice numbering) asks for IMMEDIATE:
        # it takes the write lock at BEGIN, so two writers queue instead of failing.
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def cipher_facts(engine: Engine) -> dict[str, str]:
    """SQLCipher's version and settings, for `cocon info` (never the key)."""
    facts: dict[str, str] = {}
    with engine.connect() as conn:
        for pragma in ("cipher_version", "cipher_page_size", "cipher_kdf_algorithm", "cipher_hmac_algorithm",
                       "journal_mode", "synchronous"):
            row = conn.exec_driver_sql(f"PRAGMA {pragma}").fetchone()
            facts[pragma] = str(row[0]) if row else ""
    return facts
