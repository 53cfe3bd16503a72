"""Issue 19 #6: a hypothesis fuzz over every `cocon` command's arguments. Each command and its options are read
from the parser itself (a command added later is fuzzed too), and given extreme numbers, NaN, years 1 and 9999,
huge strings, control characters, bytes that are no UTF-8, /dev/zero, a pipe, a folder where a file is expected,
an unreadable file. Every run ends with exit 0, 1 or 2 (3 for `verify` finding a fault), never a traceback nor the
last-resort « Erreur inattendue » sentence, an error is one line, and a run that failed left the database exactly
as it was (every row of every table compared).

`main()` runs in this process, on one demo practice made per module with a light key derivation, so that a few
hundred runs take seconds. Left out: `demo` (it builds a whole practice), `rekey` and `recovery-key` (given the
right passphrase they succeed, and each success re-encrypts the practice and writes a backup)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import hashlib
import io
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from cocon_desktop.cli import batches as cli_batches
from cocon_desktop.cli.main import build_parser, main
from cocon_desktop.services import demo as demo_service
from cocon_desktop.services import practice_handle
from tests.conftest import FAST_KDF
from tests.dates import TODAY

pytestmark = pytest.mark.slow  # a demo practice, then a few hundred commands (~1 min in all)

LEFT_OUT = {"demo", "rekey", "recovery-key"}
EXIT_CODES = {0, 1, 2}
VERIFY_BROKEN = 3  # `cocon verify` found a fault: its own documented code
FUZZ = settings(max_examples=12, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    optionals: tuple[argparse.Action, ...]
    positionals: tuple[argparse.Action, ...]


def commands() -> list[Command]:
    """Every leaf command of the parser with its actions (the common --data-dir/--passphrase-stdin aside)."""
    found: list[Command] = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            actions = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)
                       and a.dest not in ("data_dir", "passphrase_stdin", "help", "version")]
            found.append(Command(path, tuple(a for a in actions if a.option_strings),
                                 tuple(a for a in actions if not a.option_strings)))
            return
        for name, child in subs[0].choices.items():
            if name not in LEFT_OUT:
                walk(child, (*path, name))

    walk(build_parser(), ())
    return found


COMMANDS = commands()


@dataclass
class World:
    data_dir: Path
    paths: tuple[str, ...]
    words: tuple[str, ...]
    digest: str = ""  # the database's content as last read; "" once a run may have changed it


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("fuzz")
    data_dir = base / "cabinet"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_service, "DEMO_KDF", FAST_KDF)
        demo_service.create_demo(data_dir, TODAY).close()
    fifo = base / "tube"
    os.mkfifo(fifo)
    folder = base / "dossier"
    folder.mkdir()
    (base / "courant").mkdir()  # the runs' working folder
    unreadable = base / "illisible.csv"
    unreadable.write_text("Nom;Prénom\n")
    unreadable.chmod(0)
    small = base / "petit.txt"
    small.write_text("N° d'inclusion;Nom;Prénom;Date de naissance;Sexe;Terme\nX-1;A;B;01/01/2025;F;30\n")
    empty = base / "vide.txt"
    empty.write_bytes(b"")
    binary = base / "binaire.bin"
    binary.write_bytes(bytes(range(256)) * 40)
    big = base / "gros.csv"
    big.write_bytes(b"a;b\n" * (3 * 1024 * 1024))  # 12 MB: above every input's bound
    paths = ("/dev/zero", "/dev/null", str(fifo), str(folder), str(unreadable), str(small), str(empty), str(binary),
             str(big), str(base / "absent" / "x.pdf"), str(base / "nouveau.pdf"), str(small / "dessous.pdf"), "/",
             "/proc/self/status", str(data_dir), "~inconnu-19/x")
    with practice_handle.open_with_passphrase(data_dir, "demo") as practice:
        children = [row[0] for row in practice.engine.connect().execute(
            text("SELECT inclusion_number FROM child ORDER BY id LIMIT 3"))]
        numbers = [row[0] for row in practice.engine.connect().execute(
            text("SELECT number FROM invoice ORDER BY id LIMIT 2"))]
    words = (*children, *numbers, "ATT-2026-0001", "RPM", "RPO", "psychomotricite", "seance", "cabinet")
    made = World(data_dir, paths, words)
    # a batch due for a network whose address answers nothing (refused at once): `sync` reads its options for real
    common = ["--data-dir", str(data_dir), "--passphrase-stdin"]
    assert run([*common, "network", "endpoint", "--network", "RPNA", "--url", "https://127.0.0.1:9/lots",
                "--token-stdin"], "demo\njeton-de-test\n", base / "courant")[0] == 0
    assert run([*common, "export-batch", "--network", "RPNA", "--out", str(folder)], "demo\n", base / "courant")[0] == 0
    yield made
    unreadable.chmod(stat.S_IRUSR | stat.S_IWUSR)


NUMBERS = ["0", "-1", "1", "7", "45", "999", "1000000", "999999999999999999999", "-999999999999999999999",
           "9" * 400, "NaN", "nan", "-nan", "sNaN", "Infinity", "-Infinity", "inf", "1e400", "-1e400", "1e-400",
           "0.001", "12,50", "12.5", "1_000", "0x10", "١٢", "1 000"]
DAYS = ["0001-01-01", "9999-12-31", "01/01/0001", "31/12/9999", "9999-12", "0001-01", "9999", "0001",
        "2026-02-30", "2026-13", "2026-00", "2026-11-18", "18/11/2026", "2026-11", "2026", "2026-01..9999-12",
        "0001-01..2026-12", "2026-12..2026-01", "..", "2026-11..", "10:00", "24:00", "99:99", "-1:00"]
STRINGS = ["", " ", "-", "--", "x" * 200_000, "é" * 5000, "\x1b[31mrouge", "\x1b]0;titre\x07", "a\nb", "a\tb",
           "\r", "\udcff\udcfe", "\u202e", "'; DROP TABLE child; --", "%s%s%n", "{value}", "../../etc/passwd",
           "https://", "http://127.0.0.1:9/", "https://127.0.0.1:9/lots", "ftp://x"]


def values(world: World) -> st.SearchStrategy[str]:
    no_nul = st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=40)
    return st.one_of(st.sampled_from(NUMBERS), st.sampled_from(DAYS), st.sampled_from(STRINGS),
                     st.sampled_from(world.words), st.sampled_from(world.paths), no_nul,
                     st.integers().map(str))


SHARP_DAYS = ["0001-01-01", "9999-12-31", "9999-12", "0001-01", "9999", "2026-01..9999-12", "31/12/9999",
              "2026-02-30", "2026-13", "1"]
SHARP_TEXT = ["x" * 200_000, "\x1b[31mrouge", "a\nb", "\udcff", "", "-", "%s{value}"]
SHARP_NUMBERS = ["0", "-1", "999999999999999999999", "9" * 400, "NaN", "sNaN", "Infinity", "-Infinity", "1e400",
                 "1e-400", "0.001"]


def kind_of(action: argparse.Action) -> str:
    """What an option takes, from its type and metavar: "choice", "path", "date", "number", "word" or "text"."""
    shape = f"{action.metavar or ''} {action.dest}".upper()
    if action.choices:
        return "choice"
    if action.type is Path or any(word in shape for word in ("FICHIER", "DOSSIER", "MODULE", "BIBLIOTHEQUE")):
        return "path"
    if "AAAA" in shape or "PERIOD" in shape or "MONTH" in shape or "DATE" in shape:
        return "date"
    if action.type in (int, float) or any(word in shape for word in ("EUROS", "AMOUNT", "SECONDES", " N ")):
        return "number"
    if "INCLUSION" in shape or "NUMERO" in shape or "CHILD" in shape:
        return "word"
    return "text"


def plausible(action: argparse.Action, world: World) -> str:
    """A value the option would accept, or nearly: the background of the one-at-a-time sweep."""
    kind, shape = kind_of(action), f"{action.metavar or ''}".upper()
    if kind == "choice":
        return str(next(iter(action.choices or ["x"])))
    if kind == "path":
        return world.paths[3] if "DOSSIER" in shape else world.paths[10] if "-o" in action.option_strings or \
            "--out" in action.option_strings else world.paths[5]
    if kind == "date":
        return "2026-01..2026-06" if ".." in shape else "2026-11-02" if "JJ" in shape else "2026-11" \
            if "MM" in shape else "2026"
    return {"number": "1", "word": world.words[0]}.get(kind, "x")


def sharp(action: argparse.Action, world: World) -> list[str]:
    kind = kind_of(action)
    return {"path": list(world.paths), "date": SHARP_DAYS, "number": SHARP_NUMBERS}.get(kind, SHARP_TEXT)


def value_for(action: argparse.Action, world: World) -> st.SearchStrategy[str]:
    """Half the time a value aimed at what the option takes (its metavar says: a date, an amount, a file), else
    anything."""
    anything = values(world)
    shape = f"{action.metavar or ''} {action.dest}".upper()
    if action.choices:
        return st.one_of(st.sampled_from([str(c) for c in action.choices]), anything)
    if action.type is Path or any(word in shape for word in ("FICHIER", "DOSSIER", "MODULE", "BIBLIOTHEQUE")):
        return st.one_of(st.sampled_from(world.paths), anything)
    if "AAAA" in shape or "PERIOD" in shape or "MONTH" in shape or "DATE" in shape:
        return st.one_of(st.sampled_from(SHARP_DAYS), anything)
    if action.type in (int, float) or any(word in shape for word in ("EUROS", "AMOUNT", "SECONDES", " N ")):
        return st.one_of(st.sampled_from(SHARP_NUMBERS), anything)
    if "INCLUSION" in shape or "NUMERO" in shape or "CHILD" in shape:
        return st.one_of(st.sampled_from(world.words), anything)
    return anything


@st.composite
def command_lines(draw: st.DrawFn, world: World, command: Command) -> tuple[str, list[str]]:
    """The command with drawn options and values."""
    argv = ["--data-dir", str(world.data_dir), "--passphrase-stdin", *command.path]
    for action in command.optionals:
        if not (action.required or draw(st.booleans())):
            continue
        if action.required and draw(st.integers(0, 19)) == 0:
            continue  # a required option left out now and then: argparse's own error
        option = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(option)
        elif draw(st.integers(0, 3)) == 0:
            argv.append(f"{option}={draw(value_for(action, world))}")
        else:
            argv += [option, draw(value_for(action, world))]
    for action in command.positionals:
        argv.append(draw(value_for(action, world)))
    return " ".join(command.path), argv


def database_digest(data_dir: Path) -> str:
    """Every row of every table, in order: the content, not the file (whose pages may move)."""
    digest = hashlib.sha256()
    with practice_handle.open_with_passphrase(data_dir, "demo") as practice, practice.engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            digest.update(table.encode())
            for row in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY rowid')):
                digest.update(repr(tuple(row)).encode("utf-8", "backslashreplace"))
    return digest.hexdigest()


def run(argv: list[str], stdin: str, scratch: Path) -> tuple[int, str, str, bool]:
    """(exit code, standard output, standard error, whether the practice's database was opened)."""
    out, err = io.StringIO(), io.StringIO()
    opened: list[Path] = []
    original = practice_handle.Practice.open

    def counted_open(*args: Any, **kwargs: Any) -> practice_handle.Practice:
        opened.append(args[0])
        return original(*args, **kwargs)

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            pytest.MonkeyPatch.context() as patch:
        patch.setattr(practice_handle.Practice, "open", counted_open)
        patch.setattr(cli_batches, "PIPE_WAIT_SECONDS", 0.05)  # verify-batch waits for a pipe's writer: not 30 s here
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        patch.setattr(getpass, "getpass", lambda prompt="": (_ for _ in ()).throw(EOFError()))  # Ctrl+D at a prompt
        patch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
        patch.setenv("COCON_TODAY", TODAY.isoformat())
        patch.chdir(scratch)  # a relative path given to a command (« - », « x.pdf ») lands there, not in the checkout
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse's usage errors and --help
            code = stop.code if isinstance(stop.code, int) else 2
    return code, out.getvalue(), err.getvalue(), bool(opened)


def check(world: World, name: str, argv: list[str], stdin: str = "demo\n") -> None:
    before = world.digest = world.digest or database_digest(world.data_dir)
    code, _out, err, opened = run(argv, stdin, world.data_dir.parent / "courant")
    if opened:  # nothing writes the database without opening it: only then may it have changed
        world.digest = ""
    shown = f"cocon {' '.join(repr(a)[:80] for a in argv[3:])} → {code}\n{err[:2000]}"
    assert "Traceback" not in err, shown
    assert "Erreur inattendue" not in err, shown
    allowed = EXIT_CODES | ({VERIFY_BROKEN} if name == "verify" else set())
    assert code in allowed, shown
    if code != 0 and err.strip():
        assert len(err.strip().splitlines()) == 1 or name in ("verify", "restore"), shown
        world.digest = world.digest or database_digest(world.data_dir)
        assert world.digest == before, "a failing run wrote:\n" + shown


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c.path))
def test_every_command_survives_hostile_arguments(world: World, command: Command) -> None:
    @FUZZ
    @given(line=command_lines(world, command))
    def fuzz(line: tuple[str, list[str]]) -> None:
        check(world, *line)

    fuzz()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c.path))
