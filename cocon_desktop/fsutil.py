"""Private files: 0600 files, 0700 folders (only those the program creates), small files written atomically
(a `mkstemp` temporary in the target folder, fsync, rename, fsync of the folder), and files several writers
update under a lock (the anchor `chain-head.json`).

Issue 19, #7: a folder that exists is never chmod-ed (`document export -o ~/Documents/x.pdf` used to make
~/Documents 0700); the temporary file is created with O_EXCL and O_NOFOLLOW under an unpredictable name, so a
planted symlink never receives the data; two threads or processes writing the same file under `locked_write`
never interleave (the pid-named temporary of before gave FileNotFoundError and torn reads)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
LOCK_SUFFIX = ".lock"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and its missing parents, each 0700 whatever the umask. A folder that already exists keeps
    its permissions: the program never changes those of a folder it did not create (the user's Documents, a USB
    drive, a data folder chosen by hand)."""
    missing: list[Path] = []
    current = path
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:  # made meanwhile by someone else: not ours to change
            continue
        with contextlib.suppress(OSError):  # the umask may have removed bits we asked for: never added any
            os.chmod(folder, DIR_MODE)
    path.mkdir(exist_ok=True)  # FileExistsError when a file is in the way, as mkdir says
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename or a creation in `path` durable (POSIX; Windows has no folder handle to flush)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY | _CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_fsync_dir = fsync_dir  # the name services/backup.py imports


def atomic_write(path: Path, data: bytes, *, private_dir: bool = True) -> None:
    """Write `data` to `path` (0600) so that a crash leaves either the old or the new content, never half.

    The temporary file comes from `mkstemp` in the target folder (O_CREAT|O_EXCL|O_NOFOLLOW, a random name):
    nothing planted there, file or symlink, is opened or followed. With `private_dir` a missing folder is created
    0700; an existing folder is left as it is either way. `path` itself, if it is a symlink, is replaced by the
    file (the rename never follows it)."""
    folder = path.parent
    if private_dir:
        ensure_private_dir(folder)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(folder)


def lock_path(path: Path) -> Path:
    """The lock file that guards `path`: `.NAME.lock` beside it (0600, empty, kept)."""
    return path.with_name(f".{path.name}{LOCK_SUFFIX}")


def _thread_lock(path: Path) -> threading.Lock:
    with _thread_locks_guard:
        return _thread_locks.setdefault(os.path.abspath(path), threading.Lock())


def _lock_fd(fd: int) -> None:
    if sys.platform == "win32":  # a byte of the lock file, retried until it is ours
        import msvcrt
        import time

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(0.01)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def _unlock_fd(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold the exclusive lock of `path` (threads of this process and other processes alike): fcntl.flock on
    POSIX, msvcrt.locking on Windows, on the lock file `lock_path(path)`, which is never followed if a symlink."""
    with _thread_lock(path):
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, FILE_MODE)
        try:
            _lock_fd(fd)
            try:
                yield
            finally:
                _unlock_fd(fd)
        finally:
            os.close(fd)


def locked_write(path: Path, make: Callable[[], bytes], *, private_dir: bool = True) -> None:
    """Under `path`'s lock, compute its new content with `make()` and write it atomically: of two writers the
    second computes after the first has written, so the file never goes back to an older state, and a reader
    under the same lock (`locked_read`) never meets a rename half done (Windows refuses to replace an open file)."""
    if private_dir:
        ensure_private_dir(path.parent)
    with file_lock(path):
        atomic_write(path, make(), private_dir=False)


def locked_read(path: Path) -> bytes:
    """`path`'s content read under its lock (FileNotFoundError when it does not exist). The lock file is made
    only where the folder exists."""
    if not path.parent.is_dir():
        raise FileNotFoundError(path)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(file_lock(path))
        except OSError as exc:  # a folder we may read but not write (a copy on a read-only medium)
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise
        return path.read_bytes()


def touch_private(path: Path) -> None:
    """Create an empty 0600 file if it does not exist (so that SQLite's files inherit the mode)."""
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    os.close(fd)
    os.chmod(path, FILE_MODE)


def private_copy(source: Path, target: Path) -> None:
    """Copy a file to a new 0600 file, fsynced; FileExistsError if `target` exists. The copy is made under a
    temporary name (mkstemp, as atomic_write) and linked to `target` only once whole: a kill during the copy never
    leaves a truncated file under the final name (the torture found one: issue 19, #13)."""
    folder = ensure_private_dir(target.parent)
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, "File exists", str(target))
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, target)  # fails if target appeared meanwhile: never overwritten
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links (FAT): checked just above, then renamed
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
            os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    fsync_dir(folder)
