"""The `cocon` command's parser and error handling: the same services as the program, never Qt.

Errors: one French sentence on standard error, exit code ≠ 0."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from cocon_desktop import __version__, messages
from cocon_desktop.cli import (
    attestations,
    backup,
    batches,
    children,
    import_children,
    invoices,
    keys,
    numbering,
    practice,
    privacy,
    reports,
    seances,
    signing,
    sync,
)
from cocon_desktop.cli.support import Input, add_common
from cocon_desktop.clock import ENVIRONMENT_VARIABLE, from_environment
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
    seances.register(sub)
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
    args = build_parser().parse_args(argv)
    args.data_dir = (args.data_dir or default_data_dir()).expanduser()
    try:
        args.clock = from_environment(os.environ)  # COCON_TODAY=AAAA-MM-JJ: a fixed day, for tests
    except ValueError:
        print(f"La variable {ENVIRONMENT_VARIABLE} doit être une date AAAA-MM-JJ.", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args, Input(args.passphrase_stdin)))
    except CoconError as exc:
        print(messages.describe(exc), file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `cocon children list | head`: the reader has gone, nothing to report
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"Erreur d'accès au fichier {exc.filename or ''} : {exc.strerror}.", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        kind = database_failure(exc)  # disk full, file locked by another program…
        if kind is None:
            raise
        print(messages.text("database_error", {"kind": kind}), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
