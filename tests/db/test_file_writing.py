"""Issue 19, #7: how the program writes files. A folder it did not create keeps its permissions; the temporary file
is made with O_EXCL|O_NOFOLLOW under a random name in the target folder, so a planted symlink never receives the
data; the anchor (chain-head.json) is written under a file lock, so that threads and processes writing and reading
it never meet a FileNotFoundError or a torn file."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cocon_desktop import fsutil
from cocon_desktop.services.invoice_verify import ANCHOR_FILE, _read_anchor, write_anchor
from cocon_desktop.services.practice_handle import Practice
from tests.conftest import STRONG_PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def user_folder(path: Path) -> Path:
    """A folder of the user's, as the user made it (0755)."""
    path.mkdir()
    os.chmod(path, 0o755)
    return path


def test_an_existing_folder_keeps_its_permissions(tmp_path: Path) -> None:
    documents = user_folder(tmp_path / "Documents")
    fsutil.atomic_write(documents / "FAC-2026-0001.pdf", b"%PDF-1.7")  # private_dir=True, the default
    fsutil.ensure_private_dir(documents)
    assert mode(documents) == 0o755, "the user's folder was made 0700"
    assert mode(documents / "FAC-2026-0001.pdf") == 0o600


def test_folders_the_program_creates_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fsutil.atomic_write(tmp_path / "a" / "b" / "c.pdf", b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a") == mode(tmp_path / "a" / "b") == 0o700


def test_a_planted_symlink_at_the_old_temporary_name_receives_nothing(tmp_path: Path) -> None:
    """The attack of the issue: the temporary name was `.NAME.PID.tmp`, opened with O_CREAT|O_TRUNC and no
    O_NOFOLLOW, so a symlink planted there by another user sent the data into a file of theirs (mode 644)."""
    shared = user_folder(tmp_path / "partage")
    victim = tmp_path / "attacker.txt"
    victim.write_bytes(b"")
    os.chmod(victim, 0o666)
    target = shared / "export.pdf"
    for name in (f".{target.name}.{os.getpid()}.tmp", f".{target.name}.tmp", f"{target.name}.tmp"):
        (shared / name).symlink_to(victim)
    fsutil.atomic_write(target, b"health data", private_dir=False)
    assert victim.read_bytes() == b"", "the data went through the planted symlink"
    assert target.read_bytes() == b"health data" and not target.is_symlink() and mode(target) == 0o600
    assert sorted(p.name for p in shared.iterdir() if not p.is_symlink()) == ["export.pdf"]  # no temporary left


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    folder = user_folder(tmp_path / "partage")
    victim = tmp_path / "elsewhere.txt"
    victim.write_bytes(b"theirs")
    (folder / "report.csv").symlink_to(victim)
    fsutil.atomic_write(folder / "report.csv", b"ours", private_dir=False)
    assert victim.read_bytes() == b"theirs"
    assert not (folder / "report.csv").is_symlink() and (folder / "report.csv").read_bytes() == b"ours"


def test_the_temporary_file_is_opened_exclusive_and_never_follows(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, int]] = []
    real_open = os.open

    def spy(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: object) -> int:
        seen.append((os.fspath(path), flags))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    fsutil.atomic_write(tmp_path / "out" / "x.pdf", b"data")
    fsutil.atomic_write(tmp_path / "out" / "x.pdf", b"data again")
    created = [(path, flags) for path, flags in seen if flags & os.O_CREAT and path.endswith(".tmp")]
    assert len(created) == 2
    assert len({path for path, _ in created}) == 2, "the temporary name is the same each time (predictable)"
    for path, flags in created:
        assert flags & os.O_EXCL and flags & os.O_NOFOLLOW, f"{path} opened without O_EXCL|O_NOFOLLOW"
        assert str(os.getpid()) not in Path(path).name


