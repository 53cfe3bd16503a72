"""Backups of a practice: one encrypted file (services/backup_format.py), written atomically (0600), verified
after writing; an automatic one when the program closes (the last N kept, a setting) and one on demand to any
folder (a USB drive); restore into a NEW data folder, opened with the passphrase or the recovery key."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cocon_desktop import __version__, settings
from cocon_desktop.db import migrate
from cocon_desktop.db.snapshot import check_file, copy_live
from cocon_desktop.errors import CoconError, DatabaseError
from cocon_desktop.fsutil import _fsync_dir, ensure_private_dir
from cocon_desktop.security import vault
from cocon_desktop.security.keyfile import KeyFile
from cocon_desktop.security.vault import KEY_FILE, UnlockedKey, VaultPaths
from cocon_desktop.services import backup_format, settings_store
from cocon_desktop.services.backup_format import SUFFIX
from cocon_desktop.services.changes import HANDLE, Changes, writes
from cocon_desktop.services.invoice_verify import ANCHOR_FILE
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.progress import Progress

PREFIX = "cocon-sauvegarde-"
DB_MEMBER = "practice.db"
STEPS = 4
RESTORE_STEPS = 3
STALE_AFTER_S = 3600  # a backup or restore's own leftovers older than this were left by a killed process


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    size: int
    counts: dict[str, int]


@dataclass(frozen=True)
class RestoreReport:
    data_dir: Path
    vault_id: str
    created_at: str
    schema_revision: str
    counts: dict[str, int]


def _name(now: datetime, folder: Path) -> Path:
    base = PREFIX + now.strftime("%Y%m%d-%H%M%S")
    candidate, n = folder / f"{base}{SUFFIX}", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{base}-{n}{SUFFIX}"
    return candidate


def sweep_leftovers(folder: Path, pattern: str, *, older_than: float = STALE_AFTER_S) -> int:
    """Remove what a killed backup or restore left under a temporary name matching `pattern` in `folder` (staging
    folders, partial files: encrypted, but useless), when older than `older_than` seconds — a younger one may
    belong to a run still going on. Returns how many were removed."""
    removed, limit = 0, time.time() - older_than
    with contextlib.suppress(OSError):
        for leftover in folder.glob(pattern):
            try:
                if leftover.is_symlink() or leftover.lstat().st_mtime > limit:
                    continue
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
                removed += 1
            except OSError:
                continue
    return removed


def _report(progress: Progress | None, step: int) -> None:
    if progress is not None:
        progress(step, STEPS)


def _report_restore(progress: Progress | None, step: int) -> None:
    if progress is not None:
        progress(step, RESTORE_STEPS)


def create_backup(practice: Practice, folder: Path, *, progress: Progress | None = None,
                  now: datetime | None = None) -> BackupInfo:
    """Write a verified backup of `practice` into `folder` (which must exist). Nothing is left but the finished
    file: the snapshot stays encrypted in a private staging folder inside the data folder, then removed."""
    if not folder.is_dir():
        raise CoconError("backup_folder_missing", path=str(folder))
    now = now or datetime.now(UTC)
    paths = practice.paths
    sweep_leftovers(ensure_private_dir(paths.backups), ".backup-*")
    sweep_leftovers(folder, f".{PREFIX}*{SUFFIX}.*.tmp")
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=paths.backups))
    target = _name(now, folder)
    partial = folder / f".{target.name}.{secrets.token_hex(8)}.tmp"  # unpredictable; opened O_EXCL
    try:
        _report(progress, 0)
        snapshot = staging / DB_MEMBER
        copy_live(practice.engine, snapshot, practice.key.data_key)
        integrity, counts = check_file(snapshot, practice.key.data_key)
        if integrity != "ok":
            raise CoconError("backup_source_damaged", detail=integrity)
        _report(progress, 1)
        members = [(KEY_FILE, paths.key_file), (DB_MEMBER, snapshot)]
        if (paths.data_dir / ANCHOR_FILE).exists():
            members.append((ANCHOR_FILE, paths.data_dir / ANCHOR_FILE))
        header = {"vault_id": practice.key.vault_id, "created_at": now.isoformat(timespec="seconds"),
                  "app_version": __version__, "schema_revision": migrate.current_revision(practice.engine),
                  "counts": counts}
        backup_format.write(partial, header, members, practice.key.data_key)
        _report(progress, 2)
        verify_backup(partial, practice.key, staging)
        _report(progress, 3)
        os.replace(partial, target)
        _fsync_dir(folder)
        _report(progress, STEPS)
        return BackupInfo(target, now, target.stat().st_size, counts)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        shutil.rmtree(staging, ignore_errors=True)


def verify_backup(path: Path, key: UnlockedKey, scratch: Path) -> dict[str, int]:
    """Read a backup back: checksum, HMAC, the key file of this vault, the database opens with the key,
    integrity_check is ok and every table has the rows the header says. Returns the counts."""
    container = backup_format.read(path)
    if container.vault_id != key.vault_id:
        raise CoconError("backup_other_vault", path=str(path))
    container.check_mac(key.data_key)
    keyfile = KeyFile.from_bytes(container.read_member(KEY_FILE))
    if keyfile.vault_id != key.vault_id:
        raise CoconError("backup_tampered", path=str(path))
    copy = scratch / f"verify-{os.getpid()}.db"
    try:
        container.extract(DB_MEMBER, copy)
        _check_database(copy, key.data_key, container.counts, path)
    finally:
        for leftover in (copy, copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
            leftover.unlink(missing_ok=True)
    return container.counts


def _check_database(db: Path, data_key: bytes, expected: dict[str, int], source: Path) -> None:
    try:
        integrity, counts = check_file(db, data_key)
    except DatabaseError as exc:
        raise CoconError("backup_tampered", path=str(source)) from exc
    if integrity != "ok" or counts != expected:
        raise CoconError("backup_tampered", path=str(source))


def list_automatic(data_dir: Path) -> list[Path]:
    """The backups kept in the data folder's backups/, oldest first."""
    folder = VaultPaths(data_dir).backups
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.name.endswith(SUFFIX))


