"""`cocon-network inclusions import FICHIER.csv [--verifier]`: the network's inclusion list, from its coordination
tool's CSV export, into the database (all or nothing; inclusions.py says the format).

The server's command line calls `register(subparsers)`; the command's handler is `args.func(args) -> int` (exit
code: 0 imported or checked, 1 refused with every bad line on the standard error, 2 file unreadable). The database
is the settings' (`--config FILE` if the main parser has one, then COCON_NETWORK_DATABASE_URL)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cocon_network.server.config import load_settings
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.inclusions import import_inclusions, parse_inclusions


def register(subparsers: Any) -> None:
    inclusions = subparsers.add_parser("inclusions", help="liste d'inclusion du réseau (enfants du parcours)")
    sub = inclusions.add_subparsers(dest="inclusions_command", required=True, metavar="ACTION")
    load = sub.add_parser(
        "import", help="importer l'export CSV de l'outil de coordination (SPICO Dossiers, AZUREZO, PaacoGlobule)",
        description="Colonnes (séparateur « ; », UTF-8) : numero_inclusion;initiales;date_naissance;terme_sa;"
                    "date_inclusion;date_sortie;departement. Tout ou rien : une ligne fausse et rien n'est importé.")
    load.add_argument("file", type=Path, metavar="FICHIER.csv")
    load.add_argument("--verifier", action="store_true", help="vérifier le fichier sans rien importer")
    load.add_argument("--sans-controles", action="store_true",
                      help="ne pas refaire les contrôles des lots en attente de décision")
    load.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"Impossible de lire {args.file} : {error.strerror or error}.", file=sys.stderr)
        return 2
    if args.verifier:
        rows, errors, ignored = parse_inclusions(data)
        if errors:
            for fault in errors:
                print(fault.french(), file=sys.stderr)
            return 1
        note = f" (colonnes ignorées : {', '.join(ignored)})" if ignored else ""
        print(f"Fichier valide : {len(rows)} enfant{'s' if len(rows) > 1 else ''}{note}.")
        return 0
    settings = load_settings(getattr(args, "config", None))
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            report = import_inclusions(session, data, recheck=not args.sans_controles)
    finally:
        engine.dispose()
    print(report.french(), file=sys.stdout if report.imported else sys.stderr)
    return 0 if report.imported else 1
