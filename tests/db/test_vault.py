"""The practice vault on real files: passphrase, recovery key, damaged key file, throttling."""

from __future__ import annotations

import base64
import gc
import json
from dataclasses import replace
from pathlib import Path

import pytest

from cocon_desktop.errors import DatabaseError, ValidationError, VaultError
from cocon_desktop.security import vault
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.security.throttle import UnlockThrottle
from cocon_desktop.security.vault import VaultPaths
from cocon_desktop.services import practice_handle, practice_keys
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from tests.conftest import FAST_KDF, OTHER_PASSPHRASE, PROFILE, STRONG_PASSPHRASE
from tests.db.conftest import sha256


def code_of(excinfo: pytest.ExceptionInfo[VaultError]) -> str:
    return excinfo.value.code


def reopened_profile(opened: Practice) -> object:
    try:
        return load_profile(opened.sessions)
    finally:
        opened.close()


def test_create_then_reopen_with_passphrase(practice: Practice, data_dir: Path) -> None:
    practice.close()
    assert reopened_profile(practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)) == PROFILE


def test_wrong_passphrase_changes_nothing(practice: Practice, data_dir: Path) -> None:
    before = VaultPaths(data_dir).key_file.read_bytes()
    with pytest.raises(VaultError) as caught:
        practice_handle.open_with_passphrase(data_dir, OTHER_PASSPHRASE)
    assert code_of(caught) == "wrong_passphrase"
    assert VaultPaths(data_dir).key_file.read_bytes() == before


def test_recovery_key_opens_the_same_data(practice: Practice, data_dir: Path,
                                          recovery: RecoveryKey) -> None:
    practice.close()
    typed = recovery.formatted().lower().replace("-", " ")
    assert reopened_profile(practice_handle.open_with_recovery_key(data_dir, typed)) == PROFILE


def test_wrong_recovery_key(practice: Practice, data_dir: Path) -> None:
    with pytest.raises(VaultError) as caught:
        practice_handle.open_with_recovery_key(data_dir, RecoveryKey.generate().formatted())
    assert code_of(caught) == "wrong_recovery_key"


def _flip_in_base64_field(raw: bytes) -> bytes:
    data = json.loads(raw)
    wrapped = bytearray(base64.b64decode(data["slots"]["passphrase"]["wrapped"]))
    wrapped[5] ^= 0x01
    data["slots"]["passphrase"]["wrapped"] = base64.b64encode(bytes(wrapped)).decode()
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


@pytest.mark.parametrize(
    "damage",
    [_flip_in_base64_field, lambda raw: raw[: len(raw) // 2], lambda raw: b"{not json" + raw],
    ids=["flipped-byte", "truncated", "invalid-json"],
)
def test_damaged_key_file_is_reported_and_left_alone(practice: Practice, data_dir: Path,
                                                     recovery: RecoveryKey, damage: object) -> None:
    key_file = VaultPaths(data_dir).key_file
    damaged = damage(key_file.read_bytes())  # type: ignore[operator]
    key_file.write_bytes(damaged)
    for attempt in (lambda: practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE),
                    lambda: practice_handle.open_with_recovery_key(data_dir, recovery.formatted()),
                    lambda: practice_keys.change_passphrase_in(data_dir, STRONG_PASSPHRASE, OTHER_PASSPHRASE)):
        with pytest.raises(VaultError) as caught:
            attempt()
        assert code_of(caught) == "vault_file_corrupted"
    assert key_file.read_bytes() == damaged


def test_change_passphrase_rewraps_and_reencrypts_the_database(practice: Practice, data_dir: Path) -> None:
    """Issue 19, #3: a passphrase change rotates the data key too (the database file is rewritten)."""
    practice.close()
    database = VaultPaths(data_dir).database
    before = sha256(database)
    practice_keys.change_passphrase_in(data_dir, STRONG_PASSPHRASE, OTHER_PASSPHRASE)
    assert sha256(database) != before
    with pytest.raises(VaultError) as caught:
        practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    assert code_of(caught) == "wrong_passphrase"
    assert reopened_profile(practice_handle.open_with_passphrase(data_dir, OTHER_PASSPHRASE)) == PROFILE


def test_recovery_key_still_works_after_a_passphrase_change(practice: Practice, data_dir: Path,
                                                            recovery: RecoveryKey) -> None:
    practice.close()
    practice_keys.change_passphrase_in(data_dir, STRONG_PASSPHRASE, OTHER_PASSPHRASE)
    assert reopened_profile(practice_handle.open_with_recovery_key(data_dir, recovery.formatted())) == PROFILE


def test_weak_passphrase_refused_at_creation(data_dir: Path) -> None:
    with pytest.raises(VaultError) as caught:
        practice_handle.create_practice(data_dir, "Motdepasse1", PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    assert code_of(caught) == "passphrase_too_weak"
    assert not VaultPaths(data_dir).key_file.exists()
    assert not VaultPaths(data_dir).database.exists()


def test_weak_passphrase_refused_at_change(practice: Practice, data_dir: Path) -> None:
    before = VaultPaths(data_dir).key_file.read_bytes()
    with pytest.raises(VaultError) as caught:
        practice_keys.change_passphrase_in(data_dir, STRONG_PASSPHRASE, "court")
    assert code_of(caught) == "passphrase_too_weak"
    assert VaultPaths(data_dir).key_file.read_bytes() == before
    practice.close()
    assert reopened_profile(practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)) == PROFILE


def test_creating_over_an_existing_vault_is_refused(practice: Practice, data_dir: Path) -> None:
    key_file, database = VaultPaths(data_dir).key_file, VaultPaths(data_dir).database
    before = key_file.read_bytes()
    with pytest.raises(VaultError) as caught:
        practice_handle.create_practice(data_dir, OTHER_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                                      params=FAST_KDF)
    assert code_of(caught) == "vault_exists"
    with pytest.raises(VaultError):
        vault.create(data_dir, OTHER_PASSPHRASE, RecoveryKey.generate(), params=FAST_KDF)
    assert key_file.read_bytes() == before
    practice.close()
    assert database.exists()
    assert reopened_profile(practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)) == PROFILE


