"""The practice vault: a random 256-bit data key for SQLCipher, wrapped under the passphrase
(Argon2id) and under the recovery key. Changing the passphrase rewraps; the database is untouched."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cocon_desktop.errors import VaultError
from cocon_desktop.fsutil import ensure_private_dir
from cocon_desktop.security import keychain
from cocon_desktop.security.kdf import SALT_BYTES, Argon2Params, derive_key, tune
from cocon_desktop.security.keyfile import DATA_KEY_BYTES, KeyFile, open_slot, seal

if TYPE_CHECKING:  # imported where used: reading the key file at start needs none of them
    from cocon_desktop.security.recovery import RecoveryKey
    from cocon_desktop.security.throttle import UnlockThrottle

KEY_FILE = "vault.json"
DB_FILE = "practice.db"
ATTEMPTS_FILE = "unlock-attempts.json"
BACKUP_DIR = "backups"


@dataclass(frozen=True)
class VaultPaths:
    data_dir: Path

    @property
    def key_file(self) -> Path:
        return self.data_dir / KEY_FILE

    @property
    def database(self) -> Path:
        return self.data_dir / DB_FILE

    @property
    def attempts(self) -> Path:
        return self.data_dir / ATTEMPTS_FILE

    @property
    def backups(self) -> Path:
        return self.data_dir / BACKUP_DIR


@dataclass(frozen=True)
class UnlockedKey:
    """What an unlock gives: which vault, and its data key (kept in memory only)."""

    vault_id: str
    data_key: bytes

    def __repr__(self) -> str:  # never print the key, even in a traceback
        return f"UnlockedKey(vault_id={self.vault_id!r})"


def vault_exists(data_dir: Path) -> bool:
    return VaultPaths(data_dir).key_file.exists()


def check_passphrase_allowed(passphrase: str, *, demo: bool = False) -> None:
    from cocon_desktop.domain.passphrase import DEMO_PASSPHRASE, assess

    if demo and passphrase == DEMO_PASSPHRASE:
        return
    result = assess(passphrase)
    if not result.acceptable:
        raise VaultError("passphrase_too_weak", bits=round(result.bits))


def _passphrase_slot(vault_id: str, data_key: bytes, passphrase: str, params: Argon2Params):  # type: ignore[no-untyped-def]
    salt = os.urandom(SALT_BYTES)
    return seal(vault_id, "passphrase", derive_key(passphrase, salt, params), data_key, salt, params)


def create(data_dir: Path, passphrase: str, recovery: RecoveryKey, *, params: Argon2Params | None = None,
           demo: bool = False) -> UnlockedKey:
    """Create the key file of a new vault. Refuses a folder that already holds a vault or a database."""
    paths = VaultPaths(data_dir)
    if paths.key_file.exists() or paths.database.exists():
        raise VaultError("vault_exists", path=str(data_dir))
    check_passphrase_allowed(passphrase, demo=demo)
    ensure_private_dir(data_dir)
    params = params or tune()
    import uuid  # here: it imports `platform` (~15 ms), not needed to show the first window

    vault_id = str(uuid.uuid4())
    data_key = os.urandom(DATA_KEY_BYTES)
    rsalt = os.urandom(SALT_BYTES)
    keyfile = KeyFile(vault_id, datetime.now(UTC).isoformat(timespec="seconds"), demo=demo)
    keyfile = keyfile.with_slot(_passphrase_slot(vault_id, data_key, passphrase, params))
    keyfile = keyfile.with_slot(seal(vault_id, "recovery", recovery.wrapping_key(rsalt), data_key, rsalt, None))
    keyfile.save(paths.key_file)
    return UnlockedKey(vault_id, data_key)


def load_keyfile(data_dir: Path) -> KeyFile:
    return KeyFile.load(VaultPaths(data_dir).key_file)


def unlock_with_passphrase(data_dir: Path, passphrase: str, throttle: UnlockThrottle | None = None
                           ) -> UnlockedKey:
    paths = VaultPaths(data_dir)
    keyfile = KeyFile.load(paths.key_file)
    from cocon_desktop.security.throttle import UnlockThrottle

    throttle = throttle or UnlockThrottle(paths.attempts)
    throttle.check()
    slot = keyfile.slots.get("passphrase")
    if slot is None or slot.kdf is None:
        raise VaultError("vault_file_corrupted")
    data_key = open_slot(keyfile.vault_id, slot, derive_key(passphrase, slot.salt, slot.kdf))
    if data_key is None:
        delay = throttle.record_failure()
        raise VaultError("wrong_passphrase", failures=throttle.failures, delay=delay)
    throttle.reset()
    return UnlockedKey(keyfile.vault_id, data_key)


def unlock_with_recovery(data_dir: Path, recovery_text: str) -> UnlockedKey:
    paths = VaultPaths(data_dir)
    keyfile = KeyFile.load(paths.key_file)
    from cocon_desktop.security.recovery import RecoveryKey
    from cocon_desktop.security.throttle import UnlockThrottle

    throttle = UnlockThrottle(paths.attempts)
    throttle.check()
    recovery = RecoveryKey.parse(recovery_text)
    slot = keyfile.slots.get("recovery")
    if slot is None:
        raise VaultError("vault_file_corrupted")
    data_key = open_slot(keyfile.vault_id, slot, recovery.wrapping_key(slot.salt))
    if data_key is None:
        throttle.record_failure()
        raise VaultError("wrong_recovery_key")
    throttle.reset()
    return UnlockedKey(keyfile.vault_id, data_key)


def set_passphrase(data_dir: Path, key: UnlockedKey, new_passphrase: str, *,
                   params: Argon2Params | None = None) -> None:
    """Rewrap the data key under a new passphrase (after an unlock by passphrase or recovery key)."""
    check_passphrase_allowed(new_passphrase)
    paths = VaultPaths(data_dir)
    keyfile = KeyFile.load(paths.key_file)
    if keyfile.vault_id != key.vault_id:
        raise VaultError("vault_mismatch")
    old = keyfile.slots["passphrase"]
    params = params or old.kdf or tune()
    keyfile.with_slot(_passphrase_slot(keyfile.vault_id, key.data_key, new_passphrase, params)).save(
        paths.key_file)


def change_passphrase(data_dir: Path, current: str, new_passphrase: str) -> None:
    key = unlock_with_passphrase(data_dir, current)
    set_passphrase(data_dir, key, new_passphrase)


def remember_in_keychain(data_dir: Path, key: UnlockedKey) -> None:
    keychain.store(key.vault_id, key.data_key)
    keyfile = KeyFile.load(VaultPaths(data_dir).key_file)
    if not keyfile.remembered:
        replace(keyfile, remembered=True).save(VaultPaths(data_dir).key_file)


def forget_in_keychain(data_dir: Path) -> None:
    keyfile = KeyFile.load(VaultPaths(data_dir).key_file)
    keychain.delete(keyfile.vault_id)
    if keyfile.remembered:
        replace(keyfile, remembered=False).save(VaultPaths(data_dir).key_file)


def unlock_from_keychain(data_dir: Path) -> UnlockedKey | None:
    """The data key from the OS keychain, or None when it is not remembered or not reachable."""
    keyfile = KeyFile.load(VaultPaths(data_dir).key_file)
    if not keyfile.remembered:
        return None
    data_key = keychain.fetch(keyfile.vault_id)
    if data_key is None or len(data_key) != DATA_KEY_BYTES:
        return None
    return UnlockedKey(keyfile.vault_id, data_key)
