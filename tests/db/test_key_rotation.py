"""Issue 19, #3: the data key rotates (a passphrase change, « Changer la clé de chiffrement », a new recovery key), a
kill at any moment of a rotation leaves a practice that opens, and vault.json is authenticated under the data key.
Real SQLCipher files throughout."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import pytest

from cocon_desktop.db.engine import connect
from cocon_desktop.errors import DatabaseError, VaultError
from cocon_desktop.security import vault
from cocon_desktop.security.keyfile import KeyFile
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.security.vault import VaultPaths
from cocon_desktop.services import backup, backup_format, key_rotation, practice_handle, practice_keys
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.practice_profile import load_profile
from tests.conftest import OTHER_PASSPHRASE, PROFILE, STRONG_PASSPHRASE
from tests.db.conftest import sha256
from tests.db.test_kdf_caps import rewrite_checksum as _rewrite_checksum

THIRD_PASSPHRASE = "cheval été pluie lampe mouton grenier crayon"


def _opens(database: Path, key: bytes) -> bool:
    try:
        connect(database, key).close()
    except DatabaseError:
        return False
    return True


def _profile_of(opened: Practice) -> object:
    with opened:
        return load_profile(opened.sessions)


# -- #3: a passphrase change rotates the data key
def test_old_vault_json_put_back_does_not_open_todays_database(practice: Practice, data_dir: Path) -> None:
    """The issue's attack: keep vault.json, change the passphrase, put the old vault.json back, type the old
    passphrase. On 3412e4b today's database opened (the data key never changed)."""
    paths = VaultPaths(data_dir)
    old_vault = paths.key_file.read_bytes()
    practice.write(practice_keys.change_passphrase, STRONG_PASSPHRASE, OTHER_PASSPHRASE)
    assert load_profile(practice.sessions) == PROFILE  # the open handle follows the new key
    practice.close()
    paths.key_file.write_bytes(old_vault)
    with pytest.raises(DatabaseError) as caught:
        practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    assert caught.value.code == "database_key_mismatch"


def test_rekey_reencrypts_the_real_file_and_reopens(practice: Practice, data_dir: Path,
                                                    recovery: RecoveryKey) -> None:
    paths = VaultPaths(data_dir)
    old_key = practice.key.data_key
    before = sha256(paths.database)
    steps: list[tuple[int, int]] = []
    report = practice.write(key_rotation.rotate_data_key, STRONG_PASSPHRASE,
                            progress=lambda done, total: steps.append((done, total)) or True).value
    assert steps[0] == (0, key_rotation.STEPS) and steps[-1] == (key_rotation.STEPS, key_rotation.STEPS)
    new_key = practice.key.data_key
    assert new_key != old_key and sha256(paths.database) != before
    assert not _opens(paths.database, old_key) and _opens(paths.database, new_key)
    assert load_profile(practice.sessions) == PROFILE
    assert not (paths.data_dir / "practice.db.rekey").exists()
    keyfile = vault.load_keyfile(data_dir)
    assert not keyfile.pending and set(keyfile.slots) == {"passphrase", "recovery"}
    assert report.recovery_key is None and report.seconds > 0
    assert report.backup is not None and report.backup.exists()  # the fresh backup, under the new key
    backup.verify_backup(report.backup, practice.key, paths.backups)
    practice.close()
    assert _profile_of(practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)) == PROFILE
    assert _profile_of(practice_handle.open_with_recovery_key(data_dir, recovery.formatted())) == PROFILE


def test_older_backups_still_open_with_the_old_key_and_can_be_deleted(practice: Practice, data_dir: Path,
                                                                        tmp_path: Path) -> None:
    older = practice.write(backup.automatic_backup).value.path
    report = practice.write(key_rotation.change_passphrase, STRONG_PASSPHRASE, OTHER_PASSPHRASE).value
    assert report.older_backups == (older,)
    restored = backup.restore(older, tmp_path / "ancien", passphrase=STRONG_PASSPHRASE)  # what the report says
    assert restored.vault_id == practice.vault_id
    assert practice.write(key_rotation.delete_older_backups, [older, data_dir / "vault.json"]).value == 1
    assert not older.exists() and (data_dir / "vault.json").exists()  # only listed backups go
    assert report.backup is not None and report.backup.exists()


def test_new_recovery_key_shown_once_and_the_old_one_stops_working(practice: Practice, data_dir: Path,
                                                                   recovery: RecoveryKey) -> None:
    old_vault = VaultPaths(data_dir).key_file.read_bytes()
    report = practice.write(key_rotation.new_recovery_key, STRONG_PASSPHRASE).value
    assert report.recovery_key is not None and report.recovery_key != recovery
    practice.close()
    with pytest.raises(VaultError) as caught:
        practice_handle.open_with_recovery_key(data_dir, recovery.formatted())
    assert caught.value.code == "wrong_recovery_key"
    assert _profile_of(practice_handle.open_with_recovery_key(data_dir, report.recovery_key.formatted())) == PROFILE
    # the old recovery key with the old vault.json put back: not today's database either
    VaultPaths(data_dir).key_file.write_bytes(old_vault)
    (data_dir / vault.ATTEMPTS_FILE).unlink(missing_ok=True)
    with pytest.raises(DatabaseError):
        practice_handle.open_with_recovery_key(data_dir, recovery.formatted())


