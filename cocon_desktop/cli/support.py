"""What every `cocon` command shares: the common options, secrets from stdin or the terminal, opening."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

from cocon_desktop.cli import arguments
from cocon_desktop.clock import Clock
from cocon_desktop.errors import CoconError, VaultError
from cocon_desktop.services import audit, practice_handle, practice_keys
from cocon_desktop.services.practice_handle import Practice


class Input:
    """Secrets read from standard input (one per line) or asked at the terminal."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin
        self._lines: Iterator[str] | None = None

    def _stdin_lines(self) -> Iterator[str]:
        if self._lines is None:
            self._lines = iter(arguments.stdin_text().splitlines())  # capped: never read forever
        return self._lines

    def line(self, prompt: str) -> str:
        if self.from_stdin:
            value = next(self._stdin_lines(), None)
            if value is None:
                raise CoconError("stdin_empty")
            return str(value)
        return str(getpass.getpass(prompt))

    def rest(self) -> str:
        """What standard input holds after the secrets already read (all of it when none came from it): a note."""
        if self.from_stdin:
            return "\n".join(self._stdin_lines())
        return arguments.stdin_text()

    def new_passphrase(self) -> str:
        first = self.line("Nouvelle phrase de passe : ")
        if not self.from_stdin and first != getpass.getpass("Confirmez la phrase de passe : "):
            raise VaultError("passphrase_mismatch")
        return first


def open_practice(args: argparse.Namespace, secrets: Input) -> Practice:
    data_dir: Path = args.data_dir
    if not practice_keys.practice_exists(data_dir):
        raise VaultError("vault_missing", path=str(data_dir))
    opened = practice_handle.open_from_keychain(data_dir) if not args.passphrase_stdin else None
    if opened is None:
        opened = practice_handle.open_with_passphrase(data_dir, secrets.line("Phrase de passe : "))
    opened.read(audit.set_origin, audit.ORIGIN_CLI)  # the audit log tells the command from the program
    return opened


INPUT_BYTES = 1024 * 1024  # a practice file, a PKCS#12 file, a certificate: a few kilobytes


def read_input(path: Path, max_bytes: int = INPUT_BYTES) -> bytes:
    """The bytes of a file the user named, its kind and size looked at before it is opened (a folder, /dev/zero, a
    pipe, a file above `max_bytes`: one French sentence, exit 2); a missing one is `file_missing`."""
    return arguments.read_file(path, max_bytes)


def clinical_text(args: argparse.Namespace, secrets: Input, name: str) -> str:
    """The text of `--NAME-stdin` (what standard input holds after the secrets) or `--NAME-file FICHIER`, "" without
    either (cli/arguments.add_text_options declares them): a note never comes from the command line itself."""
    if getattr(args, f"{name}_stdin"):
        text = secrets.rest()
        if not text.strip():
            raise arguments.ArgumentRefused("note_stdin_empty", option=f"--{name.replace('_', '-')}")
        return arguments.clinical_text(text, name)
    path = getattr(args, f"{name}_file")
    return arguments.clinical_text(arguments.text_file(path, name), name) if path is not None else ""


def clock(args: argparse.Namespace) -> Clock:
    """The clock `main` made for this run (the system's, or a fixed day under COCON_TODAY)."""
    made: Clock = args.clock
    return made


def today_of(args: argparse.Namespace) -> date:
    return clock(args).today()


def date_or_today(args: argparse.Namespace) -> date:
    """The command's `--date JJ/MM/AAAA` when given (a French error at the field otherwise), else the clock's day."""
    text = getattr(args, "date", None)
    if not text:
        return today_of(args)
    return arguments.day(text)


def now_of(args: argparse.Namespace) -> datetime:
    return clock(args).now()


def add_common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--data-dir", type=Path, default=default,
                        help="dossier des données du cabinet (par défaut : le dossier de l'utilisateur)")
    parser.add_argument("--passphrase-stdin", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help="lire la phrase de passe sur l'entrée standard (une par ligne)")



Command = Callable[[argparse.Namespace, Input], int]


def add_command(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                name: str, help_text: str, func: Command) -> argparse.ArgumentParser:
    child: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    add_common(child, suppress=True)
    child.set_defaults(func=func)
    return child


def next_secret(secrets: Input, from_stdin: bool, prompt: str) -> str:
    """A further secret (a PKCS#12 password, a token's PIN), asked after the passphrase: with both on standard
    input, it is the line after the passphrase; otherwise standard input or the terminal, as asked."""
    reader = secrets if secrets.from_stdin == from_stdin else Input(from_stdin)
    return reader.line(prompt)
