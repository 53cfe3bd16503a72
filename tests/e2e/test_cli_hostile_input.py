"""Issue 19 #5 and #6, as reported: a clinical note is never taken from the command line, and each bad value the
attack pass gave `cocon` (amounts NaN / Infinity / 1e400, periods and dates in year 1 or 9999, séances beyond any
integer, a device, a pipe or a folder where a file is expected) is one French sentence on standard error, exit 2,
no traceback, and the practice unchanged. Run as a user would: `python -m cocon_desktop.cli` in a real process
(COCON_CODE_UNDER_TEST=/path/to/checkout runs another checkout's command instead: the old main, to see them fail)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dates import TODAY

pytestmark = pytest.mark.slow  # a demo practice, then a few dozen cocon processes

ROOT = Path(__file__).resolve().parents[2]
PASS = "demo\n"


def run(*args: str | Path, stdin: str = PASS) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["COCON_TODAY"] = TODAY.isoformat()
    code = Path(env.get("COCON_CODE_UNDER_TEST", ROOT))  # another checkout: the old main, to see these fail there
    env["PYTHONPATH"] = str(code)
    return subprocess.run([sys.executable, "-m", "cocon_desktop.cli", *map(str, args)], input=stdin,
                          capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), timeout=180)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("hostile") / "cabinet"
    made = run("--data-dir", folder, "demo", stdin="")
    assert made.returncode == 0, made.stderr
    yield folder


def cocon(demo: Path, *args: str | Path, stdin: str = PASS) -> subprocess.CompletedProcess[str]:
    return run("--data-dir", demo, "--passphrase-stdin", *args, stdin=stdin)


def counts(demo: Path) -> dict[str, int]:
    shown = cocon(demo, "info", "--json")
    assert shown.returncode == 0, shown.stderr
    return dict(json.loads(shown.stdout)["counts"])


def first_child(demo: Path) -> str:
    listed = cocon(demo, "children", "list", "--csv")
    return listed.stdout.splitlines()[1].split(";")[0]


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """One French sentence on standard error, exit 2, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_a_note_on_the_command_line_is_refused_with_its_reason(demo: Path, tmp_path: Path) -> None:
    """#5: `seance add --note` put health data in shell history and /proc/*/cmdline; it is refused, and the note
    comes from standard input or a file instead."""
    child = first_child(demo)
    before = counts(demo)
    add = ("seance", "add", "--child", child, "--date", "2026-11-02", "--time", "08:00", "--hors-forfait")
    refused = cocon(demo, *add, "--note", "Retard de langage, suspicion de TSA")
    assert_refused(refused, "--note", "historique", "/proc/", "--note-stdin", "--note-file")
    assert counts(demo) == before
    prescription = ("prescription", "add", "--child", child, "--discipline", "psychomotricite", "--sessions", "10",
                    "--start", "2026-11-01", "--end", "2027-03-31")
    assert_refused(cocon(demo, *prescription, "--note", "antécédents"), "--note", "historique")
    assert_refused(cocon(demo, *prescription, "--reason", "troubles sévères"), "--reason", "historique")
    assert counts(demo) == before

    from_stdin = cocon(demo, *add, "--note-stdin", stdin=PASS + "Première ligne de la note\nseconde ligne\n")
    assert from_stdin.returncode == 0, from_stdin.stderr
    note = tmp_path / "note.txt"
    note.write_text("Note écrite dans un fichier.\n", "utf-8")
    from_file = cocon(demo, "seance", "add", "--child", child, "--date", "2026-11-03", "--time", "08:00",
                      "--hors-forfait", "--note-file", note)
    assert from_file.returncode == 0, from_file.stderr
    assert counts(demo)["seance"] == before["seance"] + 2
    exported = tmp_path / "dossier.zip"
    assert cocon(demo, "child", "export", "--child", child, "-o", exported).returncode == 0
    import zipfile

    with zipfile.ZipFile(exported) as archive:
        dossier = archive.read("dossier.json").decode("utf-8")
    assert "Première ligne de la note\\nseconde ligne" in dossier and "Note écrite dans un fichier." in dossier

    huge = tmp_path / "enorme.txt"
    huge.write_text("x" * 100_000, "utf-8")
    assert_refused(cocon(demo, *add, "--note-file", huge), "trop gros")
    assert_refused(cocon(demo, *add, "--note-file", "/dev/zero"), "n'est pas un fichier ordinaire")


