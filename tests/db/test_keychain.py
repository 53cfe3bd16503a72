"""Remembering the data key in the OS keychain — and never in a plaintext one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from cocon_desktop.errors import VaultError
from cocon_desktop.security import keychain, vault
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.security.vault import VaultPaths
from cocon_desktop.services import practice_handle
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE, MemoryKeyring


def test_no_keychain(practice: Practice, data_dir: Path) -> None:
    status = keychain.status()
    assert not status.available
    assert status.reason == "keychain_none"
    before = VaultPaths(data_dir).key_file.read_bytes()
    with pytest.raises(VaultError) as caught:
        vault.remember_in_keychain(data_dir, practice.key)
    assert caught.value.code == "keychain_none"
    assert VaultPaths(data_dir).key_file.read_bytes() == before
    assert vault.unlock_from_keychain(data_dir) is None
    assert practice_handle.open_from_keychain(data_dir) is None


def test_remembered_practice_opens_without_passphrase(data_dir: Path, memory_keychain: MemoryKeyring) -> None:
    assert keychain.status().available
    practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                                  params=FAST_KDF, remember=True).close()
    assert len(memory_keychain.store) == 1
    assert vault.load_keyfile(data_dir).remembered
    opened = practice_handle.open_from_keychain(data_dir)
    assert opened is not None
    try:
        assert load_profile(opened.sessions) == PROFILE
    finally:
        opened.close()

    vault.forget_in_keychain(data_dir)
    assert memory_keychain.store == {}
    assert not vault.load_keyfile(data_dir).remembered
    assert practice_handle.open_from_keychain(data_dir) is None


def test_remembered_key_is_not_used_when_the_keychain_is_gone(data_dir: Path,
                                                             memory_keychain: MemoryKeyring) -> None:
    practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                                  params=FAST_KDF, remember=True).close()
    from keyring.backends import null

    keyring.set_keyring(null.Keyring())  # type: ignore[no-untyped-call]  # the fixture restores it
    assert vault.unlock_from_keychain(data_dir) is None


def test_forgotten_key_in_keychain_of_another_practice_is_ignored(data_dir: Path, tmp_path: Path,
                                                                  memory_keychain: MemoryKeyring) -> None:
    practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                                  params=FAST_KDF, remember=True).close()
    other = tmp_path / "autre"
    practice_handle.create_practice(other, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                                  params=FAST_KDF).close()
    assert practice_handle.open_from_keychain(other) is None


@pytest.fixture
def plaintext_keychain() -> Iterator[keyring.backend.KeyringBackend]:
    """A backend that looks like keyrings.alt's plaintext file keyring."""
    cls = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    previous = keyring.get_keyring()
    backend = cls()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
    keyring.backend.KeyringBackend._classes.discard(cls)


def test_plaintext_keychain_is_refused(data_dir: Path, plaintext_keychain: MemoryKeyring) -> None:
    status = keychain.status()
    assert (status.available, status.reason) == (False, "keychain_plaintext")
    assert status.backend == "keyrings.alt.file.PlaintextKeyring"
    with pytest.raises(VaultError) as caught:
        practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                                      params=FAST_KDF, remember=True)
    assert caught.value.code == "keychain_plaintext"
    assert plaintext_keychain.store == {}
    assert not VaultPaths(data_dir).key_file.exists()


def test_a_chain_holding_a_plaintext_backend_is_refused() -> None:
    """A chain could fall through to the plaintext file: the option stays off."""
    from keyring.backends.chainer import ChainerBackend

    from tests.conftest import MemoryKeyring

    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    chain_class = type("Chain", (ChainerBackend,), {"__module__": "keyring.backends.chainer",
                                                    "backends": [MemoryKeyring(), plaintext()]})
    chain = chain_class()
    previous = keyring.get_keyring()
    keyring.set_keyring(chain)
    try:
        current = keychain.status()
        assert not current.available and current.reason == "keychain_plaintext"
    finally:
        keyring.set_keyring(previous)
