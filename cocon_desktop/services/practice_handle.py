"""The practice handle (Anki's `Collection`): opened from a data folder and a key, it owns the engine and the
sessions, and is the one object the window and the command line hold. Use cases are reached through it:
`practice.read(use_case, …)` returns what the use case returns; `practice.write(use_case, …)` returns an
`OpResult` (the value and the `Changes` the use case declares), so that the views showing those changes read again.
Nothing outside `services/` (and the command line's own commands) touches its sessions."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.db import migrate
from cocon_desktop.db.engine import KeyHolder, create_database_engine
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.errors import DatabaseError, VaultError
from cocon_desktop.security import vault
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.security.vault import UnlockedKey, VaultPaths
from cocon_desktop.services import pathway_files, settings_store
from cocon_desktop.services.changes import OpResult, changes_of, takes_handle

if TYPE_CHECKING:
    from cocon_desktop.services.number_witness import NumberingCheck

T = TypeVar("T")


@dataclass
class Practice:
    """The open practice. `close()` (at exit, and when the window locks) disposes the engine and drops the key:
    afterwards `key`, `engine` and `sessions` raise DatabaseError('practice_closed'), and so does any connection
    asked through a sessionmaker or an engine taken before (its creator reads the cleared `key_holder`)."""

    data_dir: Path
    _key: UnlockedKey | None = field(repr=False)
    _engine: Engine | None = field(repr=False)
    _sessions: sessionmaker[Session] | None = field(repr=False)
    key_holder: KeyHolder = field(repr=False)
    vault_id: str
    upgrade_backup: Path | None = None
    # the numbering's witnesses (services/number_witness.py): what the keychain said, and the check at opening
    keychain_numbers: dict[str, int] = field(default_factory=dict, repr=False)
    numbering: NumberingCheck | None = field(default=None, repr=False)

    @property
    def paths(self) -> VaultPaths:
        return VaultPaths(self.data_dir)

    @property
    def closed(self) -> bool:
        return self._key is None

    @property
    def key(self) -> UnlockedKey:
        if self._key is None:
            raise DatabaseError("practice_closed")
        return self._key

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise DatabaseError("practice_closed")
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        if self._sessions is None:
            raise DatabaseError("practice_closed")
        return self._sessions

    def read(self, use_case: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """What `use_case(sessions, *args, **kwargs)` returns (a query: it changes nothing)."""
        return use_case(self.sessions, *args, **kwargs)

    def write(self, use_case: Callable[..., T], *args: Any, **kwargs: Any) -> OpResult[T]:
        """Run a write use case (marked `@writes`) and say what it changed. On failure the exception carries the
        declared changes too (`changes`): a write stopped halfway (a batch of invoices, cancelled) may have
        committed part of its work, and the views read again rather than guess."""
        changes = changes_of(use_case)
        first: Any = self if takes_handle(use_case) else self.sessions
        try:
            value = use_case(first, *args, **kwargs)
        except BaseException as exc:
            exc.changes = changes  # type: ignore[attr-defined]
            with contextlib.suppress(Exception):  # what a write stopped halfway committed is anchored too
                self.anchor()
            raise
        self.anchor()
        return OpResult(value, changes)

    def anchor(self) -> None:
        """chain-head.json brought up to what the database holds (services/invoice_verify.write_anchor), after every
        write: removing the last entries of the audit log, or the last attestations, is then seen (issue 19, #2)."""
        if self.closed or not self.paths.database.exists():
            return
        from cocon_desktop.services.invoice_verify import write_anchor

        write_anchor(self.sessions, self.data_dir, self.key.data_key)

    @classmethod
    def open(cls, data_dir: Path, key: UnlockedKey, *, create: bool = False) -> Practice:
        """Open the database with an unlocked key and bring its schema to the current version.
        A missing database is an error (never silently replaced by an empty one) unless `create`."""
        paths = VaultPaths(data_dir)
        if not create:  # a key rotation cut short by a kill is finished or undone first (issue 19, #3)
            from cocon_desktop.services.key_rotation import settle

            key = settle(data_dir, key)
        if not create and not paths.database.exists():
            raise DatabaseError("database_missing", path=str(paths.database))
        holder = KeyHolder(key.data_key)
        try:
            engine = create_database_engine(paths.database, holder)
        except DatabaseError as exc:
            holder.clear()
            raise DatabaseError("database_key_mismatch", path=str(paths.database)) from exc
        try:
            backup = migrate.upgrade(engine, paths.database, paths.backups)
            # the practice's own pathway files (services/pathway_files.py) are found from the sessions
            sessions = sessionmaker(engine, expire_on_commit=False,
                                    info={pathway_files.FOLDER_KEY: str(pathway_files.folder_in(data_dir))})
            settings_store.upgrade(sessions)
        except BaseException:
            holder.clear()
            engine.dispose()
            raise
        practice = cls(data_dir, key, engine, sessions, holder, key.vault_id, backup)
        from cocon_desktop.services import number_witness

        practice.numbering = number_witness.at_opening(practice)  # a database behind its witnesses is said at once
        return practice

    def adopt_key(self, key: UnlockedKey) -> None:
        """The database now opens with `key` (services/key_rotation.py): the pooled connections, keyed with the old
        one, are closed; the next ones use the new key."""
        self.key_holder.replace(key.data_key)
        self._key = key
        self.engine.dispose()

    def __enter__(self) -> Practice:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Forget the key and close every connection (idempotent)."""
        self.key_holder.clear()
        self._key = None
        engine, self._engine, self._sessions = self._engine, None, None
        if engine is not None:
            engine.dispose()


def open_with_passphrase(data_dir: Path, passphrase: str, *, remember: bool = False) -> Practice:
    """Unlock with the passphrase and open the data; with `remember`, the key is then kept in this computer's
    keychain (the next start opens without the passphrase)."""
    practice = Practice.open(data_dir, vault.unlock_with_passphrase(data_dir, passphrase))
    if remember:
        try:
            vault.remember_in_keychain(data_dir, practice.key)
        except BaseException:
            practice.close()
            raise
    return practice


def open_with_recovery_key(data_dir: Path, recovery_text: str) -> Practice:
    return Practice.open(data_dir, vault.unlock_with_recovery(data_dir, recovery_text))


def recover(data_dir: Path, recovery_text: str, new_passphrase: Callable[[], str]) -> Practice:
    """The recovery flow, one for the command line and the window: unlock with the recovery key, then (only once the
    key has opened the vault, so that a wrong key is said before anything else is asked) put `new_passphrase()` in
    place of the forgotten passphrase, and open the data with the recovered key. The data key is rotated too
    (services/key_rotation.py, issue 19, #3): an old vault.json put back does not open the database with the
    forgotten passphrase, which may be someone else's now."""
    from cocon_desktop.services import key_rotation

    key = vault.unlock_with_recovery(data_dir, recovery_text)
    passphrase = new_passphrase()
    vault.check_passphrase_allowed(passphrase)  # said before anything is written
    practice = Practice.open(data_dir, key)
    try:
        vault.set_passphrase(data_dir, practice.key, passphrase)
        key_rotation.rotate(practice, passphrase)
    except BaseException:
        practice.close()
        raise
    return practice


def open_from_keychain(data_dir: Path) -> Practice | None:
    key = vault.unlock_from_keychain(data_dir)
    return Practice.open(data_dir, key) if key else None


def create_practice(data_dir: Path, passphrase: str, profile: PracticeProfile, recovery: RecoveryKey, *,
                    remember: bool = False, params: Argon2Params | None = None,
                    demo: bool = False) -> Practice:
    """A new practice: key file, encrypted database, profile. Nothing is left behind if a step fails."""
    from cocon_desktop.services.practice_profile import save_profile, validated

    profile = validated(profile)
    paths = VaultPaths(data_dir)
    if paths.key_file.exists() or paths.database.exists():
        raise VaultError("vault_exists", path=str(data_dir))
    key = vault.create(data_dir, passphrase, recovery, params=params, demo=demo)
    practice: Practice | None = None
    try:
        practice = Practice.open(data_dir, key, create=True)
        save_profile(practice.sessions, profile, demo=demo)
        if remember:
            vault.remember_in_keychain(data_dir, key)
    except BaseException:
        if practice is not None:
            practice.close()  # an open database cannot be deleted on Windows
        for leftover in (paths.key_file, paths.database, paths.database.with_name(paths.database.name + "-wal"),
                         paths.database.with_name(paths.database.name + "-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return practice
