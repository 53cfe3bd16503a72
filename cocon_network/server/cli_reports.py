"""`cocon-network reports funder --du AAAA-MM-JJ --au AAAA-MM-JJ [-o DOSSIER]`: the report to the funder (article 51
evaluation) written as files — the table as CSV and PDF, and with `--enfants` the detail by inclusion number.
`cocon-network reports rebuild`: the report's monthly aggregate recomputed from the acts (report_aggregate.py).

The server's command line calls `register(subparsers)`; the handler is `args.func(args, settings) -> int` (0 the
files written, 1 a period refused, 2 a folder that cannot be written). Accepted and paid documents only
(reporting.py says what counts)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from cocon_network.server.config import Settings
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.reporting import children_rows, funder_report
from cocon_network.server.reporting_csv import children_csv, report_csv, report_filename
from cocon_network.server.reporting_pdf import report_pdf


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date illisible « {text} » : AAAA-MM-JJ attendu") from None


def register(subparsers: Any) -> None:
    reports = subparsers.add_parser("reports", help="rapport d'activité au financeur (évaluation article 51)")
    sub = reports.add_subparsers(dest="reports_command", required=True, metavar="RAPPORT")
    funder = sub.add_parser("funder", help="enfants suivis, séances et montants par mois, département et discipline",
                            description="Documents acceptés ou payés seulement ; département de l'enfant, à défaut "
                                        "celui du thérapeute ; aucun nom.")
    funder.add_argument("--du", type=_day, required=True, metavar="AAAA-MM-JJ", help="premier jour de la période")
    funder.add_argument("--au", type=_day, required=True, metavar="AAAA-MM-JJ", help="dernier jour (inclus)")
    funder.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DOSSIER",
                        help="dossier où écrire les fichiers (le dossier courant par défaut)")
    funder.add_argument("--enfants", action="store_true",
                        help="écrire aussi le détail par enfant (numéros d'inclusion seulement)")
    funder.set_defaults(func=run_funder)
    rebuild = sub.add_parser("rebuild", help="recalculer depuis les actes les totaux mensuels du rapport",
                             description="Recalcule tout le rapport mensuel (tables report_*) depuis les actes : "
                                         "après une restauration ou une écriture en masse. Quelques secondes pour "
                                         "une région.")
    rebuild.set_defaults(func=run_rebuild)


def run_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from cocon_network.server.models import ReportChildMonth, ReportMonth
    from cocon_network.server.report_aggregate import rebuild

    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            rebuild(session)
            months = session.scalar(select(func.count(func.distinct(ReportMonth.month)))) or 0
            rows = session.scalar(select(func.count()).select_from(ReportChildMonth)) or 0
    finally:
        engine.dispose()
    print(f"Rapport mensuel recalculé depuis les actes : {months} mois, {rows} lignes enfant-mois.")
    return 0


def run_funder(args: argparse.Namespace, settings: Settings) -> int:
    if args.du > args.au:
        print("La fin de la période précède son début.", file=sys.stderr)
        return 1
    folder = Path(args.output)
    if not folder.is_dir():
        print(f"Le dossier {folder} n'existe pas.", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            report = funder_report(session, args.du, args.au, settings.network)
            detail = children_rows(session, args.du, args.au) if args.enfants else None
    finally:
        engine.dispose()
    files = {report_filename(report): report_csv(report),
             report_filename(report, "rapport", "pdf"): report_pdf(report, settings.network_name)}
    if detail is not None:
        files[report_filename(report, "enfants")] = children_csv(detail)
    try:
        for name, data in files.items():
            path = folder / name
            temporary = path.with_name(path.name + ".tmp")
            temporary.write_bytes(data)
            temporary.replace(path)
    except OSError as error:
        print(f"Impossible d'écrire dans {folder} : {error.strerror or error}.", file=sys.stderr)
        return 2
    print(f"Du {args.du:%d/%m/%Y} au {args.au:%d/%m/%Y} : {report.children} enfant{'s' if report.children > 1 else ''}"
          f" suivi{'s' if report.children > 1 else ''}, {report.seances} séance{'s' if report.seances > 1 else ''}.")
    for name in files:
        print(folder / name)
    return 0
