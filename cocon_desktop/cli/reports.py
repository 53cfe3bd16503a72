"""`cocon journal` (the receipts journal of a year, CSV for the accountant's software or PDF with the summary for the
2035 return), `cocon report` (a network's activity over a period, PDF) and `cocon dashboard` (what needs doing)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import Input, add_command, date_or_today, open_practice, today_of
from cocon_desktop.domain import limits
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import CoconError, FieldError
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.services import dashboard
from cocon_desktop.services.fec_export import fec_file
from cocon_desktop.services.report_files import activity_report_file, journal_file

MAX_LIMIT = 100_000  # lines of the dashboard
SEVERITY_LABELS = {"error": "URGENT ", "warning": "À FAIRE", "info": "INFO   "}


def _write(path: Path, data: bytes) -> None:
    """Where the user asked: an existing folder keeps its permissions; a new one is made private."""
    atomic_write(path, data, private_dir=not path.parent.exists())


def cmd_fec(args: argparse.Namespace, secrets: Input) -> int:
    """`cocon journal --year YYYY --fec -o DIR`: the FEC of the year, named as A.47 A-1 says, written in DIR."""
    folder: Path = args.output
    if folder.exists() and not folder.is_dir():
        raise arguments.ArgumentRefused("fec_output_not_folder", path=str(folder))
    with open_practice(args, secrets) as practice:
        built = practice.read(fec_file, args.year)
    path = folder / built.name
    _write(path, built.data)
    print(f"FEC {args.year} : {messages.counted(built.entries, 'écriture', 'écritures')}, recettes "
          f"{messages.euros(built.receipts)}, écrit dans {path}.")
    return 0


def cmd_journal(args: argparse.Namespace, secrets: Input) -> int:
    path: Path = args.output
    if not limits.year_allowed(args.year):
        raise arguments.ArgumentError([FieldError("year", "year_invalid", {"value": str(args.year)[:12]})])
    if args.fec:
        return cmd_fec(args, secrets)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".pdf"):
        raise CoconError("journal_format_unknown", path=str(path))
    arguments.output_file(path)
    with open_practice(args, secrets) as practice:
        # --date is the PDF's date of issue: a CSV carries none, and does not read it
        made_on = today_of(args) if suffix == ".csv" else date_or_today(args)
        built = practice.read(journal_file, args.year, suffix[1:], made_on)
    _write(path, built.data)
    summary = built.summary
    print(f"Livre-journal des recettes {args.year} : {messages.counted(built.receipts, 'recette', 'recettes')}, total "
          f"{messages.euros(summary.receipts)}, écrit dans {path}.")
    print(f"Factures émises {messages.euros(summary.invoiced)}, avoirs {messages.euros(summary.credited)}, "
          f"restant dû au 31/12/{args.year} {messages.euros(summary.outstanding)}.")
    return 0


def cmd_report(args: argparse.Namespace, secrets: Input) -> int:
    period = arguments.period(args.period)
    arguments.output_file(args.output)
    with open_practice(args, secrets) as practice:
        built = practice.read(activity_report_file, args.network, period.first, period.last, date_or_today(args))
    _write(args.output, built.data)
    report = built.report
    day = messages.french_date
    print(f"Rapport d'activité {report.network} du {day(period.first)} au {day(period.last)} : "
          f"{messages.counted(len(report.children), 'enfant', 'enfants')}, "
          f"{messages.counted(report.seances, 'acte', 'actes')}, facturé net "
          f"{messages.euros(report.net_invoiced)}, payé {messages.euros(report.paid)} ; écrit dans {args.output}.")
    return 0


def cmd_dashboard(args: argparse.Namespace, secrets: Input) -> int:
    arguments.integer(args.limit, "limit", 1, MAX_LIMIT)
    date_or_today(args)  # a malformed --date said before the passphrase is asked
    with open_practice(args, secrets) as practice:
        items = practice.read(dashboard.action_items, date_or_today(args), limit=args.limit)
    for item in items:
        print(f"{SEVERITY_LABELS.get(item.severity, item.severity)}  {item.text}")
    print(f"{messages.counted(len(items), 'point', 'points')} à traiter." if items else "Rien à traiter.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    when = {"metavar": "AAAA-MM-JJ", "help": "date d'établissement (par défaut : aujourd'hui)"}
    parser = add_command(sub, "journal", "livre-journal des recettes d'une année (CSV pour le comptable, ou PDF avec "
                                         "le récapitulatif pour la déclaration 2035)", cmd_journal)
    parser.add_argument("--year", type=int, required=True, metavar="AAAA")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.csv|FICHIER.pdf|DOSSIER",
                        help="le fichier à écrire ; avec --fec, le dossier où écrire le FEC")
    parser.add_argument("--fec", action="store_true",
                        help="le fichier des écritures comptables (FEC, art. A.47 A-1 du LPF), nommé "
                             "SIRENFECAAAAMMJJ.txt")
    parser.add_argument("--date", **when)  # type: ignore[arg-type]
    parser = add_command(sub, "report", "rapport d'activité d'un réseau sur une période (PDF)", cmd_report)
    parser.add_argument("--network", required=True, choices=sorted(NETWORKS))
    parser.add_argument("--period", required=True, metavar="AAAA-MM..AAAA-MM",
                        help="la période : 2026-01..2026-12, un mois (2026-03) ou une année (2026)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.pdf")
    parser.add_argument("--date", **when)  # type: ignore[arg-type]
    parser = add_command(sub, "dashboard", "ce qui est à faire : forfaits, facturation, impayés, lots, attestations",
                         cmd_dashboard)
    parser.add_argument("--date", metavar="AAAA-MM-JJ", help="la date du jour (par défaut : aujourd'hui)")
    parser.add_argument("--limit", type=int, default=200, metavar="N", help="au plus N lignes (200 par défaut)")
