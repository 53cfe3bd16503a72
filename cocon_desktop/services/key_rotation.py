"""Key rotation (issue 19, #3): the database re-encrypted under a NEW random data key, the key rewrapped under the
passphrase (a new one, for a passphrase change) and for the recovery key (a new one on demand), the keychain and
the files MACed under the data key brought along, then a fresh backup. The older backups still open with the old
passphrase and recovery key: the report lists them, and `delete_older_backups` removes them on request.

Crash safety (docs/vault.md, « Key rotation »): the next key's slots are written into vault.json beside the current
ones before the database is touched; the database is re-encrypted into a new file (`sqlcipher_export`) renamed over
the old one in one step; the current slots are dropped only afterwards. A kill at any moment leaves a database
under one of the two keys and a vault.json that unlocks both: `settle` (called when a practice opens) finishes or
undoes what was under way."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cocon_desktop.db.engine import connect
from cocon_desktop.db.snapshot import check_file, table_counts_of
from cocon_desktop.errors import DatabaseError, VaultError
from cocon_desktop.fsutil import _fsync_dir, touch_private
from cocon_desktop.security import keychain, vault
from cocon_desktop.security.vault import UnlockedKey, VaultPaths
from cocon_desktop.services.changes import HANDLE, Changes, writes
from cocon_desktop.services.progress import Progress

if TYPE_CHECKING:
    from cocon_desktop.security.recovery import RecoveryKey
    from cocon_desktop.services.practice_handle import Practice

REKEY_SUFFIX = ".rekey"  # the database re-encrypted under the next key, before it is renamed into place
STEPS = 5  # 0 keys checked, 1 next key's slots written, 2 re-encrypted, 3 checked and in place, 4 backup, 5 done


@dataclass(frozen=True)
class RotationReport:
    seconds: float  # the re-encryption and the rewrapping (the fresh backup not included)
    backup: Path | None  # the fresh backup, under the new key
    older_backups: tuple[Path, ...]  # in the data folder: they still open with the old passphrase / recovery key
    last_elsewhere: str  # where the last backup on demand went ("" if none): it too opens with the old key
    recovery_key: RecoveryKey | None  # a new recovery key, to be shown once (asked for, or the vault had none)


def _pending_file(database: Path) -> Path:
    return database.with_name(database.name + REKEY_SUFFIX)


def reencrypt(database: Path, current: bytes, next_key: bytes) -> dict[str, int]:
    """Re-encrypt `database` under `next_key` into a new file, check it, rename it over the old one. Needs the
    database to itself: another connection open (another window, `cocon` running) → DatabaseError('practice_busy').
    Returns the rows per table (the same before and after)."""
    target = _pending_file(database)
    target.unlink(missing_ok=True)
    touch_private(target)
    conn = connect(database, current)
    try:
        conn.execute("PRAGMA busy_timeout = 2000")
        try:  # leaving WAL needs the only connection: the WAL is folded in and removed, no reader is left
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except Exception as exc:  # sqlcipher3.OperationalError: database is locked
            raise DatabaseError("practice_busy") from exc
        if str(mode).lower() != "delete":
            raise DatabaseError("practice_busy")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")  # nobody opens it until the rename (the lock goes with this connection)
        conn.execute("COMMIT")
        counts = table_counts_of(conn)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"ATTACH DATABASE ? AS rekeyed KEY \"x'{next_key.hex()}'\"", (str(target),))
        conn.execute("SELECT sqlcipher_export('rekeyed')")
        conn.execute(f"PRAGMA rekeyed.user_version = {version}")
        conn.execute("DETACH DATABASE rekeyed")
        integrity, copied = check_file(target, next_key)
        if integrity != "ok" or copied != counts:
            raise DatabaseError("rekey_check_failed", detail=integrity)
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        conn.close()
        target.unlink(missing_ok=True)
        raise
    conn.close()
    os.replace(target, database)
    _fsync_dir(database.parent)
    return counts


def _altered(anchor: tuple[object, ...] | None) -> bool:
    """chain-head.json does not read or its MAC does not hold under the key it was read with (count −1)."""
    return anchor is not None and anchor[0] == -1


def _anchor_matches(practice: Practice, current: bytes) -> bool:
    """chain-head.json holds under the current key and says what the database holds (else rotating would re-sign
    a state nobody checked, a rolled-back database included: `cocon verify` first)."""
    from sqlalchemy import func, select

    from cocon_desktop.models import Invoice
    from cocon_desktop.services import invoice_verify

    anchor = invoice_verify._read_anchor(practice.data_dir, current)
    if anchor is None:
        return True
    if _altered(anchor):
        return False
    with practice.sessions() as session:
        count = int(session.scalar(select(func.count()).select_from(Invoice)) or 0)
        head = session.scalar(select(Invoice.chain_hash).order_by(Invoice.id.desc()).limit(1))
    return int(anchor[0]) == count and (count == 0 or anchor[1] == head)


def _bring_along(data_dir: Path, key: UnlockedKey, previous: bytes | None, remembered: bool) -> None:
    """What is MACed or kept under the data key follows it: chain-head.json (written again from the database,
    which was checked against it before the rotation), the numbering's witness in the keychain, the keychain's
    copy of the key (when remembered). Then vault.json keeps the new key's slots only."""
    from sqlalchemy.orm import sessionmaker

    from cocon_desktop.db.engine import create_database_engine
    from cocon_desktop.services import invoice_verify

    paths = VaultPaths(data_dir)
    if previous is not None and _altered(invoice_verify._read_anchor(data_dir, key.data_key)) \
            and not _altered(invoice_verify._read_anchor(data_dir, previous)):
        engine = create_database_engine(paths.database, key.data_key)
        try:
            invoice_verify.write_anchor(sessionmaker(engine), data_dir, key.data_key)
        finally:
            engine.dispose()
    if previous is not None:
        _reseal_witness(key, previous)
    if remembered:
        keychain.store(key.vault_id, key.data_key)
    vault.commit_rotation(data_dir, key.data_key)


