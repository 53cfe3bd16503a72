"""The values a `cocon` command is given, checked before anything is opened or written (issue 19 #5, #6).

A malformed or out-of-bounds value is an `ArgumentError` (a field and its problem) or an `ArgumentRefused` (a code
about the whole command): `cli.main` says it in one French sentence and exits 2, as argparse does for its own usage
errors. Dates fall in limits.FIRST_YEAR…LAST_YEAR, numbers within their bounds, amounts are finite; a file named
on the command line is looked at (a regular file? how big?) before a byte of it is read, and a file or folder to
write is looked at before the practice is opened, so that a command refused for it has changed nothing. Clinical
free text (a séance's note, a prescription's note and reason) never comes from the command line, where shell
history and /proc/*/cmdline would keep it: `--note-stdin` or `--note-file FILE`."""

from __future__ import annotations

import argparse
import calendar
import os
import re
import stat
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cocon_desktop.domain import limits
from cocon_desktop.domain.attestation import Period, parse_period
from cocon_desktop.domain.text import parse_date_fr
from cocon_desktop.errors import CoconError, FieldError, ValidationError

MAX_AMOUNT = Decimal("1000000")  # euros: far above any invoice of a practice, far below what a cent column holds
MAX_NUMBER_TEXT = 30  # characters of a number or an amount as typed
TEXT_FILE_BYTES = 4 * limits.NOTE  # a note of limits.NOTE characters, each up to 4 bytes of UTF-8
STDIN_BYTES = 1024 * 1024  # what `cocon` reads on standard input at most: secrets, a note
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and line feed are text


class ArgumentError(ValidationError):
    """A value given on the command line is malformed or out of bounds: exit 2, nothing opened or written."""


class ArgumentRefused(CoconError):
    """The command line asks for something refused as such (a note in an option, a device as a file): exit 2."""


def bad(field: str, code: str, **data: object) -> ArgumentError:
    return ArgumentError([FieldError(field, code, dict(data))])


def check_argv(argv: list[str]) -> None:
    """Every argument is UTF-8 text without control characters (a terminal escape, a byte that is no text)."""
    for index, argument in enumerate(argv, start=1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            raise ArgumentRefused("argument_not_utf8", index=index) from None
        if _CONTROL.search(argument) or "\n" in argument or "\t" in argument:
            raise ArgumentRefused("argument_control_characters", index=index)


def day(text: str, field: str = "day") -> date:
    found = parse_date_fr(text)
    if found is None:
        raise bad(field, "date_invalid", value=text)
    return found


def month(text: str, field: str = "month") -> tuple[date, date]:
    """(first day, last day) of "AAAA-MM", in the years a date may take."""
    match = _MONTH.match(text.strip())
    if match is None or not limits.year_allowed(int(match[1])) or not 1 <= int(match[2]) <= 12:
        raise bad(field, "date_invalid", value=text)
    year, number = int(match[1]), int(match[2])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def period(text: str) -> Period:
    try:
        return parse_period(text)
    except ValidationError as exc:
        raise ArgumentError(exc.errors) from None


def integer(value: int, field: str, low: int, high: int) -> int:
    """An integer argparse read, within [low, high] (SQLite holds 64 bits; a count of séances far fewer)."""
    if not low <= value <= high:
        shown = str(value) if len(str(value)) <= MAX_NUMBER_TEXT else f"{str(value)[:MAX_NUMBER_TEXT]}…"
        raise bad(field, "number_out_of_range", value=shown, min=low, max=high)
    return value


def refuse_long(text: str, field: str, limit: int) -> str:
    """A text argument within its length (limits.py)."""
    error = limits.too_long(field, text, limit)
    if error is not None:
        raise ArgumentError([error])
    return text


def amount(text: str, field: str = "amount") -> Decimal:
    """Euros with two decimals at most, above 0 and at most MAX_AMOUNT: « NaN », « Infinity », « 1e400 » are not."""
    shown = text if len(text) <= MAX_NUMBER_TEXT else f"{text[:MAX_NUMBER_TEXT]}…"
    try:
        value = Decimal(text.strip().replace(",", ".")) if len(text) <= MAX_NUMBER_TEXT else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 < value <= MAX_AMOUNT or value != value.quantize(
            Decimal("0.01")):
        raise bad(field, "amount_invalid", value=shown)
    return value


def input_file(path: Path, max_bytes: int) -> int:
    """The size of the regular file at `path`, looked at before it is opened: a folder, a device (/dev/zero), a pipe
    or a file above `max_bytes` is refused; a missing one is CoconError("file_missing")."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CoconError("file_missing", path=str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ArgumentRefused("input_not_a_file", path=str(path))
    if info.st_size > max_bytes:
        raise ArgumentRefused("input_too_large", path=str(path), size=info.st_size, max=max_bytes)
    return info.st_size


def read_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a file named on the command line, its kind and size looked at first (`input_file`)."""
    input_file(path, max_bytes)
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)  # it may have grown since
    if len(data) > max_bytes:
        raise ArgumentRefused("input_too_large", path=str(path), size=len(data), max=max_bytes)
    return data


