"""Issue 19, #13: a commit the program reported is on the disk. SQLCipher runs in WAL mode with synchronous = FULL
(with NORMAL, a commit is durable only at the next checkpoint: a power cut can take back a séance the therapist saw
saved). Seen from the kernel: a séance recorded under `strace -f` writes the WAL, then fsyncs (or fdatasyncs) it
before the call returns; the anchor (chain-head.json) is written to a temporary file that is fsynced, renamed over
the anchor, and the folder is fsynced after the rename."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from cocon_desktop.domain.child import ChildData
from cocon_desktop.services import children
from cocon_desktop.services.invoice_verify import ANCHOR_FILE
from cocon_desktop.services.practice_handle import Practice
from tests.conftest import STRONG_PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
MARK = "/nonexistent-cocon-mark"

SCRIPT = f"""
import os, sys
from datetime import date, time
from pathlib import Path
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import seances
from cocon_desktop.services.invoice_verify import write_anchor
from cocon_desktop.services.practice_handle import open_with_passphrase

def mark(name):  # an openat strace sees, that fails: where each step starts and ends in the trace
    try:
        os.close(os.open("{MARK}/" + name, os.O_RDONLY))
    except OSError:
        pass

practice = open_with_passphrase(Path(sys.argv[1]), sys.argv[2])
for n in range(3):
    mark(f"seance-start-{{n}}")
    seances.record_seance(practice.sessions, SeanceData(int(sys.argv[3]), date(2026, 3, 2 + n), time(9, 0),
                                                        out_of_forfait=True))
    mark(f"seance-end-{{n}}")
mark("anchor-start")
write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
mark("anchor-end")
practice.close()
"""

LINE = re.compile(r"^(?P<pid>\d+)\s+(?P<call>\w+)\((?P<args>.*)\)\s+=\s+(?P<ret>-?\d+)")


@dataclass(frozen=True)
class Call:
    name: str
    args: str
    ret: int


def _calls(log: str) -> list[Call]:
    """The trace's calls in order, an « unfinished … resumed » pair joined into one (strace -f, threads)."""
    pending: dict[str, str] = {}
    calls: list[Call] = []
    for raw in log.splitlines():
        head = raw.split(maxsplit=1)
        if len(head) < 2:
            continue
        pid, rest = head
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        if rest.startswith("<... "):
            resumed = re.match(r"<\.\.\. \w+ resumed>(.*)", rest)
            rest = pending.pop(pid, "") + (resumed.group(1) if resumed else "")
        match = LINE.match(f"{pid} {rest}")
        if match:
            calls.append(Call(match["call"], match["args"], int(match["ret"])))
    return calls


def _path(call: Call) -> str:
    found = re.search(r'"([^"]*)"', call.args)
    return found.group(1) if found else ""


def _fd(call: Call) -> int:
    return int(call.args.split(",")[0])


def _window(calls: list[Call], start: str, end: str) -> tuple[list[Call], dict[int, str]]:
    """The calls between two marks, and which file each descriptor names at the window's start."""
    fds: dict[int, str] = {}
    begin = finish = -1
    for index, call in enumerate(calls):
        if call.name == "openat" and _path(call) == f"{MARK}/{start}":
            begin = index
            break
        if call.name == "openat" and call.ret >= 0:
            fds[call.ret] = _path(call)
    for index in range(begin + 1, len(calls)):
        if calls[index].name == "openat" and _path(calls[index]) == f"{MARK}/{end}":
            finish = index
            break
    assert begin >= 0 and finish > begin, f"marks {start}/{end} not found in the trace"
    return calls[begin + 1:finish], fds


def _strace_or_skip(tmp_path: Path, args: list[str]) -> str:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed (apt-get install strace)")
    log = tmp_path / "strace.log"
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    result = subprocess.run([strace, "-f", "-qq", "-o", str(log), "-e",
                             "trace=openat,fsync,fdatasync,rename,renameat,renameat2,pwrite64,write",
                             sys.executable, "-c", SCRIPT, *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    if result.returncode != 0 and ("Operation not permitted" in result.stderr or "ptrace" in result.stderr):
        pytest.skip(f"ptrace is denied here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr[-2000:]
    return log.read_text("utf-8", "replace")


@pytest.fixture
def traced(practice: Practice, tmp_path: Path) -> list[Call]:
    child = children.create_child(practice.sessions, ChildData(
        last_name="Durable", first_name="Prénom", birth_date=date(2025, 3, 1), sex="F", gestational_weeks=30,
        inclusion_number="RPO-2025-0900", network="RPO"), date(2026, 1, 2))
    data_dir = practice.data_dir
    practice.close()
    return _calls(_strace_or_skip(tmp_path, [str(data_dir), STRONG_PASSPHRASE, str(child)]))


def test_the_database_runs_in_wal_with_synchronous_full(practice: Practice) -> None:
    with practice.engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    assert (str(mode).lower(), synchronous) == ("wal", 2), "2 = FULL: the WAL is synced at every commit"


def test_each_commit_ends_with_an_fsync_of_the_wal(traced: list[Call]) -> None:
    for n in range(3):
        window, fds = _window(traced, f"seance-start-{n}", f"seance-end-{n}")
        for call in window:
            if call.name == "openat" and call.ret >= 0:
                fds[call.ret] = _path(call)
        wal = {fd for fd, path in fds.items() if path.endswith("practice.db-wal")}
        writes = [i for i, c in enumerate(window) if c.name in ("pwrite64", "write") and _fd(c) in wal]
        syncs = [i for i, c in enumerate(window) if c.name in ("fsync", "fdatasync") and _fd(c) in wal]
        assert writes, f"séance {n}: nothing written to the WAL"
        assert syncs and syncs[-1] > writes[-1], f"séance {n}: the WAL was not synced after its last write"


def test_the_anchor_is_synced_renamed_then_its_folder_synced(traced: list[Call]) -> None:
    window, fds = _window(traced, "anchor-start", "anchor-end")
    names = dict(fds)
    renames = [i for i, c in enumerate(window) if c.name.startswith("rename") and f'/{ANCHOR_FILE}"' in c.args
               and c.ret == 0]
    assert len(renames) == 1, "the anchor is replaced by one rename"
    rename = renames[0]
    temporary = re.findall(r'"([^"]*)"', window[rename].args)[0]
    assert Path(temporary).name.startswith(f".{ANCHOR_FILE}.") and temporary.endswith(".tmp")
    for index, call in enumerate(window):
        if call.name == "openat" and call.ret >= 0:
            names[call.ret] = _path(call)
            window[index] = Call(call.name, call.args, call.ret)
    synced_before = [c for c in window[:rename] if c.name in ("fsync", "fdatasync")]
    opened_tmp = [c.ret for c in window[:rename] if c.name == "openat" and _path(c) == temporary]
    assert opened_tmp and any(_fd(c) in opened_tmp for c in synced_before), "the temporary file was not fsynced"
    folder = str(Path(temporary).parent)
    dir_fds = [c.ret for c in window[rename:] if c.name == "openat" and _path(c) == folder and c.ret >= 0]
    assert any(c.name == "fsync" and _fd(c) in dir_fds for c in window[rename:]), \
        "the folder was not fsynced after the anchor's rename"