def _reseal_witness(key: UnlockedKey, previous: bytes) -> None:
    """The numbering's witness in the keychain (services/number_witness.py) is MACed under the data key: sealed
    again under the new one, or it would say nothing from now on."""
    try:
        from cocon_desktop.services import number_witness
    except ImportError:  # pragma: no cover - the witness arrives with issue 19, #1
        return
    numbers = number_witness.keychain_highest(key.vault_id, previous)
    if numbers:
        keychain.store_witness(key.vault_id, number_witness.seal(key.vault_id, key.data_key, numbers))


def settle(data_dir: Path, key: UnlockedKey) -> UnlockedKey:
    """When a practice opens: a rotation left pending by a kill is finished (the database is under the next key)
    or undone (it is still under the current one). Returns the key that opens the database."""
    paths = VaultPaths(data_dir)
    keyfile = vault.load_keyfile(data_dir)
    if keyfile.legacy and paths.database.exists():
        vault.upgrade_legacy(data_dir, key)  # opened once unauthenticated (version 1), HMACed from now on
    if not keyfile.pending:
        _pending_file(paths.database).unlink(missing_ok=True)  # a copy left by a kill before vault.json changed
        return key
    if not paths.database.exists():
        return key

    def opens(candidate: bytes) -> bool:
        try:
            check = connect(paths.database, candidate)
        except DatabaseError:
            return False
        check.close()
        return True

    is_current = key.next_key is not None and not key.is_next
    if opens(key.data_key):
        if is_current:  # killed before the rename: the next key's slots go
            _pending_file(paths.database).unlink(missing_ok=True)
            vault.abort_rotation(data_dir, key.data_key)
            return UnlockedKey(key.vault_id, key.data_key)
        _bring_along(data_dir, key, None, keyfile.remembered)  # the next key itself: the rename was done
        return UnlockedKey(key.vault_id, key.data_key)
    if key.next_key is not None and opens(key.next_key):
        done = UnlockedKey(key.vault_id, key.next_key)
        _bring_along(data_dir, done, key.data_key, keyfile.remembered)
        return done
    if key.is_next:  # the new passphrase, but the database was not re-encrypted yet
        raise VaultError("rotation_interrupted")
    return key


def rotate_restored(data_dir: Path, key: UnlockedKey, new_passphrase: str, recovery_text: str) -> UnlockedKey:
    """A restore opened with the recovery key and given a new passphrase (services/backup.restore, in its staging
    folder, nothing open): the data key is rotated with it, for the same reason as the recovery flow — the
    forgotten passphrase, in every older copy of vault.json, must not open the restored database. The recovery key
    stays the same (its public half is taken from it: a version 1 file is upgraded). Returns the new key."""
    from cocon_desktop.security.recovery import RecoveryKey
    from cocon_desktop.services import invoice_verify

    vault.check_passphrase_allowed(new_passphrase)
    next_key = vault.begin_rotation(data_dir, key, new_passphrase, RecoveryKey.parse(recovery_text))
    database = VaultPaths(data_dir).database
    reencrypt(database, key.data_key, next_key)
    anchor = invoice_verify._read_anchor(data_dir, key.data_key)
    if anchor is not None and not _altered(anchor):  # the restore checked it: it follows the key
        from sqlalchemy.orm import sessionmaker

        from cocon_desktop.db.engine import create_database_engine

        engine = create_database_engine(database, next_key)
        try:
            invoice_verify.write_anchor(sessionmaker(engine), data_dir, next_key)
        finally:
            engine.dispose()
    vault.commit_rotation(data_dir, next_key)
    return UnlockedKey(key.vault_id, next_key)


