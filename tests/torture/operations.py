"""What the torture's worker does for each kind of kill but séance and invoice writing (worker.py): loops of one
operation through the real services, each line printed (flushed) only after the call that finished it returned.

- backup: `create_backup` of the practice into a folder, again and again (« backup PATH »);
- restore: `restore` of one backup file into new folders (« restored PATH »);
- passphrase: the passphrase changed back and forth between two (« passphrase N », N the one now in force);
- rekey: the data key rotated under the same passphrase (« rekey »), when the program has key rotation;
- erasure: a child made with guardians and séances with notes (« child ID »), then erased (« erased ID »);
- migration: an old schema's practice opened, which upgrades it (« upgraded »).

Every kind prints « ready » once its practice or files are at hand: the driver's random delay starts there; and
« took SECONDS » after each operation, so that the driver aims its kills within one (the machine's speed varies)."""

from __future__ import annotations

import importlib.util
import itertools
import random
import time as clock
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

PASSPHRASES = ("lavande torrent piment horloge falaise grenier boussole",
               "castor brioche lanterne sapin orage vanille tambour")
ERASE_PREFIX = "Efface"
ERASE_DAY = date(2070, 1, 2)  # every retention period is over by then
ERASE_FIRST_DAY = date(2023, 1, 2)  # before the séances the writer records (2026), never invoiced by it


def say(line: str) -> None:
    from tests.torture.worker import say as print_line

    print_line(line)


class Stopwatch:
    def __init__(self) -> None:
        self.start = clock.perf_counter()

    def lap(self) -> None:
        now = clock.perf_counter()
        say(f"took {now - self.start:.3f}")
        self.start = now


def has_key_rotation() -> bool:
    """Whether the program has key rotation (issue 19, #3: services/key_rotation.py)."""
    return importlib.util.find_spec("cocon_desktop.services.key_rotation") is not None


def backup_loop(data_dir: Path, passphrase: str, extra: str, rng: random.Random) -> None:
    from cocon_desktop.services.backup import create_backup
    from cocon_desktop.services.practice_handle import open_with_passphrase

    folder = Path(extra)
    practice = open_with_passphrase(data_dir, passphrase)
    say("ready")
    watch = Stopwatch()
    while True:
        say(f"backup {create_backup(practice, folder).path}")
        watch.lap()


def restore_loop(data_dir: Path, passphrase: str, extra: str, rng: random.Random) -> None:
    """`data_dir` is the folder the restored practices go into; `extra` the backup file."""
    from cocon_desktop.services.backup import restore

    say("ready")
    tag = rng.randrange(1 << 30)
    watch = Stopwatch()
    for n in itertools.count():
        target = data_dir / f"r-{tag}-{n}"
        restore(Path(extra), target, passphrase=passphrase)
        say(f"restored {target}")
        watch.lap()


def passphrase_loop(data_dir: Path, passphrase: str, extra: str, rng: random.Random) -> None:
    from cocon_desktop.services import practice_keys
    from cocon_desktop.services.practice_handle import open_with_passphrase

    current = PASSPHRASES.index(passphrase)
    practice = open_with_passphrase(data_dir, passphrase)
    say("ready")
    watch = Stopwatch()
    while True:
        following = 1 - current
        practice_keys.change_passphrase(practice, PASSPHRASES[current], PASSPHRASES[following])
        current = following
        say(f"passphrase {current}")
        watch.lap()


def rekey_loop(data_dir: Path, passphrase: str, extra: str, rng: random.Random) -> None:
    from cocon_desktop.services import key_rotation  # type: ignore[attr-defined, unused-ignore]
    from cocon_desktop.services.practice_handle import open_with_passphrase

    practice = open_with_passphrase(data_dir, passphrase)
    say("ready")
    watch = Stopwatch()
    while True:
        key_rotation.rotate(practice, passphrase, backup=False)
        say("rekey")
        watch.lap()


def _erasable_child(sessions: object, k: int) -> int:
    from cocon_desktop.domain.child import ChildData, GuardianData
    from cocon_desktop.domain.seance import SeanceData
    from cocon_desktop.services import children, seances

    child_id = children.create_child(sessions, ChildData(  # type: ignore[arg-type]
        last_name=f"{ERASE_PREFIX}{k}", first_name="Prénom", birth_date=date(2022, 10, 1), sex="M",
        gestational_weeks=31, inclusion_number=f"RPO-2022-E{k:05d}", network="RPO",
        guardians=(GuardianData(last_name=f"{ERASE_PREFIX}{k}", first_name="Parent", phone="06 00 00 00 00"),)),
        ERASE_FIRST_DAY)
    day = ERASE_FIRST_DAY + timedelta(days=k // 4)
    for hour in (8, 12) if k % 2 == 0 else (9, 13):
        seances.record_seance(sessions, SeanceData(  # type: ignore[arg-type]
            child_id, day, time(hour + (k // 2) % 2 * 2, 0), note="Note clinique à effacer", out_of_forfait=True))
    return child_id


def erasure_loop(data_dir: Path, passphrase: str, extra: str, rng: random.Random) -> None:
    from cocon_desktop.models import Child
    from cocon_desktop.services.child_erasure import erase_child
    from cocon_desktop.services.practice_handle import open_with_passphrase

    practice = open_with_passphrase(data_dir, passphrase)
    with practice.sessions() as session:
        k = int(session.scalar(select(func.count(Child.id)).where(Child.last_name.like(f"{ERASE_PREFIX}%"))) or 0)
        k += int(session.scalar(select(func.count(Child.id)).where(Child.erased_at.is_not(None))) or 0)
    say("ready")
    watch = Stopwatch()
    for n in itertools.count(k):
        child_id = _erasable_child(practice.sessions, n)
        say(f"child {child_id}")
        erase_child(practice.sessions, child_id, ERASE_DAY)
        say(f"erased {child_id}")
        watch.lap()


def migration_once(data_dir: Path, passphrase: str, extra: str, rng: random.Random) -> None:
    from cocon_desktop.services.practice_handle import open_with_passphrase

    say("ready")
    watch = Stopwatch()
    practice = open_with_passphrase(data_dir, passphrase)  # upgrades the old schema, as at a first start
    say("upgraded")
    watch.lap()
    practice.close()
    while True:  # the driver kills it anyway
        clock.sleep(1.0)


LOOPS: dict[str, Callable[[Path, str, str, random.Random], None]] = {
    "backup": backup_loop, "restore": restore_loop, "passphrase": passphrase_loop, "rekey": rekey_loop,
    "erasure": erasure_loop, "migration": migration_once}
