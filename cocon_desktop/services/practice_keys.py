"""The practice's keys as the window and the command line use them: whether a folder holds a practice, what its key
file says (which vault, remembered in the keychain, the demo), the keychain's state, a new recovery key, the
passphrase changed, the key remembered or forgotten on this computer.

`security/` stays below the handle: the window and the command line reach it only through these use cases (and the
unlocks in services/practice_handle.py). Light on purpose: the window imports it before the first paint, so the
ORM and the practice handle are not imported here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cocon_desktop.security import vault
from cocon_desktop.services.changes import HANDLE, Changes, writes

if TYPE_CHECKING:  # at run time through __getattr__: the unlock window shows before they are needed
    from cocon_desktop.security.kdf import Argon2Params as Argon2Params  # the passphrase's KDF cost
    from cocon_desktop.security.keychain import KeychainStatus as KeychainStatus
    from cocon_desktop.security.recovery import RecoveryKey as RecoveryKey
    from cocon_desktop.services.practice_handle import Practice

_LATER = {"Argon2Params": "cocon_desktop.security.kdf", "KeychainStatus": "cocon_desktop.security.keychain",
          "RecoveryKey": "cocon_desktop.security.recovery"}


def __getattr__(name: str) -> object:
    """The key types the window and the command line name, imported when first asked for (not before the first
    window: ~10 ms of the unlock window's start)."""
    if name in _LATER:
        import importlib

        return getattr(importlib.import_module(_LATER[name]), name)
    raise AttributeError(name)


@dataclass(frozen=True)
class KeyFileFacts:
    """What a data folder's key file says, without unlocking anything."""

    vault_id: str
    remembered: bool  # the data key is also in this computer's keychain
    demo: bool  # the demo practice (passphrase « demo »)


def practice_exists(data_dir: Path) -> bool:
    """True when `data_dir` holds a practice (its key file)."""
    return vault.vault_exists(data_dir)


def key_file_facts(data_dir: Path) -> KeyFileFacts:
    """The key file's facts; VaultError when it is missing or damaged."""
    keyfile = vault.load_keyfile(data_dir)
    return KeyFileFacts(keyfile.vault_id, keyfile.remembered, keyfile.demo)


def is_remembered(practice: Practice) -> bool:
    """Whether the open practice's key is kept in this computer's keychain."""
    return key_file_facts(practice.data_dir).remembered


def keychain_status() -> KeychainStatus:
    """Whether this computer has a keychain fit for the key (never a plaintext one), and why not."""
    from cocon_desktop.security import keychain

    return keychain.status()


def new_recovery_key() -> RecoveryKey:
    """A new recovery key, to be shown once (the first-run wizard, `cocon init`)."""
    from cocon_desktop.security.recovery import RecoveryKey

    return RecoveryKey.generate()


def check_recovery_key(text: str) -> None:
    """VaultError (recovery_key_malformed, recovery_key_typo) when `text` cannot be a recovery key as typed."""
    from cocon_desktop.security.recovery import RecoveryKey

    RecoveryKey.parse(text)


def check_new_passphrase(passphrase: str) -> None:
    """VaultError('passphrase_too_weak') for a passphrase below the CNIL's rule: said before anything is written."""
    vault.check_passphrase_allowed(passphrase)


def change_passphrase_in(data_dir: Path, current: str, new_passphrase: str) -> None:
    """The passphrase of the practice in `data_dir`, changed: a new data key under it (the database is re-encrypted,
    services/key_rotation.py), so that an old vault.json put back no longer opens it with the old passphrase."""
    from cocon_desktop.services import key_rotation
    from cocon_desktop.services.practice_handle import open_with_passphrase

    vault.check_passphrase_allowed(new_passphrase)  # said before the practice is even opened
    with open_with_passphrase(data_dir, current) as practice:
        key_rotation.rotate(practice, current, new_passphrase=new_passphrase)


@writes(Changes.KEYS | Changes.SETTINGS, takes=HANDLE)  # the key, the fresh backup's date and place
def change_passphrase(practice: Practice, current: str, new_passphrase: str) -> None:
    """The open practice's passphrase changed: `current` must open it (wrong_passphrase, with the unlock's delay).
    The data key is rotated too (a fresh backup is written under the new key)."""
    from cocon_desktop.services import key_rotation

    key_rotation.rotate(practice, current, new_passphrase=new_passphrase)


@writes(Changes.KEYS, takes=HANDLE)
def remember_key(practice: Practice, remember: bool) -> bool:
    """Keep the open practice's key in this computer's keychain (it then opens without the passphrase), or take it
    out. Returns `remember`."""
    if remember:
        vault.remember_in_keychain(practice.data_dir, practice.key)
    else:
        vault.forget_in_keychain(practice.data_dir, practice.key)
    return remember
