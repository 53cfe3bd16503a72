"""Issue 19, #1 from the command line: `cocon restore` of an older backup warns and says which numbers are behind;
`cocon verify` fails (exit 3) while the database is behind the keychain's witness; `cocon invoice` refuses the
numbers the witness knows; `cocon numbering confirm` lets the series go on after them, and `verify` then reports
the gap as confirmed. The keychain is a file shared by this process and the `cocon` processes."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from cocon_desktop.clock import ENVIRONMENT_VARIABLE
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import backup, invoice_documents
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import create_practice
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.dates import TODAY
from tests.db.invoice_helpers import OCTOBER, fill
from tests.e2e.test_cli import COMMAND, ROOT
from tests.file_keyring import BACKEND, VARIABLE, FileKeyring

pytestmark = pytest.mark.slow  # a practice with signed invoices, a backup, then eight cocon processes


@pytest.fixture
def file_keychain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "trousseau.json"
    previous = keyring.get_keyring()  # before the variable: a keyring made now must not reach the file one
    monkeypatch.setenv(VARIABLE, str(path))
    keyring.set_keyring(FileKeyring())
    yield path
    keyring.set_keyring(previous)


def cocon(*args: str | Path, stdin: str = f"{STRONG_PASSPHRASE}\n") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update({"PYTHON_KEYRING_BACKEND": BACKEND, ENVIRONMENT_VARIABLE: TODAY.isoformat(),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))})
    return subprocess.run([*COMMAND, *map(str, args)], input=stdin, capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def test_restore_verify_issue_and_confirm_against_the_keychain_witness(file_keychain: Path, tmp_path: Path) -> None:
    folder, usb = tmp_path / "cabinet", tmp_path / "usb"
    usb.mkdir()
    with create_practice(folder, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF,
                         remember=True) as practice:
        fill(practice)
        for code in ("RPO", "RPM"):
            invoice_documents.set_network_address(practice.sessions, code,
                                                  NetworkAddress("1 rue Fictive", "31000", "Toulouse"))
        invoice_documents.issue_period(practice, "RPO", *OCTOBER, TODAY)  # FAC-2026-0001…0003
        old = backup.backup_to(practice, usb).path
        invoice_documents.issue_period(practice, "RPM", *OCTOBER, TODAY)  # FAC-2026-0004…0006
    assert "cocon-desktop-witness" in file_keychain.read_text("utf-8")

    target = tmp_path / "restauré"
    restored = cocon("--data-dir", target, "--passphrase-stdin", "restore", old)
    assert restored.returncode == 0, restored.stderr
    assert "restaurée" in restored.stdout
    assert restored.stderr.splitlines() == [
        "Attention : cette sauvegarde s'arrête avant FAC-2026-0006, déjà émis (un témoin extérieur le sait) : il lui "
        "manque FAC-2026-0004 à FAC-2026-0006. Les numéros émis depuis ne seront pas réattribués.",
        "Restaurez la sauvegarde la plus récente, ou confirmez : « Je confirme : reprendre la numérotation après "
        "FAC-2026-0006 ».",
        "  Pour confirmer : cocon numbering confirm FAC-2026-0006"]

    verify = cocon("--data-dir", target, "--passphrase-stdin", "verify")  # « Vérification réussie » before
    assert verify.returncode == 3 and "Traceback" not in verify.stderr
    assert verify.stderr.splitlines()[0] == (
        "La base est en retard : le trousseau de cet ordinateur sait que FAC-2026-0006 a été émis, la base ne "
        "contient pas FAC-2026-0004 à FAC-2026-0006. Elle a été remplacée par une copie plus ancienne.")
    status = cocon("--data-dir", target, "--passphrase-stdin", "numbering", "status")
    assert status.returncode == 3 and "FAC-2026-0004 à FAC-2026-0006" in status.stderr

    refused = cocon("--data-dir", target, "--passphrase-stdin", "invoice", "--network", "RPM", "--period", "2026-10")
    assert refused.returncode == 1 and refused.stdout == ""  # FAC-2026-0004 was reused before
    assert refused.stderr.strip() == (
        "La base du cabinet est en retard sur sa numérotation : FAC-2026-0006 a déjà été émis (un témoin extérieur "
        "le sait), la base ne l'a pas. Aucun numéro n'a été attribué : restaurez la sauvegarde la plus récente, ou "
        "confirmez la reprise de la numérotation après FAC-2026-0006.")

    wrong = cocon("--data-dir", target, "--passphrase-stdin", "numbering", "confirm", "FAC-2026-0004")
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == ("La numérotation n'est à reprendre qu'après FAC-2026-0006, pas après "
                                    "FAC-2026-0004.")
    confirm = cocon("--data-dir", target, "--passphrase-stdin", "numbering", "confirm", "FAC-2026-0006")
    assert confirm.returncode == 0, confirm.stderr
    assert confirm.stdout.strip() == ("La numérotation de la série FAC-2026 reprend après FAC-2026-0006 : le "
                                      "prochain numéro sera FAC-2026-0007.")

    issued = cocon("--data-dir", target, "--passphrase-stdin", "invoice", "--network", "RPM", "--period", "2026-10")
    assert issued.returncode == 0, issued.stderr
    assert re.findall(r"FAC-2026-\d{4}", issued.stdout) == ["FAC-2026-0007", "FAC-2026-0008", "FAC-2026-0009"]
    verify = cocon("--data-dir", target, "--passphrase-stdin", "verify")
    assert verify.returncode == 0, verify.stderr
    assert re.search(r"^Numéros sautés confirmés le \d\d/\d\d/\d{4} : FAC-2026-0004 à FAC-2026-0006 \(la "
                     r"numérotation reprend après le témoin\)\.$", verify.stdout, re.MULTILINE), verify.stdout
