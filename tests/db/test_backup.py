"""Backups on real encrypted files: written, verified, restored into a new folder with the passphrase or the
recovery key; a damaged or tampered file restores nothing; the last N automatic backups are kept."""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_desktop import messages, settings
from cocon_desktop.db.snapshot import check_file
from cocon_desktop.errors import CoconError, VaultError
from cocon_desktop.models import Child, Invoice
from cocon_desktop.security import vault
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import backup, backup_format, invoicing, settings_store
from cocon_desktop.services.invoice_verify import verify, write_anchor
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase, open_with_recovery_key
from tests.conftest import OTHER_PASSPHRASE, STRONG_PASSPHRASE
from tests.db.invoice_helpers import OCTOBER, TODAY, fill, plain_render


@pytest.fixture
def filled(practice: Practice) -> Practice:
    fill(practice)
    invoicing.issue_run(practice.sessions, "RPO", *OCTOBER, TODAY, plain_render)
    write_anchor(practice.sessions, practice.data_dir, practice.key.data_key)
    return practice


def rows(practice: Practice) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    with practice.sessions() as session:
        children = [(c.inclusion_number, c.last_name) for c in session.scalars(select(Child).order_by(Child.id))]
        invoices = [(i.number, i.pdf_sha256) for i in session.scalars(select(Invoice).order_by(Invoice.id))]
    return children, invoices


def test_backup_then_restore_with_passphrase_gives_the_same_rows(filled: Practice, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    info = backup.backup_to(filled, usb)
    assert info.path.parent == usb and info.path.name.endswith(".coconbak")
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in usb.iterdir()] == [info.path.name]  # no temporary file left
    assert not [p for p in filled.paths.backups.iterdir() if p.name.startswith(".backup-")]
    assert info.counts["child"] == 6 and info.counts["invoice"] == 3 and info.counts["seance"] == 24
    raw = info.path.read_bytes()
    assert b"Nom" not in raw and b"RPO-2025" not in raw and b"SQLite format" not in raw  # nothing in clear
    before = rows(filled)

    target = tmp_path / "nouveau"
    report = backup.restore(info.path, target, passphrase=STRONG_PASSPHRASE)
    assert report.counts == info.counts
    assert sorted(p.name for p in target.iterdir()) == ["chain-head.json", "practice.db", "vault.json"]
    assert target.stat().st_mode & 0o777 == 0o700
    restored = open_with_passphrase(target, STRONG_PASSPHRASE)
    try:
        assert rows(restored) == before
        assert verify(restored.sessions, target, restored.key.data_key).ok  # chain and anchor came along
    finally:
        restored.close()
    assert backup.last_backup(filled) is not None and backup.last_backup(filled)[1] == str(info.path)  # type: ignore[index]


def test_restore_with_the_recovery_key_sets_a_new_passphrase(filled: Practice, recovery: RecoveryKey,
                                                            tmp_path: Path) -> None:
    info = backup.backup_to(filled, tmp_path)
    target = tmp_path / "restored"
    backup.restore(info.path, target, recovery_key=recovery.formatted(), new_passphrase=OTHER_PASSPHRASE)
    practice = open_with_passphrase(target, OTHER_PASSPHRASE)
    assert rows(practice) == rows(filled)
    practice.close()
    with pytest.raises(VaultError) as wrong:
        vault.unlock_with_passphrase(target, STRONG_PASSPHRASE)
    assert wrong.value.code == "wrong_passphrase"
    open_with_recovery_key(target, recovery.formatted()).close()  # the recovery key still opens it


def test_wrong_passphrase_restores_nothing(filled: Practice, tmp_path: Path) -> None:
    info = backup.backup_to(filled, tmp_path)
    with pytest.raises(VaultError) as caught:
        backup.restore(info.path, tmp_path / "x", passphrase=OTHER_PASSPHRASE)
    assert caught.value.code == "wrong_passphrase"
    assert not (tmp_path / "x").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _restore_fails(path: Path, target: Path) -> CoconError:
    with pytest.raises(CoconError) as caught:
        backup.restore(path, target, passphrase=STRONG_PASSPHRASE)
    assert not target.exists()
    assert [p for p in target.parent.iterdir() if p.name.startswith(f".{target.name}")] == []
    sentence = messages.describe(caught.value)
    assert sentence[0].isupper() and sentence.endswith(".") and "restauré" in sentence
    return caught.value


