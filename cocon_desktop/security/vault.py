"""The practice vault: a random 256-bit data key for SQLCipher, wrapped under the passphrase (Argon2id) and
for the recovery key (X25519), in vault.json (HMACed under a key derived from the data key). A key rotation
(services/key_rotation.py) writes the next key's slots beside the current ones, then makes them the only ones."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cocon_desktop.errors import VaultError
from cocon_desktop.fsutil import ensure_private_dir
from cocon_desktop.security import keychain
from cocon_desktop.security.kdf import SALT_BYTES, Argon2Params, derive_key, tune
from cocon_desktop.security.keyfile import (
    DATA_KEY_BYTES,
    REKEY,
    X25519_RECOVERY,
    KeyFile,
    Slot,
    open_slot,
    rekey_wrapping_key,
    seal,
    seal_for_public,
)

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
    """What an unlock gives: which vault, and its data key (kept in memory only). While a key rotation is pending
    (services/key_rotation.py) it also says the next data key when the unlock found it (`next_key`), or that the key
    found is itself the next one (`is_next`: the new passphrase typed after an interrupted change)."""

    vault_id: str
    data_key: bytes
    next_key: bytes | None = field(default=None, compare=False)
    is_next: bool = field(default=False, compare=False)

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


def _passphrase_slot(vault_id: str, data_key: bytes, passphrase: str, params: Argon2Params) -> Slot:
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
    public = recovery.public_bytes()
    keyfile = KeyFile(vault_id, datetime.now(UTC).isoformat(timespec="seconds"), demo=demo, recovery_public=public)
    keyfile = keyfile.with_slot(_passphrase_slot(vault_id, data_key, passphrase, params))
    keyfile = keyfile.with_slot(seal_for_public(vault_id, "recovery", public, data_key))
    keyfile.save(paths.key_file, data_key)
    return UnlockedKey(vault_id, data_key)


def load_keyfile(data_dir: Path) -> KeyFile:
    return KeyFile.load(VaultPaths(data_dir).key_file)


def _unlocked(keyfile: KeyFile, data_key: bytes, *, is_next: bool = False) -> UnlockedKey:
    """The unlock's result once vault.json's HMAC holds under the key found (VaultError('vault_file_tampered') if
    not). An unlock writes nothing: a version 1 file is upgraded when the practice opens (`upgrade_legacy`)."""
    if not keyfile.authentic(data_key):
        raise VaultError("vault_file_tampered")
    next_key = None
    rekey = keyfile.pending.get("rekey")
    if rekey is not None and not is_next:
        next_key = open_slot(keyfile.vault_id, rekey, rekey_wrapping_key(data_key, keyfile.vault_id))
    return UnlockedKey(keyfile.vault_id, data_key, next_key, is_next)


def upgrade_legacy(data_dir: Path, key: UnlockedKey) -> None:
    """A version 1 vault.json (unkeyed checksum) rewritten as version 2, HMACed under the data key: read once,
    then authenticated. Its recovery slot stays as it is (the recovery key is not known here); the next rotation
    issues a new recovery key (services/key_rotation.py)."""
    paths = VaultPaths(data_dir)
    keyfile = KeyFile.load(paths.key_file)
    if keyfile.legacy and keyfile.vault_id == key.vault_id and keyfile.authentic(key.data_key):
        keyfile.save(paths.key_file, key.data_key)


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
    is_next = False
    pending = keyfile.pending.get("passphrase")
    if data_key is None and pending is not None and pending.kdf is not None:  # a change interrupted: the new one
        data_key = open_slot(keyfile.vault_id, pending, derive_key(passphrase, pending.salt, pending.kdf))
        is_next = data_key is not None
    if data_key is None:
        delay = throttle.record_failure()
        raise VaultError("wrong_passphrase", failures=throttle.failures, delay=delay)
    throttle.reset()
    return _unlocked(keyfile, data_key, is_next=is_next)


def _open_recovery_slot(vault_id: str, slot: Slot, recovery: RecoveryKey) -> bytes | None:
    if slot.scheme == X25519_RECOVERY:
        return open_slot(vault_id, slot, recovery.agreed_wrapping_key(slot.salt))
    return open_slot(vault_id, slot, recovery.wrapping_key(slot.salt))


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
    data_key = _open_recovery_slot(keyfile.vault_id, slot, recovery)
    is_next = False
    pending = keyfile.pending.get("recovery")
    if data_key is None and pending is not None:  # a new recovery key, its rotation interrupted
        data_key = _open_recovery_slot(keyfile.vault_id, pending, recovery)
        is_next = data_key is not None
    if data_key is None:
        throttle.record_failure()
        raise VaultError("wrong_recovery_key")
    throttle.reset()
    return _unlocked(keyfile, data_key, is_next=is_next)


def set_passphrase(data_dir: Path, key: UnlockedKey, new_passphrase: str, *,
                   params: Argon2Params | None = None) -> None:
    """Rewrap the data key under a new passphrase (after an unlock by the recovery key: a restore, a forgotten
    passphrase). The data key stays: services/key_rotation.py rotates it."""
    check_passphrase_allowed(new_passphrase)
    paths = VaultPaths(data_dir)
    keyfile = _authentic(paths, key)
    old = keyfile.slots["passphrase"]
    params = params or old.kdf or tune()
    keyfile.with_slot(_passphrase_slot(keyfile.vault_id, key.data_key, new_passphrase, params)).save(
        paths.key_file, key.data_key)


def _authentic(paths: VaultPaths, key: UnlockedKey) -> KeyFile:
    keyfile = KeyFile.load(paths.key_file)
    if keyfile.vault_id != key.vault_id:
        raise VaultError("vault_mismatch")
    if not keyfile.authentic(key.data_key):
        raise VaultError("vault_file_tampered")
    return keyfile


# -- key rotation (services/key_rotation.py drives it; docs/vault.md, « Key rotation », says why it is crash-safe)
def begin_rotation(data_dir: Path, key: UnlockedKey, passphrase: str, recovery: RecoveryKey | None, *,
                   params: Argon2Params | None = None) -> bytes:
    """Write the next data key's slots beside the current ones (`pending`: under `passphrase`, under the recovery
    key — `recovery`'s if given, else the current one's public half —, and under the current data key), HMACed
    under both keys. Returns the next data key. The database is not touched yet."""
    paths = VaultPaths(data_dir)
    keyfile = _authentic(paths, key)
    public = recovery.public_bytes() if recovery is not None else keyfile.recovery_public
    if public is None:
        raise VaultError("recovery_key_needed")
    current = keyfile.slots["passphrase"].kdf
    params = params or current or tune()
    next_key = os.urandom(DATA_KEY_BYTES)
    vault_id = keyfile.vault_id
    pending = {"passphrase": _passphrase_slot(vault_id, next_key, passphrase, params),
               "recovery": seal_for_public(vault_id, "recovery", public, next_key),
               "rekey": seal(vault_id, "rekey", rekey_wrapping_key(key.data_key, vault_id), next_key, b"", None,
                             REKEY)}
    replace(keyfile, pending=pending, pending_public=public).save(paths.key_file, key.data_key, next_key)
    return next_key


def rotation_pending(data_dir: Path) -> bool:
    return bool(load_keyfile(data_dir).pending)


def commit_rotation(data_dir: Path, next_key: bytes) -> None:
    """The database is under the next key: its slots become the only ones (the old key no longer opens anything
    from this file), HMACed under it alone."""
    paths = VaultPaths(data_dir)
    keyfile = KeyFile.load(paths.key_file)
    if not keyfile.pending:
        return
    if not keyfile.authentic(next_key):
        raise VaultError("vault_file_tampered")
    slots = {name: slot for name, slot in keyfile.pending.items() if name != "rekey"}
    replace(keyfile, slots=slots, recovery_public=keyfile.pending_public, pending={}, pending_public=None).save(
        paths.key_file, next_key)


def abort_rotation(data_dir: Path, current_key: bytes) -> None:
    """The database is still under the current key: the next key's slots go."""
    paths = VaultPaths(data_dir)
    keyfile = KeyFile.load(paths.key_file)
    if keyfile.pending:
        replace(keyfile, pending={}, pending_public=None).save(paths.key_file, current_key)