def test_wrong_passphrase_rotates_nothing(practice: Practice, data_dir: Path) -> None:
    before = (sha256(VaultPaths(data_dir).database), VaultPaths(data_dir).key_file.read_bytes())
    with pytest.raises(VaultError) as caught:
        practice.write(key_rotation.rotate_data_key, OTHER_PASSPHRASE)
    assert caught.value.code == "wrong_passphrase"
    assert (sha256(VaultPaths(data_dir).database), VaultPaths(data_dir).key_file.read_bytes()) == before


def test_another_connection_open_refuses_and_changes_nothing(practice: Practice, data_dir: Path) -> None:
    paths = VaultPaths(data_dir)
    other = connect(paths.database, practice.key.data_key)  # another window, or `cocon` running
    other.execute("SELECT count(*) FROM sqlite_master").fetchone()
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a reader in the middle of a transaction
    try:
        with pytest.raises(DatabaseError) as caught:
            practice.write(key_rotation.rotate_data_key, STRONG_PASSPHRASE)
    finally:
        other.close()
    assert caught.value.code == "practice_busy"
    assert not vault.load_keyfile(data_dir).pending
    assert load_profile(practice.sessions) == PROFILE
    assert not (data_dir / "practice.db.rekey").exists()


# -- #3: crash safety, each moment a kill can hit (the state a kill leaves is built step by step)
def _pending(practice: Practice, passphrase: str) -> bytes:
    return vault.begin_rotation(practice.data_dir, practice.key, passphrase, None)


def test_killed_before_the_database_changed_opens_with_the_old_key(practice: Practice, data_dir: Path) -> None:
    paths = VaultPaths(data_dir)
    current = practice.key.data_key
    _pending(practice, OTHER_PASSPHRASE)
    (data_dir / "practice.db.rekey").write_bytes(b"half-written")  # the export was under way
    practice.close()
    with pytest.raises(VaultError) as caught:  # the new passphrase: the database was not re-encrypted
        practice_handle.open_with_passphrase(data_dir, OTHER_PASSPHRASE)
    assert caught.value.code == "rotation_interrupted"
    reopened = practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    assert reopened.key.data_key == current
    assert _profile_of(reopened) == PROFILE
    assert not vault.load_keyfile(data_dir).pending and not (data_dir / "practice.db.rekey").exists()
    assert _opens(paths.database, current)


@pytest.mark.parametrize("typed", ["old passphrase", "new passphrase", "recovery key", "keychain"])
def test_killed_after_the_rename_opens_with_the_new_key_and_finishes(practice: Practice, data_dir: Path,
                                                                     recovery: RecoveryKey, typed: str,
                                                                     memory_keychain: object) -> None:
    paths = VaultPaths(data_dir)
    if typed == "keychain":
        vault.remember_in_keychain(data_dir, practice.key)
    current = practice.key.data_key
    next_key = _pending(practice, OTHER_PASSPHRASE)
    practice.engine.dispose()
    key_rotation.reencrypt(paths.database, current, next_key)
    practice.close()  # killed here: vault.json still holds both keys' slots
    assert vault.load_keyfile(data_dir).pending
    opened = {"old passphrase": lambda: practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE),
              "new passphrase": lambda: practice_handle.open_with_passphrase(data_dir, OTHER_PASSPHRASE),
              "recovery key": lambda: practice_handle.open_with_recovery_key(data_dir, recovery.formatted()),
              "keychain": lambda: practice_handle.open_from_keychain(data_dir)}[typed]()
    assert opened is not None and opened.key.data_key == next_key
    assert _profile_of(opened) == PROFILE
    keyfile = vault.load_keyfile(data_dir)
    assert not keyfile.pending and keyfile.authentic(next_key) and not keyfile.authentic(current)
    assert _profile_of(practice_handle.open_with_passphrase(data_dir, OTHER_PASSPHRASE)) == PROFILE
    with pytest.raises(VaultError):
        practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)


