"""The `cocon` command's parser and error handling: the same services as the program, never Qt.

Errors: one French sentence on standard error. Exit code 2 for a usage error: argparse's own, and a value the
command was given that is malformed or out of bounds (cli/arguments.py), found before anything is opened or written;
1 when the command was refused or failed."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from cocon_desktop import __version__, messages
from cocon_desktop.cli import (
    agenda,
    attestations,
    backup,
    batches,
    children,
    import_children,
    invoices,
    keys,
    numbering,
    pathways,
    practice,
    privacy,
    reports,
    seances,
    signing,
    sync,
)
from cocon_desktop.cli.arguments import ArgumentError, ArgumentRefused, check_argv, expanded
from cocon_desktop.cli.support import Input, add_common
from cocon_desktop.clock import ENVIRONMENT_VARIABLE, from_environment
from cocon_desktop.domain.limits import year_allowed
from cocon_desktop.errors import CoconError
from cocon_desktop.french_argparse import FrenchArgumentParser
from cocon_desktop.paths import default_data_dir
from cocon_desktop.services.database_errors import database_failure

EXIT_ERROR = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(prog="cocon", description="COCON Desktop en ligne de commande.")
    parser.add_argument("--version", action="version", version=f"cocon {__version__}")
    add_common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    practice.register(sub)
    keys.register(sub)  # rekey, recovery-key (issue 19, #3)
    children.register(sub)
    pathways.register(sub)  # pathways, payer add|list (issue 22)
    seances.register(sub)
    agenda.register(sub)  # agenda export (issue 20, #6)
    invoices.register(sub)
    batches.register(sub)  # after invoices: adds `network endpoint`
    import_children.register(sub)
    signing.register(sub)
    attestations.register(sub)
    sync.register(sub)
    privacy.register(sub)
    reports.register(sub)
    backup.register(sub)
    numbering.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        check_argv(sys.argv[1:] if argv is None else argv)  # no terminal escape, nothing but text
    except ArgumentRefused as exc:
        print(messages.describe(exc), file=sys.stderr)
        return EXIT_USAGE
    args = build_parser().parse_args(argv)
    args.data_dir = expanded(args.data_dir or default_data_dir())
    try:
        args.clock = from_environment(os.environ)  # COCON_TODAY=AAAA-MM-JJ: a fixed day, for tests
        if not year_allowed(args.clock.today().year):  # year 1 or 9999: dates computed from it would overflow
            raise ValueError(ENVIRONMENT_VARIABLE)
    except ValueError:
        print(f"La variable {ENVIRONMENT_VARIABLE} doit être une date AAAA-MM-JJ.", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args, Input(args.passphrase_stdin)))
    except (ArgumentError, ArgumentRefused) as exc:  # a bad value given to the command: nothing was done
        print(messages.describe(exc), file=sys.stderr)
        return EXIT_USAGE
    except CoconError as exc:
        print(messages.describe(exc), file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `cocon children list | head`: the reader has gone, nothing to report
        sys.stderr.close()
        return 0
    except EOFError:  # Ctrl+D at a prompt (a PIN, a password): nothing was typed, nothing was done
        print(messages.text("input_ended"), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"Erreur d'accès au fichier {exc.filename or ''} : {exc.strerror}.", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        kind = database_failure(exc)  # disk full, file locked by another program…
        if kind is None:
            return _unexpected(exc)
        print(messages.text("database_error", {"kind": kind}), file=sys.stderr)
        return EXIT_ERROR


def _unexpected(exc: Exception) -> int:
    """A fault of the program itself: one sentence with the error's type and place (never its message, which could
    hold data), as the window's crash dialog says it; never a traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    place = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    print(messages.text("cli_unexpected_error", {"kind": type(exc).__name__, "place": place}), file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