def remember_in_keychain(data_dir: Path, key: UnlockedKey) -> None:
    keychain.store(key.vault_id, key.data_key)
    paths = VaultPaths(data_dir)
    keyfile = _authentic(paths, key)
    if not keyfile.remembered:
        replace(keyfile, remembered=True).save(paths.key_file, key.data_key)


def forget_in_keychain(data_dir: Path, key: UnlockedKey | None = None) -> None:
    """Take the key out of this computer's keychain. Without `key`, the keychain's copy (if any) reseals vault.json;
    if there is none, the flag stays and the next keychain unlock simply finds nothing."""
    paths = VaultPaths(data_dir)
    key = key or unlock_from_keychain(data_dir)
    keyfile = _authentic(paths, key) if key else KeyFile.load(paths.key_file)
    keychain.delete(keyfile.vault_id)
    if keyfile.remembered and key is not None:
        replace(keyfile, remembered=False).save(paths.key_file, key.data_key)


def not_remembered(data_dir: Path, key: UnlockedKey) -> None:
    """The key file says the key is not in this computer's keychain (a restored copy: nothing is there yet)."""
    paths = VaultPaths(data_dir)
    keyfile = _authentic(paths, key)
    if keyfile.remembered:
        replace(keyfile, remembered=False).save(paths.key_file, key.data_key)


def unlock_from_keychain(data_dir: Path) -> UnlockedKey | None:
    """The data key from the OS keychain, or None when it is not remembered or not reachable."""
    paths = VaultPaths(data_dir)
    keyfile = KeyFile.load(paths.key_file)
    if not keyfile.remembered:
        return None
    data_key = keychain.fetch(keyfile.vault_id)
    if data_key is None or len(data_key) != DATA_KEY_BYTES:
        return None
    return _unlocked(keyfile, data_key)