def prune(data_dir: Path, keep: int) -> list[Path]:
    """Delete the oldest automatic backups beyond the last `keep`; returns those deleted."""
    existing = list_automatic(data_dir)
    doomed = existing[:max(0, len(existing) - max(1, keep))]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def record_last(practice: Practice, info: BackupInfo) -> None:
    settings_store.put(practice.sessions, settings.LAST_BACKUP,
                       f"{info.created_at.isoformat(timespec='seconds')}|{info.path}")


def last_backup(practice: Practice) -> tuple[datetime, str] | None:
    """When and where the last backup (automatic or on demand) was written, if any."""
    raw = str(settings_store.get(practice.sessions, settings.LAST_BACKUP))
    when, _, where = raw.partition("|")
    try:
        return datetime.fromisoformat(when), where
    except ValueError:
        return None


@writes(Changes.SETTINGS, takes=HANDLE)  # the last backup's date and place
def automatic_backup(practice: Practice, *, now: datetime | None = None) -> BackupInfo:
    """The backup taken when the program closes: into backups/, then only the last N (a setting) are kept."""
    info = create_backup(practice, ensure_private_dir(practice.paths.backups), now=now)
    prune(practice.data_dir, int(settings_store.get(practice.sessions, settings.BACKUP_KEEP)))
    record_last(practice, info)
    return info


@writes(Changes.SETTINGS, takes=HANDLE)  # the last backup's date and place
def backup_to(practice: Practice, folder: Path, *, progress: Progress | None = None) -> BackupInfo:
    """A backup on demand, into a folder of the user's choice (a USB drive)."""
    info = create_backup(practice, folder, progress=progress)
    record_last(practice, info)
    return info


def restore(backup_file: Path, data_dir: Path, *, passphrase: str | None = None,
            recovery_key: str | None = None, new_passphrase: str | None = None,
            progress: Progress | None = None) -> RestoreReport:
    """Restore a backup into the new folder `data_dir` (refused if it holds anything), unlocked with the
    passphrase, or with the recovery key (then `new_passphrase`, if given, replaces the old one).
    Everything is checked in a staging folder beside `data_dir`; on any error nothing is left behind.
    `progress(step, RESTORE_STEPS)`: 0 file check, 1 key unlocked, 2 database checked, 3 in place."""
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise CoconError("restore_target_not_empty", path=str(data_dir))
    _report_restore(progress, 0)
    container = backup_format.read(backup_file)
    if DB_MEMBER not in container.members or KEY_FILE not in container.members:
        raise CoconError("backup_corrupted", path=str(backup_file))
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(data_dir.parent, f".{data_dir.name}.restore-*")
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restore-", dir=data_dir.parent))
    os.chmod(staging, 0o700)
    try:
        container.extract(KEY_FILE, staging / KEY_FILE)
        keyfile = KeyFile.load(staging / KEY_FILE)
        if keyfile.vault_id != container.vault_id:
            raise CoconError("backup_tampered", path=str(backup_file))
        if recovery_key is not None:
            key = vault.unlock_with_recovery(staging, recovery_key)
        else:
            key = vault.unlock_with_passphrase(staging, passphrase or "")
        vault.not_remembered(staging, key)  # this computer's keychain knows nothing yet (vault.json's HMAC holds)
        (staging / vault.ATTEMPTS_FILE).unlink(missing_ok=True)
        _report_restore(progress, 1)
        container.check_mac(key.data_key)
        container.extract(DB_MEMBER, staging / vault.DB_FILE)
        _check_database(staging / vault.DB_FILE, key.data_key, container.counts, backup_file)
        if ANCHOR_FILE in container.members:
            container.extract(ANCHOR_FILE, staging / ANCHOR_FILE)
        _report_restore(progress, 2)
        if recovery_key is not None and new_passphrase:  # the data key rotates with it (issue 19, #3)
            from cocon_desktop.services.key_rotation import rotate_restored

            key = rotate_restored(staging, key, new_passphrase, recovery_key)
        if data_dir.exists():
            data_dir.rmdir()  # empty, checked above
        os.replace(staging, data_dir)
        _fsync_dir(data_dir.parent)
        _report_restore(progress, RESTORE_STEPS)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    header = container.header
    return RestoreReport(data_dir, container.vault_id, str(header.get("created_at", "")),
                         str(header.get("schema_revision", "")), container.counts)