# -- #3: vault.json authenticated under the data key
@pytest.mark.parametrize("edit", ["keychain flag", "kdf parameters", "recovery public key", "demo flag"])
def test_vault_json_edited_by_hand_is_refused(practice: Practice, data_dir: Path, recovery: RecoveryKey,
                                              edit: str) -> None:
    """On 3412e4b the checksum was a plain SHA-256: recomputing it made any edit pass. (An edited recovery public
    key would have the next rotation wrap the data key for someone else's recovery key.)"""
    import base64

    practice.close()
    path = VaultPaths(data_dir).key_file
    other_public = RecoveryKey.generate().public_bytes()
    edits = {"keychain flag": lambda d: d.update(remembered_in_keychain=True),
             "kdf parameters": lambda d: d["slots"]["passphrase"].update(time_cost=2),  # cheaper for the next wrap
             "recovery public key": lambda d: d.update(recovery_public=base64.b64encode(other_public).decode()),
             "demo flag": lambda d: d.update(demo=True)}
    _rewrite_checksum(path, edits[edit])
    attempts = [lambda: practice_handle.open_with_recovery_key(data_dir, recovery.formatted())]
    if edit != "kdf parameters":  # other parameters derive another key: that is a wrong passphrase, as before
        attempts.append(lambda: practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE))
    for attempt in attempts:
        with pytest.raises(VaultError) as caught:
            attempt().close()
        assert caught.value.code == "vault_file_tampered"


def test_version_1_vault_json_opens_once_and_is_upgraded(practice: Practice, data_dir: Path,
                                                         recovery: RecoveryKey) -> None:
    """A key file written before issue 19 (unkeyed SHA-256, symmetric recovery slot) still opens, and is rewritten
    with its HMAC; a rotation then issues a new recovery key (the old one cannot be wrapped for without it)."""
    import os

    from cocon_desktop.security.keyfile import HKDF_RECOVERY, seal

    key = practice.key
    keyfile = vault.load_keyfile(data_dir)
    rsalt = os.urandom(16)
    legacy = keyfile.with_slot(seal(key.vault_id, "recovery", recovery.wrapping_key(rsalt), key.data_key, rsalt,
                                    None, HKDF_RECOVERY))
    body = {**legacy._body(), "version": 1}
    body.pop("recovery_public", None)
    body["slots"]["recovery"] = {"kdf": "hkdf-sha256", **{k: v for k, v in body["slots"]["recovery"].items()
                                                          if k != "kdf"}}
    body["sha256"] = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    key_file = VaultPaths(data_dir).key_file
    key_file.write_text(json.dumps(body), "utf-8")
    assert vault.load_keyfile(data_dir).legacy
    written = key_file.read_bytes()
    vault.unlock_with_passphrase(data_dir, STRONG_PASSPHRASE)  # an unlock writes nothing (fixtures, read-only media)
    assert key_file.read_bytes() == written
    with practice_handle.open_with_recovery_key(data_dir, recovery.formatted()) as again:  # opening upgrades it
        assert again.key.data_key == key.data_key
    assert not vault.load_keyfile(data_dir).legacy and vault.load_keyfile(data_dir).authentic(key.data_key)
    report = practice.write(key_rotation.rotate_data_key, STRONG_PASSPHRASE).value
    assert report.recovery_key is not None  # shown once by the window and `cocon rekey`
    upgraded = vault.load_keyfile(data_dir)
    assert not upgraded.legacy and upgraded.recovery_public == report.recovery_key.public_bytes()
    practice.close()
    assert _profile_of(practice_handle.open_with_recovery_key(data_dir, report.recovery_key.formatted())) == PROFILE


def test_a_copy_of_the_data_folder_keeps_working(practice: Practice, data_dir: Path, tmp_path: Path) -> None:
    """The rotated vault is self-contained: a plain copy of the folder opens with the new passphrase."""
    practice.write(practice_keys.change_passphrase, STRONG_PASSPHRASE, THIRD_PASSPHRASE)
    practice.close()
    copy = tmp_path / "copie"
    shutil.copytree(data_dir, copy)
    assert _profile_of(practice_handle.open_with_passphrase(copy, THIRD_PASSPHRASE)) == PROFILE
    assert KeyFile.load(copy / "vault.json").authentic(practice_handle.open_with_passphrase(
        copy, THIRD_PASSPHRASE).key.data_key)


def test_issued_documents_still_verify_after_a_rotation_and_after_a_kill(tmp_path: Path) -> None:
    """chain-head.json is MACed under the data key: it follows the key (rotation, and the settling after a kill)."""
    from cocon_desktop.services.demo import DEMO_PASSPHRASE, create_demo
    from cocon_desktop.services.invoice_documents import verify_practice
    from tests.dates import TODAY

    data_dir = tmp_path / "demo"
    practice = create_demo(data_dir, TODAY)
    try:
        assert verify_practice(practice).ok
        practice.write(key_rotation.rotate_data_key, DEMO_PASSPHRASE, progress=None)
        assert verify_practice(practice).ok, verify_practice(practice)
        current = practice.key.data_key
        next_key = vault.begin_rotation(data_dir, practice.key, DEMO_PASSPHRASE, None)
        practice.engine.dispose()
        key_rotation.reencrypt(VaultPaths(data_dir).database, current, next_key)
    finally:
        practice.close()  # killed after the rename: the anchor is still under the previous key
    with practice_handle.open_with_passphrase(data_dir, DEMO_PASSPHRASE) as reopened:
        assert reopened.key.data_key == next_key
        assert verify_practice(reopened).ok, verify_practice(reopened)