def expanded(path: Path) -> Path:
    """`~/cabinet` as the user's folder; `~someone-unknown/…` stays as written (pathlib raises RuntimeError)."""
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def _writable_folder(folder: Path) -> None:
    """The nearest existing folder of `folder` is a folder the user may write in."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ArgumentRefused("output_not_a_folder", path=str(existing))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ArgumentRefused("output_not_writable", path=str(existing))


def output_file(path: Path) -> Path:
    """A file to write: not a folder, in a folder that is (or can be made) and can be written."""
    if path.is_dir():
        raise ArgumentRefused("output_is_a_folder", path=str(path))
    if path.exists() and not path.is_file():  # /dev/null, a pipe: never replaced by a file, never opened
        raise ArgumentRefused("output_not_a_file", path=str(path))
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise ArgumentRefused("output_parent_not_a_folder", path=str(path), parent=str(parent))
    _writable_folder(parent)
    return path


def output_folder(path: Path) -> Path:
    """A folder to write files in: an existing folder, or one that can be made."""
    if path.exists() and not path.is_dir():
        raise ArgumentRefused("output_not_a_folder", path=str(path))
    _writable_folder(path)
    return path


def text_file(path: Path, field: str) -> str:
    """A note from a file: UTF-8, TEXT_FILE_BYTES at most."""
    data = read_file(path, TEXT_FILE_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArgumentRefused("input_not_text", path=str(path)) from None


def clinical_text(text: str, field: str) -> str:
    """A note as read: trailing line breaks dropped; control characters other than tab and line feed refused (the
    domain's rules then bound its length)."""
    text = text.replace("\r\n", "\n").rstrip("\n")
    if _CONTROL.search(text):
        raise bad(field, "text_has_control_characters")
    return text


def add_text_options(parser: argparse.ArgumentParser, name: str, what: str) -> None:
    """`--NAME-stdin` and `--NAME-file FICHIER` for clinical free text, and `--NAME` kept only to say why not."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(f"--{name}-stdin", action="store_true",
                       help=f"lire {what} sur l'entrée standard (après la phrase de passe si --passphrase-stdin ; "
                            "jusqu'à la fin de l'entrée)")
    group.add_argument(f"--{name}-file", type=Path, metavar="FICHIER", help=f"lire {what} dans un fichier texte "
                       f"(UTF-8, {limits.NOTE} caractères au plus)")
    group.add_argument(f"--{name}", metavar="TEXTE", help="refusé : données de santé, qui resteraient dans "
                       f"l'historique du terminal ; utilisez --{name}-stdin ou --{name}-file")


def refuse_text_in_options(args: argparse.Namespace, *names: str) -> None:
    """ArgumentRefused for clinical text given in an option itself (before anything is asked or opened)."""
    for name in names:
        if getattr(args, name.replace("-", "_"), None) is not None:
            raise ArgumentRefused("note_on_command_line", option=f"--{name}")


def stdin_text(limit: int = STDIN_BYTES) -> str:
    """Standard input, `limit` characters at most (`cat /dev/zero | cocon …` is refused, not read forever)."""
    data = sys.stdin.read(limit + 1)
    if len(data) > limit:
        raise ArgumentRefused("stdin_too_large", max=limit)
    return str(data)
