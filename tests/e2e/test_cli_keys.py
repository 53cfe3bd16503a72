"""`cocon rekey` and `cocon recovery-key` (issue 19, #3), run as a user would: a real process, the demo practice."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_cli import assert_french_failure, cocon

RECOVERY = re.compile(r"^  ((?:[0-9A-Z]{4}-){8}[0-9A-Z]{4})$", re.MULTILINE)


def test_rekey_reencrypts_and_lists_the_older_backups(demo_dir: Path) -> None:
    database = (demo_dir / "practice.db").read_bytes()
    first = cocon("rekey", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert first.returncode == 0, first.stderr
    assert "Base rechiffrée sous une nouvelle clé" in first.stdout
    assert "Nouvelle sauvegarde :" in first.stdout
    assert (demo_dir / "practice.db").read_bytes() != database
    backups = sorted((demo_dir / "backups").glob("*.coconbak"))
    assert len(backups) == 1
    second = cocon("rekey", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert second.returncode == 0, second.stderr
    assert "1 sauvegarde antérieure gardée" in second.stdout and str(backups[0]) in second.stdout
    assert "ANCIENNE phrase de passe" in second.stdout
    third = cocon("rekey", "--delete-older", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert third.returncode == 0, third.stderr
    assert "2 sauvegardes antérieures supprimées" in third.stdout
    assert len(list((demo_dir / "backups").glob("*.coconbak"))) == 1  # the fresh one only
    info = cocon("info", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert info.returncode == 0, info.stderr


def test_recovery_key_is_printed_once_and_replaces_the_old_one(demo_dir: Path) -> None:
    result = cocon("recovery-key", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert result.returncode == 0, result.stderr
    keys = RECOVERY.findall(result.stdout)
    assert len(keys) == 1
    assert "l'ancienne ne fonctionne plus" in result.stdout
    recovered = cocon("recover", "--data-dir", demo_dir, "--recovery-key-stdin",
                      stdin=f"{keys[0]}\nviolette sapin marmotte falaise orage citron voilier\n")
    assert recovered.returncode == 0, recovered.stderr


def test_rekey_with_a_wrong_passphrase_changes_nothing(demo_dir: Path) -> None:
    before = (demo_dir / "vault.json").read_bytes(), (demo_dir / "practice.db").read_bytes()
    result = cocon("rekey", "--data-dir", demo_dir, "--passphrase-stdin", stdin="pas la bonne\n")
    assert_french_failure(result, "Phrase de passe incorrecte.")
    assert ((demo_dir / "vault.json").read_bytes(), (demo_dir / "practice.db").read_bytes()) == before