def test_recovery_with_a_new_passphrase_rotates_the_data_key(practice: Practice, data_dir: Path,
                                                             recovery: RecoveryKey) -> None:
    """The forgotten passphrase may be someone else's: after the recovery flow, an old vault.json put back does not
    open the database with it (on 3412e4b the recovery only rewrapped the same key)."""
    old_vault, old_key = VaultPaths(data_dir).key_file.read_bytes(), practice.key.data_key
    practice.close()
    with practice_handle.recover(data_dir, recovery.formatted(), lambda: OTHER_PASSPHRASE) as recovered:
        assert recovered.key.data_key != old_key
        assert load_profile(recovered.sessions) == PROFILE
    assert not _opens(VaultPaths(data_dir).database, old_key)
    assert _profile_of(practice_handle.open_with_passphrase(data_dir, OTHER_PASSPHRASE)) == PROFILE
    VaultPaths(data_dir).key_file.write_bytes(old_vault)
    with pytest.raises(DatabaseError):
        practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)


def test_a_read_during_the_rotation_waits_for_the_new_key(practice: Practice, data_dir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The window reads in its workers while the rotation runs: a connection opened meanwhile would hold the old
    file (renamed away) with the old key. It waits, then opens the new file with the new key."""
    import threading

    real = key_rotation.reencrypt
    results: list[object] = []

    def read() -> None:
        try:
            results.append(practice.read(load_profile))
        except BaseException as exc:
            results.append(exc)

    reader = threading.Thread(target=read)

    def reencrypt_with_a_reader(database: Path, current: bytes, next_key: bytes) -> dict[str, int]:
        reader.start()
        time.sleep(0.2)  # the reader is now waiting for a connection
        assert not results
        return real(database, current, next_key)

    monkeypatch.setattr(key_rotation, "reencrypt", reencrypt_with_a_reader)
    practice.write(key_rotation.rotate_data_key, STRONG_PASSPHRASE)
    reader.join(30)
    assert results == [PROFILE]
    assert not (data_dir / "practice.db-wal").exists() or _opens(VaultPaths(data_dir).database, practice.key.data_key)


def test_a_remembered_key_follows_the_rotation_in_the_keychain(practice: Practice, data_dir: Path,
                                                                memory_keychain: object) -> None:
    vault.remember_in_keychain(data_dir, practice.key)
    old_key = practice.key.data_key
    practice.write(key_rotation.rotate_data_key, STRONG_PASSPHRASE)
    assert practice.key.data_key != old_key
    practice.close()
    opened = practice_handle.open_from_keychain(data_dir)
    assert opened is not None and opened.key.data_key != old_key
    assert _profile_of(opened) == PROFILE


def test_a_restore_with_the_recovery_key_and_a_new_passphrase_rotates_the_key(tmp_path: Path, recovery: RecoveryKey
                                                                              ) -> None:
    """The backup's own vault.json (and every older copy) with the forgotten passphrase must not open what was
    restored; the recovery key stays valid. Issued documents still verify (chain-head.json followed the key)."""
    from cocon_desktop.services.demo import DEMO_PASSPHRASE, create_demo
    from cocon_desktop.services.invoice_documents import verify_practice
    from tests.dates import TODAY

    with create_demo(tmp_path / "demo", TODAY) as demo:  # a new recovery key: the demo's own is not known
        report = demo.write(key_rotation.new_recovery_key, DEMO_PASSPHRASE).value
        demo_recovery, info_path, old_key = report.recovery_key, report.backup, demo.key.data_key
    assert demo_recovery is not None and info_path is not None
    old_vault = backup_format.read(info_path).read_member("vault.json")
    target = tmp_path / "restauré"
    backup.restore(info_path, target, recovery_key=demo_recovery.formatted(), new_passphrase=THIRD_PASSPHRASE)
    assert not _opens(VaultPaths(target).database, old_key)
    with practice_handle.open_with_passphrase(target, THIRD_PASSPHRASE) as restored:
        assert verify_practice(restored).ok, verify_practice(restored)
    with practice_handle.open_with_recovery_key(target, demo_recovery.formatted()) as restored:
        assert restored.key.data_key != old_key
    VaultPaths(target).key_file.write_bytes(old_vault)
    with pytest.raises(DatabaseError):
        practice_handle.open_with_passphrase(target, DEMO_PASSPHRASE)