def test_throttle_after_three_failures(practice: Practice, data_dir: Path) -> None:
    now = [1_000_000.0]
    throttle = UnlockThrottle(VaultPaths(data_dir).attempts, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(VaultError) as caught:
            vault.unlock_with_passphrase(data_dir, OTHER_PASSPHRASE, throttle=throttle)
        assert code_of(caught) == "wrong_passphrase"
    now[0] += 1
    with pytest.raises(VaultError) as caught:  # even the right passphrase waits
        vault.unlock_with_passphrase(data_dir, STRONG_PASSPHRASE, throttle=throttle)
    assert code_of(caught) == "unlock_throttled"
    assert caught.value.data["seconds"] == 1
    # The delay survives a restart: a new throttle object reads the same file.
    with pytest.raises(VaultError):
        vault.unlock_with_passphrase(data_dir, STRONG_PASSPHRASE,
                                     throttle=UnlockThrottle(throttle.path, clock=lambda: now[0]))
    now[0] += 2
    key = vault.unlock_with_passphrase(data_dir, STRONG_PASSPHRASE, throttle=throttle)
    assert key.vault_id == vault.load_keyfile(data_dir).vault_id
    assert throttle.failures == 0
    with pytest.raises(VaultError) as caught:  # after a success, a slip is not throttled again
        vault.unlock_with_passphrase(data_dir, OTHER_PASSPHRASE, throttle=throttle)
    assert code_of(caught) == "wrong_passphrase"
    assert throttle.seconds_left() == 0


def test_throttle_delay_grows(practice: Practice, data_dir: Path) -> None:
    now = [0.0]
    throttle = UnlockThrottle(VaultPaths(data_dir).attempts, clock=lambda: now[0])
    delays = []
    for _ in range(5):
        with pytest.raises(VaultError) as caught:
            vault.unlock_with_passphrase(data_dir, OTHER_PASSPHRASE, throttle=throttle)
        delays.append(caught.value.data["delay"])
        now[0] += caught.value.data["delay"]
    assert delays == [0, 0, 2, 4, 8]


@pytest.mark.parametrize("remember", [False, True])
def test_failed_creation_leaves_nothing_behind(data_dir: Path, remember: bool) -> None:
    paths = VaultPaths(data_dir)
    if remember:  # the profile is fine, but there is no keychain: fails after the files were written
        with pytest.raises(VaultError) as caught:
            practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                                          params=FAST_KDF, remember=True)
        assert code_of(caught) == "keychain_none"
    else:
        with pytest.raises(ValidationError):
            practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, replace(PROFILE, siret="1"),
                                          RecoveryKey.generate(), params=FAST_KDF)
    gc.collect()  # an engine left open must not write its files back when it goes away
    leftovers = sorted(p.name for p in data_dir.iterdir()) if data_dir.exists() else []
    assert leftovers == []
    assert not paths.key_file.exists()
    # …so that the same folder can be used again at once.
    practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(),
                                  params=FAST_KDF).close()


def test_missing_database_is_not_replaced_by_an_empty_one(practice: Practice, data_dir: Path,
                                                          recovery: RecoveryKey) -> None:
    practice.close()
    database = VaultPaths(data_dir).database
    moved = data_dir.parent / "moved.db"
    database.rename(moved)
    for attempt in (lambda: practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE),
                    lambda: practice_handle.open_with_recovery_key(data_dir, recovery.formatted())):
        with pytest.raises(DatabaseError) as caught:
            attempt()
        assert caught.value.code == "database_missing"
    assert not database.exists()
    moved.rename(database)  # the file put back opens with all its data
    assert reopened_profile(practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)) == PROFILE