def test_two_threads_writing_the_anchor_never_fail_nor_tear(practice: Practice) -> None:
    """The issue's race: 8 threads writing chain-head.json and 4 reading it gave FileNotFoundError (a temporary
    renamed away by another thread) and torn reads (two threads writing into one temporary file)."""
    key = practice.key.data_key
    write_anchor(practice.sessions, practice.data_dir, key)
    expected = _read_anchor(practice.data_dir, key)
    assert expected is not None and expected[0] == 0
    errors: list[BaseException] = []
    torn: list[object] = []
    stop = threading.Event()

    def writer() -> None:
        try:
            for _ in range(40):
                write_anchor(practice.sessions, practice.data_dir, key)
        except BaseException as exc:
            errors.append(exc)

    def reader() -> None:
        try:
            while not stop.is_set():
                got = _read_anchor(practice.data_dir, key)
                if got != expected:
                    torn.append(got)
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    writers = [threading.Thread(target=writer) for _ in range(8)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    for thread in readers:
        thread.join()
    assert errors == [] and torn == []
    assert [p.name for p in practice.data_dir.iterdir() if p.name.endswith(".tmp")] == []
    assert mode(fsutil.lock_path(practice.data_dir / ANCHOR_FILE)) == 0o600


COUNTER = """
import json, sys
from pathlib import Path
from cocon_desktop import fsutil
path = Path(sys.argv[1])
def bump():
    return json.dumps({"n": json.loads(path.read_bytes())["n"] + 1}).encode()
for _ in range(int(sys.argv[2])):
    fsutil.locked_write(path, bump)
    json.loads(fsutil.locked_read(path))
"""


def test_processes_updating_a_file_under_its_lock_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "counter.json"
    fsutil.atomic_write(path, b'{"n": 0}')
    workers = [subprocess.Popen([sys.executable, "-c", COUNTER, str(path), "150"], cwd=ROOT,
                                stderr=subprocess.PIPE, text=True) for _ in range(4)]
    failures = [worker.communicate(timeout=120)[1] for worker in workers if worker.wait(timeout=120) != 0]
    assert failures == []
    assert json.loads(path.read_bytes()) == {"n": 600}, "an update was lost: the writers were not serialised"


ANCHOR_WRITER = """
import sys
from pathlib import Path
from cocon_desktop.services.invoice_verify import _read_anchor, write_anchor
from cocon_desktop.services.practice_handle import open_with_passphrase
practice = open_with_passphrase(Path(sys.argv[1]), sys.argv[2])
print("opened", flush=True)
write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
assert _read_anchor(practice.data_dir, practice.key.data_key) is not None
practice.close()
"""


def test_another_process_writes_the_anchor_only_under_its_lock(practice: Practice) -> None:
    """While this process holds the anchor's lock, another process's write_anchor waits; it writes once the lock
    is released (before the lock, it wrote at once, whatever another writer or reader was doing)."""
    data_dir = practice.data_dir
    anchor = data_dir / ANCHOR_FILE
    practice.close()
    anchor.unlink(missing_ok=True)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    with fsutil.file_lock(anchor):
        worker = subprocess.Popen([sys.executable, "-c", ANCHOR_WRITER, str(data_dir), STRONG_PASSPHRASE],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "opened", worker.communicate()[1][-800:]
        with pytest.raises(subprocess.TimeoutExpired):
            worker.wait(timeout=1.5)
        assert not anchor.exists(), "the anchor was written while another process held its lock"
    assert worker.wait(timeout=60) == 0, worker.communicate()[1][-800:]
    assert anchor.exists() and mode(anchor) == 0o600
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_a_copy_killed_halfway_leaves_nothing_under_its_final_name(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the wider torture (#13): the copy taken before a schema upgrade was written under its final name,
    so a kill during the copy left a truncated « practice-before-upgrade-…db »."""
    source = tmp_path / "practice.db"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    target = tmp_path / "backups" / "practice-before-upgrade-0004-20261207T101010Z.db"

    def killed(src: object, dst: object, length: int = 0) -> None:
        dst.write(b"x" * 1000)  # type: ignore[attr-defined]
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(fsutil.shutil, "copyfileobj", killed)
    with pytest.raises(KeyboardInterrupt):
        fsutil.private_copy(source, target)
    assert not target.exists(), "a partial copy under the final name"
    assert list(target.parent.iterdir()) == []
    monkeypatch.undo()
    fsutil.private_copy(source, target)
    assert target.read_bytes() == source.read_bytes() and mode(target) == 0o600
    with pytest.raises(FileExistsError):
        fsutil.private_copy(source, target)  # never overwritten
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_an_upgrade_started_again_within_the_second_takes_its_own_copy(practice: Practice) -> None:
    """The torture's reopening after a kill during an upgrade came within the same second: the copy's name was
    taken (FileExistsError) and the practice did not open."""
    from cocon_desktop.db import migrate

    first = migrate.backup_before_upgrade(practice.engine, practice.paths.database, practice.paths.backups, "0004")
    second = migrate.backup_before_upgrade(practice.engine, practice.paths.database, practice.paths.backups, "0004")
    assert first != second and first.exists() and second.exists()