def _rotate(practice: Practice, passphrase: str, recovery: RecoveryKey | None,
            progress: Progress | None) -> tuple[float, RecoveryKey | None]:
    def step(n: int) -> None:
        if progress is not None:
            progress(n, STEPS)

    data_dir, current = practice.data_dir, practice.key
    keyfile = vault.load_keyfile(data_dir)
    if keyfile.recovery_public is None and recovery is None:  # a version 1 vault: its recovery key cannot be
        from cocon_desktop.security.recovery import RecoveryKey  # wrapped for without knowing it: a new one

        recovery = RecoveryKey.generate()
    if not _anchor_matches(practice, current.data_key):
        raise VaultError("rotation_needs_verify")
    step(0)
    started = time.perf_counter()
    next_key = vault.begin_rotation(data_dir, current, passphrase, recovery)
    step(1)
    practice.key_holder.pause()  # this program's new connections wait for the new key
    practice.engine.dispose()  # its pooled ones close: the re-encryption needs the file to itself
    try:
        reencrypt(practice.paths.database, current.data_key, next_key)
    except BaseException:
        practice.key_holder.resume()
        vault.abort_rotation(data_dir, current.data_key)
        raise
    step(2)
    rotated = UnlockedKey(current.vault_id, next_key)
    practice.adopt_key(rotated)
    _bring_along(data_dir, rotated, current.data_key, keyfile.remembered)
    step(3)
    return time.perf_counter() - started, recovery


def rotate(practice: Practice, passphrase: str, *, new_passphrase: str | None = None, new_recovery: bool = False,
           backup: bool = True, progress: Progress | None = None) -> RotationReport:
    """Rotate the open practice's data key. `passphrase` must open the practice now (wrong_passphrase, with the
    unlock's delay); `new_passphrase` replaces it (checked first: nothing written when too weak); `new_recovery`
    issues a new recovery key (the old one stops opening anything written from now on)."""
    from cocon_desktop.services import backup as backups

    if new_passphrase is not None:
        vault.check_passphrase_allowed(new_passphrase)
    unlocked = vault.unlock_with_passphrase(practice.data_dir, passphrase)
    if unlocked.data_key != practice.key.data_key:
        raise VaultError("vault_mismatch")
    recovery = None
    if new_recovery:
        from cocon_desktop.security.recovery import RecoveryKey

        recovery = RecoveryKey.generate()
    older = tuple(_older_backups(practice.data_dir))
    last = backups.last_backup(practice)
    elsewhere = last[1] if last and last[1] and Path(last[1]).parent != practice.paths.backups else ""
    seconds, recovery = _rotate(practice, new_passphrase or passphrase, recovery, progress)
    info = None
    if backup:
        info = backups.create_backup(practice, _backups_dir(practice))
        backups.record_last(practice, info)
        if progress is not None:
            progress(4, STEPS)
    if progress is not None:
        progress(STEPS, STEPS)
    return RotationReport(seconds, info.path if info else None, older, elsewhere, recovery)


def _backups_dir(practice: Practice) -> Path:
    from cocon_desktop.fsutil import ensure_private_dir

    return ensure_private_dir(practice.paths.backups)


def _older_backups(data_dir: Path) -> list[Path]:
    """The backups kept in the data folder (automatic ones, copies before a schema upgrade), oldest first."""
    folder = VaultPaths(data_dir).backups
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and (p.suffix in (".coconbak", ".db")))


@writes(Changes.KEYS | Changes.SETTINGS, takes=HANDLE)  # the key, the last backup's date and place
def rotate_data_key(practice: Practice, passphrase: str, *, progress: Progress | None = None) -> RotationReport:
    """« Changer la clé de chiffrement »: a new data key, the same passphrase and recovery key."""
    return rotate(practice, passphrase, progress=progress)


@writes(Changes.KEYS | Changes.SETTINGS, takes=HANDLE)
def change_passphrase(practice: Practice, current: str, new_passphrase: str, *,
                      progress: Progress | None = None) -> RotationReport:
    """A new passphrase = a new data key under it: an old vault.json put back no longer opens the database."""
    return rotate(practice, current, new_passphrase=new_passphrase, progress=progress)


@writes(Changes.KEYS | Changes.SETTINGS, takes=HANDLE)
def new_recovery_key(practice: Practice, passphrase: str, *, progress: Progress | None = None) -> RotationReport:
    """« Nouvelle clé de secours »: shown once (`report.recovery_key`); the old one no longer opens the practice."""
    return rotate(practice, passphrase, new_recovery=True, progress=progress)


@writes(Changes.SETTINGS, takes=HANDLE)
def delete_older_backups(practice: Practice, paths: list[Path]) -> int:
    """Delete the listed backups of the data folder (the report's `older_backups`); returns how many went."""
    allowed = set(_older_backups(practice.data_dir))
    deleted = 0
    for path in paths:
        if path in allowed:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
