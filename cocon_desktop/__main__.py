"""`python -m cocon_desktop` / `cocon-desktop`: core dumps off, arguments, logging, crash dialog, then the program."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

log = logging.getLogger("cocon_desktop")


def parse_args(argv: list[str]) -> argparse.Namespace:
    from cocon_desktop.french_argparse import FrenchArgumentParser

    parser = FrenchArgumentParser(prog="cocon-desktop", description="COCON Desktop")
    parser.add_argument("--data-dir", type=Path, help="dossier des données du cabinet")
    parser.add_argument("--demo", action="store_true",
                        help="cabinet de démonstration temporaire, ouvert sans phrase de passe")
    parser.add_argument("--verbose", action="store_true", help="journal détaillé (sans aucune donnée patient)")
    parser.add_argument("--self-test", action="store_true",
                        help="vérifie l'installation (cabinet de démonstration dans --data-dir, fenêtre principale, "
                             "icônes, polices) puis quitte : code 0 si tout va bien")
    return parser.parse_args(argv)


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """Log the error's type and place (never its message: it could hold data), then tell the user; except the
    practice closed under a task by the lock, which is no crash: the lock screen already says it."""
    frames = traceback.extract_tb(tb)
    place = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    if getattr(value, "code", None) == "practice_closed":
        log.info("the practice is locked: %s at %s stopped", kind.__name__, place)
        return
    log.error("unexpected error %s at %s", kind.__name__, place)
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            box = QMessageBox(QMessageBox.Icon.Critical, "COCON Desktop",
                              "Une erreur inattendue s'est produite. Ce que vous aviez enregistré est en "
                              "sécurité ; l'action en cours n'a peut-être pas abouti.")
            box.setDetailedText(f"{kind.__name__} ({place})")
            box.exec()
    except Exception:  # the crash dialog must never crash
        pass


def main(argv: list[str] | None = None) -> int:
    from cocon_desktop import core_dumps, third_party_warnings

    core_dumps.disable()  # first: no core file of this process, whatever happens next (issue 19, #12)

    third_party_warnings.silence()  # before PySide6, pyHanko and the rest are imported
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.verbose:  # the program's own messages only: libraries log content at DEBUG (factur-x: the whole XML)
        log.setLevel(logging.DEBUG)
    if not args.self_test:  # the self-test prints its traceback and exits 1, never waits on a dialog
        sys.excepthook = _excepthook
    from cocon_desktop.ui.pyside_startup import skip_feature_scan

    skip_feature_scan()  # before the program's modules are imported
    if args.self_test:
        from cocon_desktop.app import self_test

        return self_test(sys.argv[:1], args.data_dir)
    from cocon_desktop.app import run

    return run(sys.argv[:1], args.data_dir, args.demo)


if __name__ == "__main__":
    sys.exit(main())
