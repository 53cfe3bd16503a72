"""`cocon backup --out DIR` and `cocon restore FILE`, as a user would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services.invoice_documents import NetworkAddress, issue_period, set_network_address
from cocon_desktop.services.practice_handle import create_practice
from tests.conftest import FAST_KDF, OTHER_PASSPHRASE, PROFILE, STRONG_PASSPHRASE
from tests.db.invoice_helpers import OCTOBER, TODAY, fill
from tests.e2e.test_cli import assert_french_failure, cocon, recovery_groups, write_practice_toml

pytestmark = pytest.mark.slow  # a filled practice and its backup per module, then restores in cocon processes


def counts(data_dir: Path, passphrase: str) -> dict[str, int]:
    result = cocon("--data-dir", data_dir, "--passphrase-stdin", "info", "--json", stdin=f"{passphrase}\n")
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout)["counts"])


@pytest.fixture(scope="module")
def filled_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], Path]:
    """A practice with children, séances and signed invoices (made once for this module, in-process), its
    counts, and one backup of it written by `cocon backup` on a "USB drive"."""
    folder = tmp_path_factory.mktemp("cabinet") / "cabinet"
    practice = create_practice(folder, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    try:
        fill(practice)
        set_network_address(practice.sessions, "RPO", NetworkAddress("2 allée du Test", "31000", "Toulouse"))
        issue_period(practice, "RPO", *OCTOBER, TODAY)
    finally:
        practice.close()
    original = counts(folder, STRONG_PASSPHRASE)
    usb = tmp_path_factory.mktemp("usb")
    result = cocon("--data-dir", folder, "--passphrase-stdin", "backup", "--out", usb, stdin=f"{STRONG_PASSPHRASE}\n")
    assert result.returncode == 0, result.stderr
    files = list(usb.glob("*.coconbak"))
    assert len(files) == 1 and str(files[0]) in result.stdout and "vérifiée" in result.stdout
    return folder, original, files[0]


def test_backup_to_a_folder_then_restore_with_the_passphrase(filled_backup: tuple[Path, dict[str, int], Path],
                                                             tmp_path: Path) -> None:
    _, original, file = filled_backup
    assert file.stat().st_mode & 0o777 == 0o600
    target = tmp_path / "restauré"
    result = cocon("--data-dir", target, "--passphrase-stdin", "restore", file,
                   stdin=f"{STRONG_PASSPHRASE}\n")
    assert result.returncode == 0, result.stderr
    assert "restaurée" in result.stdout
    assert original["invoice"] > 0 and original["seance"] > 0 and counts(target, STRONG_PASSPHRASE) == original
    verify = cocon("--data-dir", target, "--passphrase-stdin", "verify", stdin=f"{STRONG_PASSPHRASE}\n")
    assert verify.returncode == 0, verify.stdout + verify.stderr

    again = cocon("--data-dir", target, "--passphrase-stdin", "restore", file, stdin=f"{STRONG_PASSPHRASE}\n")
    assert_french_failure(again, f"Le dossier {target} n'est pas vide : une sauvegarde se restaure dans un "
                                 "dossier nouveau, jamais par-dessus un cabinet existant. Rien n'a été modifié.")


def test_restore_with_the_recovery_key(tmp_path: Path) -> None:
    practice = tmp_path / "cabinet"
    init = cocon("--data-dir", practice, "--passphrase-stdin", "init", "--practice-file",
                 write_practice_toml(tmp_path / "p.toml"), stdin=f"{STRONG_PASSPHRASE}\n")
    assert init.returncode == 0, init.stderr
    key = "-".join(recovery_groups(init.stdout))
    original = counts(practice, STRONG_PASSPHRASE)
    saved = cocon("--data-dir", practice, "--passphrase-stdin", "backup", "--out", tmp_path,
                  stdin=f"{STRONG_PASSPHRASE}\n")
    assert saved.returncode == 0, saved.stderr
    file = next(tmp_path.glob("*.coconbak"))

    target = tmp_path / "nouveau"
    result = cocon("--data-dir", target, "restore", file, "--recovery-key-stdin",
                   stdin=f"{key}\n{OTHER_PASSPHRASE}\n")
    assert result.returncode == 0, result.stderr
    assert counts(target, OTHER_PASSPHRASE) == original


def test_a_damaged_backup_is_one_french_sentence(filled_backup: tuple[Path, dict[str, int], Path],
                                                 tmp_path: Path) -> None:
    data = bytearray(filled_backup[2].read_bytes())
    data[len(data) // 3] ^= 0xFF
    file = tmp_path / "abimee.coconbak"
    file.write_bytes(bytes(data))
    result = cocon("--data-dir", tmp_path / "x", "--passphrase-stdin", "restore", file,
                   stdin=f"{STRONG_PASSPHRASE}\n")
    assert_french_failure(result, f"La sauvegarde {file} est endommagée (somme de contrôle fausse ou fichier "
                                  "tronqué) : rien n'a été restauré. Essayez une autre sauvegarde.")
    assert not (tmp_path / "x").exists()
