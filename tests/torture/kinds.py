"""The torture driver's side of each kind of kill (tests/torture/operations.py is the worker's): what the worker is
given, and what must hold after the SIGKILL.

- write: séances recorded, invoices and credit notes issued → every reported commit present, no gap, verify.
- backup: `create_backup` into a folder → the practice sound; every file under a final name is a whole backup
  (`verify_backup`); a partial file or a staging folder is only ever under a temporary name.
- restore: `restore` of a backup into new folders → each target is absent, empty, or a whole practice that opens
  with its passphrase and verifies; a reported one is whole.
- passphrase: changed back and forth → the practice opens with exactly one of the two (the reported one, or the
  next if the kill came between the change and its report) and verifies.
- rekey: the data key rotated → the practice opens with its passphrase and verifies.
- erasure: a child made, then erased → each child is whole or erased (identity, guardians, notes gone); a
  reported erasure is done.
- migration: an old schema's practice opened (upgraded) → it opens (the upgrade finishes), integrity ok, verify
  ok, every row of the old schema kept value for value.

Leftovers (an encrypted staging folder, a partial backup under its temporary name) are counted, then removed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cocon_desktop.errors import VaultError
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from tests.torture.operations import ERASE_PREFIX, PASSPHRASES, has_key_rotation

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MIGRATED_REVISION = "0004"  # the oldest schema with invoices: every later revision runs on it
FIXTURE_PASSPHRASE = "demo"
ALL_KINDS = ("write", "backup", "restore", "passphrase", "rekey", "erasure", "migration")


def available_kinds() -> tuple[str, ...]:
    return tuple(kind for kind in ALL_KINDS if kind != "rekey" or has_key_rotation())


@dataclass
class Layout:
    """The folders of one torture run, beside the main practice."""

    main: Path  # the practice the writer, the backups and the erasures work on
    work: Path

    @property
    def keys(self) -> Path:  # the practice whose passphrase and key change
        return self.work / "cles"

    @property
    def backups_out(self) -> Path:
        return self.work / "sauvegardes"

    @property
    def restore_source(self) -> Path:
        return self.work / "source-restauration"

    @property
    def restored(self) -> Path:
        return self.work / "restaurations"

    @property
    def migrations(self) -> Path:
        return self.work / "migrations"


class Failure(AssertionError):
    pass


def opened(data_dir: Path, passphrase: str) -> Practice:
    return open_with_passphrase(data_dir, passphrase)


# -- after a kill -------------------------------------------------------------------------------------------------


def check_backups(layout: Layout, reported: list[str], sound: Callable[[Practice], object], passphrase: str
                  ) -> int:
    """Every file under a final name opens as a whole backup of the practice; returns the leftovers removed."""
    from cocon_desktop.services.backup import PREFIX, verify_backup
    from cocon_desktop.services.backup_format import SUFFIX

    scratch = layout.work / "verification"
    scratch.mkdir(exist_ok=True)
    with opened(layout.main, passphrase) as practice:
        sound(practice)
        for name in reported:
            if not Path(name).exists():
                raise Failure(f"backup reported written but absent: {name}")
        leftovers = 0
        for path in sorted(layout.backups_out.iterdir()):
            if path.name.startswith(PREFIX) and path.name.endswith(SUFFIX):
                verify_backup(path, practice.key, scratch)  # CoconError if partial or damaged
                path.unlink()
            else:
                leftovers += 1
                path.unlink()
        staging = practice.paths.backups
        for path in sorted(staging.iterdir()) if staging.is_dir() else []:
            if path.name.startswith(".backup-"):
                leftovers += 1
                shutil.rmtree(path)
    return leftovers


def check_restores(layout: Layout, reported: list[str], sound: Callable[[Practice], object], passphrase: str
                   ) -> tuple[int, int]:
    """(whole practices found, leftovers removed)."""
    whole = leftovers = 0
    done = set(reported)
    for target in sorted(layout.restored.iterdir()):
        if target.name.startswith("."):  # the staging folder beside the target: never where a practice opens
            leftovers += 1
        elif (target / "vault.json").exists():
            with opened(target, passphrase) as practice:
                sound(practice)
            whole += 1
        elif any(target.iterdir()):
            raise Failure(f"a restore left a half practice under its final name: {sorted(target.iterdir())}")
        done.discard(str(target))
        shutil.rmtree(target)
    if done:
        raise Failure(f"restores reported done but absent: {sorted(done)}")
    return whole, leftovers


def open_keys(layout: Layout, state: int) -> tuple[Practice, int]:
    """The keys' practice opened with the passphrase in force: `state`'s, else the other one. Exactly one opens."""
    for index in (state, 1 - state):
        try:
            return opened(layout.keys, PASSPHRASES[index]), index
        except VaultError as exc:
            if exc.code != "wrong_passphrase":
                raise
    raise Failure("neither passphrase opens the practice after a kill during a passphrase change")


def in_force(layout: Layout, state: int) -> int:
    """Which passphrase unlocks the keys' practice now. Opening it may have changed that: a rotation killed after
    the re-encryption is finished at the next opening, whichever of its two passphrases opened it."""
    from cocon_desktop.security import vault

    for index in (state, 1 - state):
        try:
            vault.unlock_with_passphrase(layout.keys, PASSPHRASES[index])
            return index
        except VaultError as exc:
            if exc.code != "wrong_passphrase":
                raise
    raise Failure("neither passphrase unlocks the practice once opened after the kill")


def check_keys(layout: Layout, state: int, sound: Callable[[Practice], object]) -> tuple[int, int]:
    """(the passphrase now in force, leftovers removed: backups the rotation wrote are pruned)."""
    practice, state = open_keys(layout, state)
    with practice:
        sound(practice)
        backups = practice.paths.backups
    state = in_force(layout, state)
    leftovers = 0
    for path in sorted(backups.iterdir()) if backups.is_dir() else []:
        if path.name.startswith("."):
            leftovers += 1
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return state, leftovers


def check_erasures(practice: Practice, reported_erased: set[int]) -> None:
    from cocon_desktop.models import Child, Guardian, Seance

    with practice.sessions() as session:
        for child in session.scalars(select(Child).where(
                (Child.last_name.like(f"{ERASE_PREFIX}%")) | Child.erased_at.is_not(None))):
            guardians = int(session.scalar(select(func.count(Guardian.id)).where(Guardian.child_id == child.id))
                            or 0)
            notes = [n for n in session.scalars(select(Seance.note).where(Seance.child_id == child.id)) if n]
            if child.erased_at is not None:
                if len(child.last_name) > 2 or guardians or notes or child.nir:
                    raise Failure(f"child {child.id} erased by halves: {child.last_name!r}, {guardians} guardians, "
                                  f"{len(notes)} notes")
            else:
                if child.id in reported_erased:
                    raise Failure(f"child {child.id} reported erased but whole")
                if guardians != 1 or any(n != "Note clinique à effacer" for n in notes):
                    raise Failure(f"child {child.id} not erased but changed: {guardians} guardians, {notes}")


def fresh_migration(layout: Layout, index: int) -> Path:
    target = layout.migrations / f"m-{index}"
    shutil.copytree(FIXTURES / f"schema-{MIGRATED_REVISION}", target)
    return target


def fixture_rows() -> dict[str, Any]:
    """The old schema's rows, read once from the fixture itself (the digest of each table)."""
    from tests.db.test_schema_fixtures import _digest, _snapshot, _unlock

    source = FIXTURES / f"schema-{MIGRATED_REVISION}"
    integrity, before = _snapshot(source, _unlock(source))
    assert integrity == "ok"
    return {t: (before[t][0], _digest(*before[t], before[t][0])) for t in before if t != "alembic_version"}


