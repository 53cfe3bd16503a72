"""An opened practice: its data folder, its data key and its encrypted database, schema up to date."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.db import migrate
from cocon_desktop.db.engine import create_database_engine
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.errors import DatabaseError, VaultError
from cocon_desktop.security import vault
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.security.vault import UnlockedKey, VaultPaths
from cocon_desktop.services import settings_store


@dataclass
class PracticeFile:
    data_dir: Path
    key: UnlockedKey = field(repr=False)
    engine: Engine
    sessions: sessionmaker[Session]
    upgrade_backup: Path | None = None

    @property
    def paths(self) -> VaultPaths:
        return VaultPaths(self.data_dir)

    @classmethod
    def open(cls, data_dir: Path, key: UnlockedKey, *, create: bool = False) -> PracticeFile:
        """Open the database with an unlocked key and bring its schema to the current version.
        A missing database is an error (never silently replaced by an empty one) unless `create`."""
        paths = VaultPaths(data_dir)
        if not create and not paths.database.exists():
            raise DatabaseError("database_missing", path=str(paths.database))
        try:
            engine = create_database_engine(paths.database, key.data_key)
        except DatabaseError as exc:
            raise DatabaseError("database_key_mismatch", path=str(paths.database)) from exc
        backup = migrate.upgrade(engine, paths.database, paths.backups)
        sessions = sessionmaker(engine, expire_on_commit=False)
        settings_store.upgrade(sessions)
        return cls(data_dir, key, engine, sessions, backup)

    def close(self) -> None:
        self.engine.dispose()


def open_with_passphrase(data_dir: Path, passphrase: str) -> PracticeFile:
    return PracticeFile.open(data_dir, vault.unlock_with_passphrase(data_dir, passphrase))


def open_with_recovery_key(data_dir: Path, recovery_text: str) -> PracticeFile:
    return PracticeFile.open(data_dir, vault.unlock_with_recovery(data_dir, recovery_text))


def open_from_keychain(data_dir: Path) -> PracticeFile | None:
    key = vault.unlock_from_keychain(data_dir)
    return PracticeFile.open(data_dir, key) if key else None


def create_practice(data_dir: Path, passphrase: str, profile: PracticeProfile, recovery: RecoveryKey, *,
                    remember: bool = False, params: Argon2Params | None = None,
                    demo: bool = False) -> PracticeFile:
    """A new practice: key file, encrypted database, profile. Nothing is left behind if a step fails."""
    from cocon_desktop.services.practice_profile import save_profile, validated

    profile = validated(profile)
    paths = VaultPaths(data_dir)
    if paths.key_file.exists() or paths.database.exists():
        raise VaultError("vault_exists", path=str(data_dir))
    key = vault.create(data_dir, passphrase, recovery, params=params, demo=demo)
    practice: PracticeFile | None = None
    try:
        practice = PracticeFile.open(data_dir, key, create=True)
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
