"""The `cocon` command, run as a user would: a real process, real files, secrets on standard input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from cocon_desktop.clock import ENVIRONMENT_VARIABLE
from cocon_desktop.db import migrate
from tests.conftest import OTHER_PASSPHRASE, PROFILE, STRONG_PASSPHRASE
from tests.dates import TODAY

ROOT = Path(__file__).resolve().parents[2]
# The console script pip installed, as a user runs it (its entry point silences other packages' warnings).
SCRIPT = Path(sys.executable).with_name("cocon")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "cocon_desktop.cli"]


def cocon(*args: str | Path, stdin: str = "", today: date | None = TODAY) -> subprocess.CompletedProcess[str]:
    """Run the command on `today` (COCON_TODAY: a fixed day, so that no test depends on the day it runs; None: the
    machine's date)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", ENVIRONMENT_VARIABLE)}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"  # no desktop session here
    if today is not None:
        env[ENVIRONMENT_VARIABLE] = today.isoformat()
    return subprocess.run([*COMMAND, *map(str, args)], input=stdin,
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def assert_french_failure(result: subprocess.CompletedProcess[str], sentence: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == sentence
    assert len(result.stderr.strip().splitlines()) == 1


def write_practice_toml(path: Path, **changes: str) -> Path:
    fields = {**asdict(PROFILE), **changes}
    body = "\n".join(f"{name} = {json.dumps(value, ensure_ascii=False)}" for name, value in fields.items())
    path.write_text(f"# Mon cabinet\n[practice]\n{body}\n", "utf-8")
    return path


def recovery_groups(stdout: str) -> list[str]:
    lines = [line for line in stdout.splitlines() if line.startswith("    ")]
    return [group for line in lines for group in line.split()]


def test_a_malformed_fixed_day_is_refused_in_french(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", ENVIRONMENT_VARIABLE: "29/02/2027"}
    result = subprocess.run([*COMMAND, "--data-dir", str(tmp_path / "cabinet"), "demo"], capture_output=True,
                            text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and result.stdout == "" and not (tmp_path / "cabinet").exists()
    assert result.stderr.strip() == "La variable COCON_TODAY doit être une date AAAA-MM-JJ."


def test_demo_then_info(demo_dir: Path) -> None:
    result = cocon("--data-dir", demo_dir, "--passphrase-stdin", "info", stdin="demo\n")
    assert result.returncode == 0, result.stderr
    head = migrate.head_revision()
    assert re.search(rf"^Schéma\s+: {head} \(dernier : {head}\)$", result.stdout, re.MULTILINE)
    assert re.search(r"^\s+practice\s+: 1$", result.stdout, re.MULTILINE)
    assert "SQLCipher 4" in result.stdout


def test_info_json_holds_no_key(demo_dir: Path) -> None:
    result = cocon("info", "--json", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["schema_revision"] == info["schema_head"] == migrate.head_revision()
    assert info["counts"]["practice"] == 1
    assert info["kdf"]["kdf"] == "argon2id"
    assert info["remembered_in_keychain"] is False
    assert re.search(r"[0-9a-fA-F]{64}", result.stdout) is None
    assert "Marseille" not in result.stdout


def test_global_options_after_the_subcommand(demo_dir: Path) -> None:
    result = cocon("info", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert result.returncode == 0, result.stderr
    assert "practice" in result.stdout


@pytest.mark.slow
def test_init_recover_and_open_with_the_new_passphrase(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    toml = write_practice_toml(tmp_path / "practice.toml")
    result = cocon("init", "--practice-file", toml, "--data-dir", folder, "--passphrase-stdin",
                   stdin=STRONG_PASSPHRASE + "\n")
    assert result.returncode == 0, result.stderr
    groups = recovery_groups(result.stdout)
    assert len(groups) == 9
    assert all(re.fullmatch(r"[0-9A-Z]{4}", g) for g in groups)
    assert (folder / "vault.json").exists()

    typed = " ".join(groups).lower()  # as typed back from paper
    result = cocon("recover", "--recovery-key-stdin", "--data-dir", folder,
                   stdin=f"{typed}\n{OTHER_PASSPHRASE}\n")
    assert result.returncode == 0, result.stderr
    assert "nouvelle phrase de passe" in result.stdout

    result = cocon("info", "--data-dir", folder, "--passphrase-stdin", stdin=OTHER_PASSPHRASE + "\n")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^\s+practice\s+: 1$", result.stdout, re.MULTILINE)
    result = cocon("info", "--data-dir", folder, "--passphrase-stdin", stdin=STRONG_PASSPHRASE + "\n")
    assert_french_failure(result, "Phrase de passe incorrecte.")


def test_recover_with_a_mistyped_key(demo_dir: Path) -> None:
    result = cocon("recover", "--recovery-key-stdin", "--data-dir", demo_dir,
                   stdin=f"0000-0000-0000-0000-0000-0000-0000-0000-0000\n{OTHER_PASSPHRASE}\n")
    assert_french_failure(result, "La clé de secours contient une faute de frappe : vérifiez chaque groupe.")


@pytest.mark.slow
def test_change_passphrase(demo_dir: Path) -> None:
    result = cocon("change-passphrase", "--data-dir", demo_dir, "--passphrase-stdin",
                   stdin=f"demo\n{STRONG_PASSPHRASE}\n")
    assert result.returncode == 0, result.stderr
    assert "Phrase de passe changée" in result.stdout
    result = cocon("info", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert_french_failure(result, "Phrase de passe incorrecte.")
    result = cocon("info", "--data-dir", demo_dir, "--passphrase-stdin", stdin=STRONG_PASSPHRASE + "\n")
    assert result.returncode == 0, result.stderr


def test_change_to_a_weak_passphrase_is_refused(demo_dir: Path) -> None:
    before = (demo_dir / "vault.json").read_bytes()
    result = cocon("change-passphrase", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\ncourt\n")
    assert result.returncode != 0
    assert "Phrase de passe trop faible" in result.stderr
    assert (demo_dir / "vault.json").read_bytes() == before


def test_wrong_passphrase(demo_dir: Path) -> None:
    result = cocon("--data-dir", demo_dir, "--passphrase-stdin", "info", stdin="pas la bonne\n")
    assert_french_failure(result, "Phrase de passe incorrecte.")


def test_info_on_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "vide"
    folder.mkdir()
    result = cocon("info", "--data-dir", folder, "--passphrase-stdin", stdin="demo\n")
    assert_french_failure(result, f"Aucun cabinet n'a été trouvé dans le dossier {folder}.")
    assert list(folder.iterdir()) == []


def test_nothing_on_stdin(demo_dir: Path) -> None:
    result = cocon("info", "--data-dir", demo_dir, "--passphrase-stdin", stdin="")
    assert_french_failure(result, "Rien n'a été lu sur l'entrée standard.")


def test_init_with_a_weak_passphrase(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    toml = write_practice_toml(tmp_path / "practice.toml")
    result = cocon("init", "--practice-file", toml, "--data-dir", folder, "--passphrase-stdin",
                   stdin="motdepasse\n")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Phrase de passe trop faible")
    assert not (folder / "vault.json").exists()


def test_init_with_an_invalid_siret(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    toml = write_practice_toml(tmp_path / "practice.toml", siret="91234567500018")
    result = cocon("init", "--practice-file", toml, "--data-dir", folder, "--passphrase-stdin",
                   stdin=STRONG_PASSPHRASE + "\n")
    assert_french_failure(result, "SIRET : Ce SIRET est invalide (chiffre de contrôle) : vérifiez-le sur "
                                  "votre avis de situation.")
    assert not (folder / "vault.json").exists()


def test_init_with_a_missing_or_broken_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    result = cocon("init", "--practice-file", missing, "--data-dir", tmp_path / "c", "--passphrase-stdin",
                   stdin=STRONG_PASSPHRASE + "\n")
    assert_french_failure(result, f"Le fichier {missing} est introuvable.")
    broken = tmp_path / "casse.toml"
    broken.write_text("[practice\nname = ", "utf-8")
    result = cocon("init", "--practice-file", broken, "--data-dir", tmp_path / "c", "--passphrase-stdin",
                   stdin=STRONG_PASSPHRASE + "\n")
    assert result.returncode != 0
    assert "n'est pas un fichier TOML lisible" in result.stderr
    assert "Traceback" not in result.stderr


def test_info_when_the_database_is_missing(demo_dir: Path) -> None:
    (demo_dir / "practice.db").unlink()
    result = cocon("info", "--data-dir", demo_dir, "--passphrase-stdin", stdin="demo\n")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"La base de données {demo_dir / 'practice.db'} est introuvable")
    assert not (demo_dir / "practice.db").exists()
