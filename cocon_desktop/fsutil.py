"""Private files: 0600 files in 0700 folders, small files written atomically (temp, fsync, rename)."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    with contextlib.suppress(OSError):  # not the owner (a mounted drive): leave it as it is
        os.chmod(path, DIR_MODE)
    return path


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, private_dir: bool = True) -> None:
    """Write `data` to `path` (0600) so that a crash leaves either the old or the new content, never half.

    With `private_dir` the folder is created if needed and made 0700; without it (a file the user saves where
    they choose, like an export) the folder must exist and its permissions are left alone."""
    if private_dir:
        ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def touch_private(path: Path) -> None:
    """Create an empty 0600 file if it does not exist (so that SQLite's files inherit the mode)."""
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)


def private_copy(source: Path, target: Path) -> None:
    """Copy a file to a new 0600 file, fsynced."""
    ensure_private_dir(target.parent)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, 1024 * 1024)
        out.flush()
        os.fsync(out.fileno())