@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_a_damaged_backup_restores_nothing(filled: Practice, tmp_path: Path, where: str) -> None:
    info = backup.backup_to(filled, tmp_path)
    size = info.path.stat().st_size
    _flip(info.path, {"header": 20, "middle": size // 2, "end": size - 1}[where])
    assert _restore_fails(info.path, tmp_path / "x").code == "backup_corrupted"


def test_a_truncated_or_foreign_file_restores_nothing(filled: Practice, tmp_path: Path) -> None:
    info = backup.backup_to(filled, tmp_path)
    info.path.write_bytes(info.path.read_bytes()[:-5000])
    assert _restore_fails(info.path, tmp_path / "x").code == "backup_corrupted"
    other = tmp_path / "notes.coconbak"
    other.write_text("bonjour")
    assert _restore_fails(other, tmp_path / "y").code == "backup_not_a_backup"


def _rewrite_header(path: Path, change: dict[str, object]) -> None:
    """Tamper like someone who knows the format: change the header, recompute the checksum (not the HMAC)."""
    import hashlib

    data = path.read_bytes()
    (length,) = struct.unpack(">I", data[8:12])
    header = json.loads(data[12:12 + length])
    header.update(change)
    new_head = json.dumps(header, sort_keys=True).encode()
    body = data[:8] + struct.pack(">I", len(new_head)) + new_head + data[12 + length:-64]
    mac = data[-64:-32]
    path.write_bytes(body + mac + hashlib.sha256(body + mac).digest())


def test_a_tampered_backup_restores_nothing(filled: Practice, tmp_path: Path) -> None:
    info = backup.backup_to(filled, tmp_path)
    container = backup_format.read(info.path)
    _rewrite_header(info.path, {"counts": {**container.counts, "invoice": 2}})
    assert _restore_fails(info.path, tmp_path / "x").code == "backup_tampered"


def test_restore_refuses_a_folder_holding_a_practice(filled: Practice, tmp_path: Path) -> None:
    info = backup.backup_to(filled, tmp_path)
    before = sorted(p.name for p in filled.data_dir.iterdir())
    with pytest.raises(CoconError) as caught:
        backup.restore(info.path, filled.data_dir, passphrase=STRONG_PASSPHRASE)
    assert caught.value.code == "restore_target_not_empty"
    assert sorted(p.name for p in filled.data_dir.iterdir()) == before
    empty = tmp_path / "vide"
    empty.mkdir()
    backup.restore(info.path, empty, passphrase=STRONG_PASSPHRASE)  # an existing but empty folder is fine
    assert (empty / "practice.db").exists()


def test_backup_to_a_missing_folder_is_a_french_error(filled: Practice, tmp_path: Path) -> None:
    with pytest.raises(CoconError) as caught:
        backup.backup_to(filled, tmp_path / "cle-usb-debranchee")
    assert caught.value.code == "backup_folder_missing"


def test_automatic_backups_keep_the_last_n(filled: Practice) -> None:
    settings_store.put(filled.sessions, settings.BACKUP_KEEP, 3)
    start = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)
    written = [backup.automatic_backup(filled, now=start + timedelta(days=n)).path for n in range(5)]
    kept = backup.list_automatic(filled.data_dir)
    assert kept == written[2:]
    assert all(p.parent == filled.paths.backups for p in kept)
    when, where = backup.last_backup(filled)  # type: ignore[misc]
    assert when == start + timedelta(days=4) and where == str(written[-1])


def test_the_snapshot_is_consistent_while_the_practice_is_open(filled: Practice, tmp_path: Path) -> None:
    """The live database (WAL, open connections) is copied through the backup API, not by copying files."""
    info = backup.backup_to(filled, tmp_path)
    copy = tmp_path / "copy.db"
    backup_format.read(info.path).extract("practice.db", copy)
    integrity, counts = check_file(copy, filled.key.data_key)
    assert integrity == "ok" and counts == info.counts


def test_leftovers_of_a_killed_backup_or_restore_are_swept_at_the_next_one(filled: Practice, tmp_path: Path) -> None:
    """A SIGKILL leaves encrypted staging folders and partial files under temporary names (the torture found them,
    issue 19, #13): the next backup or restore removes those older than an hour and leaves younger ones alone."""
    import os
    import time

    usb = tmp_path / "usb"
    usb.mkdir()
    old = time.time() - 2 * backup.STALE_AFTER_S
    stale_staging = filled.paths.backups / ".backup-killed"
    stale_staging.mkdir(parents=True)
    (stale_staging / "practice.db").write_bytes(b"encrypted pages")
    stale_partial = usb / ".cocon-sauvegarde-20261201-101010.coconbak.1234.tmp"
    stale_partial.write_bytes(b"half")
    young_partial = usb / ".cocon-sauvegarde-20261207-101010.coconbak.99.tmp"
    young_partial.write_bytes(b"running")
    unrelated = usb / ".photos.tmp"
    unrelated.write_bytes(b"the user's")
    for path in (stale_staging, stale_partial, unrelated):
        os.utime(path, (old, old))
    info = backup.backup_to(filled, usb)
    assert not stale_staging.exists() and not stale_partial.exists()
    assert young_partial.exists() and unrelated.exists()

    stale_restore = tmp_path / ".nouveau.restore-killed"
    stale_restore.mkdir()
    os.utime(stale_restore, (old, old))
    backup.restore(info.path, tmp_path / "nouveau", passphrase=STRONG_PASSPHRASE)
    assert not stale_restore.exists()
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]
