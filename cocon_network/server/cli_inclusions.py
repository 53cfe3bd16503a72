"""`cocon-network inclusions import FICHIER.csv [--verifier]`: the network's inclusion list, from its coordination
tool's CSV export, into the database (all or nothing; inclusions.py says the format). And
`cocon-network controls run [--lot ID]`: the controls across therapists run again — on one batch, or on every
batch with a document awaiting a decision (after the network edited its tariff file, say).

The server's command line calls `register(subparsers)`; the command's handler is `args.func(args) -> int` (exit
code: 0 imported or checked, 1 refused with every bad line on the standard error, 2 file unreadable). The database
is the settings' (`--config FILE` if the main parser has one, then COCON_NETWORK_DATABASE_URL)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cocon_network.server.config import load_settings
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.inclusions import import_inclusions, parse_inclusions
from cocon_network.server.models import DOC_RECEIVED, Batch, Document


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
    controls = subparsers.add_parser("controls", help="contrôles entre thérapeutes")
    controls_sub = controls.add_subparsers(dest="controls_command", required=True, metavar="ACTION")
    rerun = controls_sub.add_parser("run", help="refaire les contrôles d'un lot, ou des lots en attente de décision")
    rerun.add_argument("--lot", metavar="ID", help="le numéro du lot (sinon : tous les lots en attente de décision)")
    rerun.set_defaults(func=run_controls_again)


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


def run_controls_again(args: argparse.Namespace) -> int:
    from cocon_network.server.controls import run_controls

    settings = load_settings(getattr(args, "config", None))
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            if args.lot:
                if session.get(Batch, args.lot) is None:
                    print(f"Aucun lot « {args.lot} ».", file=sys.stderr)
                    return 1
                batch_ids = [args.lot]
            else:
                batch_ids = sorted(set(session.scalars(
                    select(Document.batch_id).where(Document.status == DOC_RECEIVED).distinct())))
            flags = sum(len(run_controls(session, batch_id)) for batch_id in batch_ids)
    finally:
        engine.dispose()
    print(f"Contrôles refaits sur {len(batch_ids)} lot{'s' if len(batch_ids) > 1 else ''} : {flags} signalement"
          f"{'s' if flags > 1 else ''}.")
    return 0