EXTREMES = [
    (("payment", "add", "FAC-2026-0001", "--date", "2026-11-02", "--amount", "NaN"), ("Montant", "NaN")),
    (("payment", "add", "FAC-2026-0001", "--date", "2026-11-02", "--amount", "Infinity"), ("Montant",)),
    (("payment", "add", "FAC-2026-0001", "--date", "2026-11-02", "--amount=-Infinity"), ("Montant",)),
    (("payment", "add", "FAC-2026-0001", "--date", "2026-11-02", "--amount", "1e400"), ("Montant", "1e400")),
    (("payment", "add", "FAC-2026-0001", "--date", "2026-11-02", "--amount", "sNaN"), ("Montant",)),
    (("payment", "add", "FAC-2026-0001", "--date", "9999-12-31", "--amount", "10"), ("Date",)),
    (("payment", "add", "FAC-2026-0001", "--date", "0001-01-01", "--amount", "10"), ("Date",)),
    (("invoice", "--network", "RPM", "--period", "9999-12"), ("9999-12",)),
    (("invoice", "--network", "RPM", "--period", "9999-12", "--dry-run"), ("9999-12",)),
    (("invoice", "--network", "RPM", "--period", "0001-01", "--dry-run"), ("0001-01",)),
    (("seance", "list", "--month", "9999-12"), ("Mois", "9999-12")),
    (("seance", "list", "--month", "0001-01"), ("Mois",)),
    (("report", "--network", "RPM", "--period", "2026-01..9999-12", "-o", "rapport.pdf"), ("Période",)),
    (("journal", "--year", "9999", "-o", "recettes.csv"), ("Année",)),
    (("dashboard", "--date", "9999-12-31"), ("Date",)),
    (("dashboard", "--date", "0001-01-01"), ("Date",)),
    (("dashboard", "--limit", "99999999999999999999999"), ("99999999999999999999999",)),
]


def test_extreme_values_are_one_sentence_and_exit_2(demo: Path) -> None:
    """#6: each gave a traceback (InvalidOperation, OverflowError…) or wrote something."""
    before = counts(demo)
    for args, words in EXTREMES:
        assert_refused(cocon(demo, *args), *words)
    assert counts(demo) == before


def test_child_dependent_extremes(demo: Path, tmp_path: Path) -> None:
    """#6: `attestation --period 2026-01..9999-12`, `prescription add --sessions 999999999999999999999`, a séance
    in year 1 or 9999."""
    child = first_child(demo)
    before = counts(demo)
    assert_refused(cocon(demo, "attestation", "--child", child, "--period", "2026-01..9999-12", "-o",
                         tmp_path / "a.pdf"), "Période")
    assert_refused(cocon(demo, "attestation", "--child", child, "--period", "2026-01", "--date", "9999-12-31",
                         "-o", tmp_path / "a.pdf"), "Date")
    assert_refused(cocon(demo, "prescription", "add", "--child", child, "--discipline", "psychomotricite",
                         "--sessions", "999999999999999999999", "--start", "2026-11-01", "--end", "2027-03-31"),
                   "Séances accordées")
    for day in ("0001-01-01", "9999-12-31"):
        assert_refused(cocon(demo, "seance", "add", "--child", child, "--date", day, "--time", "10:00"), day)
        assert_refused(cocon(demo, "prescription", "add", "--child", child, "--discipline", "psychomotricite",
                             "--sessions", "10", "--start", "2026-11-01", "--end", day), day)
    assert_refused(cocon(demo, "seance", "add", "--child", child, "--date", "2026-11-02", "--time", "10:00",
                         "--duration", "99999999999999999999"), "Durée")
    assert not (tmp_path / "a.pdf").exists()
    assert counts(demo) == before


def test_devices_pipes_and_folders_are_not_read(demo: Path, tmp_path: Path) -> None:
    """#6: a file named on the command line is looked at before it is read: /dev/zero is never read whole, a pipe
    never waited on, a folder never opened as a file; a folder where a file is to be written refuses before
    anything is issued."""
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    before = counts(demo)
    for path in ("/dev/zero", fifo, tmp_path):
        assert_refused(cocon(demo, "import-children", path), "n'est pas un fichier ordinaire")
        assert_refused(run("--data-dir", tmp_path / "nouveau", "--passphrase-stdin", "init", "--practice-file", path,
                           stdin="Ours-brun-7-Lavande!\n"), "n'est pas un fichier ordinaire")
        assert_refused(cocon(demo, "restore", path), "n'est pas un fichier ordinaire")
    assert not (tmp_path / "nouveau").exists()
    assert_refused(cocon(demo, "document", "export", "FAC-2026-0001", "-o", tmp_path), "est un dossier")
    not_a_folder = tmp_path / "fichier"
    not_a_folder.write_text("x")
    assert_refused(cocon(demo, "invoice", "--network", "RPM", "--period", "2026-10", "--out", not_a_folder),
                   "n'est pas un dossier")
    assert_refused(cocon(demo, "attestation", "--all", "--period", "2026-10", "--out-dir", not_a_folder),
                   "n'est pas un dossier")
    assert counts(demo) == before


def test_standard_input_is_not_read_forever(demo: Path) -> None:
    """`cat /dev/zero | cocon --passphrase-stdin …` stops at a bound instead of filling the memory."""
    result = cocon(demo, "info", stdin="\0" * (2 * 1024 * 1024))
    assert_refused(result, "entrée standard")


def test_control_characters_and_non_text_arguments(demo: Path) -> None:
    """A terminal escape or a byte that is not UTF-8 in an argument is refused before anything is done."""
    assert_refused(cocon(demo, "forfait", "status", "--child", "\x1b]0;pwned\x07"), "caractères de contrôle")
    assert_refused(cocon(demo, "payment", "add", "FAC-2026-0001", "--date", "2026-11-02", "--amount", "10",
                         "--reference", "a\nb"), "caractères de contrôle")