def check_migration(target: Path, rows: dict[str, Any], sound: Callable[[Practice], object]) -> tuple[bool, int]:
    """The practice killed during its upgrade opens (finishing it) and keeps every row, and each copy taken before
    an upgrade is whole; (whether the upgrade had finished before the kill, leftovers under temporary names)."""
    from cocon_desktop.db import migrate
    from cocon_desktop.db.snapshot import check_file
    from cocon_desktop.errors import DatabaseError
    from tests.db.test_schema_fixtures import _digest, _snapshot, _unlock

    with opened(target, FIXTURE_PASSPHRASE) as practice:
        finished = practice.upgrade_backup is None
        if migrate.current_revision(practice.engine) != migrate.head_revision():
            raise Failure("the upgrade did not finish at the next opening")
        sound(practice)
    key = _unlock(target)
    integrity, after = _snapshot(target, key)
    if integrity != "ok":
        raise Failure(f"integrity after the upgrade: {integrity}")
    for copy in sorted((target / "backups").glob("practice-before-upgrade-*.db")):  # whole under its final name
        try:
            copied = check_file(copy, key)[0]
        except DatabaseError as exc:
            raise Failure(f"the copy taken before the upgrade is unreadable: {copy.name}") from exc
        if copied != "ok":
            raise Failure(f"the copy taken before the upgrade is damaged: {copy.name}: {copied}")
    for table, (columns, digest) in rows.items():
        if table not in after or _digest(*after[table], columns) != digest:
            raise Failure(f"table {table} changed by an upgrade killed and resumed")
    leftovers = len([p for p in (target / "backups").iterdir() if p.name.startswith(".")])
    shutil.rmtree(target)
    return finished, leftovers