def test_each_option_takes_each_sharp_value(world: World, command: Command) -> None:
    """One option at a time given each extreme value of its kind (years 1 and 9999, NaN, 1e400, /dev/zero, a pipe,
    a folder…), the others a plausible value: the cases a random draw may miss."""
    valued = [a for a in (*command.optionals, *command.positionals) if a.nargs != 0]
    background = {id(a): plausible(a, world) for a in valued}
    for target in valued:
        for value in sharp(target, world):
            argv = ["--data-dir", str(world.data_dir), "--passphrase-stdin", *command.path]
            for action in valued:
                if action.required or not action.option_strings or action is target:
                    given_value = value if action is target else background[id(action)]
                    argv += [f"{action.option_strings[0]}={given_value}"] if action.option_strings else [given_value]
            check(world, " ".join(command.path), argv)


def test_the_fuzz_reaches_every_command() -> None:
    """The parser is read, not listed by hand: a command added later is fuzzed too."""
    names = {" ".join(c.path) for c in COMMANDS}
    assert {"seance add", "payment add", "invoice", "attestation", "import-children", "restore", "verify-batch",
            "sync", "prescription add", "backup", "journal", "report"} <= names


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_fixed_day_in_year_1_or_9999_is_refused(world: World, day: str, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """COCON_TODAY=0001-01-01 made the dashboard raise ValueError (a period starting before year 1)."""
    monkeypatch.setenv("COCON_TODAY", day)
    monkeypatch.setattr(sys, "stdin", io.StringIO("demo\n"))
    assert main(["--data-dir", str(world.data_dir), "--passphrase-stdin", "dashboard"]) == 2
    assert capsys.readouterr().err == "La variable COCON_TODAY doit être une date AAAA-MM-JJ.\n"
