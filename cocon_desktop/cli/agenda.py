"""`cocon agenda export`: the appointments of a period as a calendar file (.ics) that a phone's, Google's or
Outlook's calendar imports: Paris times with their time zone (Europe/Paris and its VTIMEZONE), initials and
inclusion number only, each appointment with its own UID so that a second export updates the same events.
`cocon agenda import`: the appointments of another calendar's file, reviewed (matched, to choose, ignored), then
written with `--apply` (services/calendar_import.py)."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import Input, add_command, open_practice, today_of
from cocon_desktop.errors import FieldError
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.services import appointments, calendar_import

DEFAULT_WEEKS = 13  # as the window's « Exporter le calendrier… »: the current week and the twelve after it
MAX_DAYS = 5 * 366  # a calendar file of five years at most: beyond, a typing slip (0001-01-01..9999-12-31)
IMPORT_BYTES = 10 * 1024 * 1024  # a calendar file to import: years of a busy agenda hold a few megabytes
STATES = {calendar_import.MATCHED: "reconnu", calendar_import.TO_CHOOSE: "à choisir",
          calendar_import.IGNORED: "ignoré"}


def _period(args: argparse.Namespace, first: date) -> tuple[date, date]:
    """--from and --to (the last defaulting to thirteen weeks from the first), checked before anything is read."""
    first = arguments.day(args.first) if args.first else first
    last = (arguments.day(args.last) if args.last
            else first + timedelta(weeks=DEFAULT_WEEKS) - timedelta(days=1))
    span = f"{first.isoformat()}..{last.isoformat()}"
    if last < first:
        raise arguments.ArgumentError([FieldError("period", "period_reversed", {"value": span})])
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise arguments.ArgumentError([FieldError("period", "calendar_range_too_long", {
            "max": MAX_DAYS, "first": messages.french_date(first), "last": messages.french_date(last),
            "days": days})])
    return first, last


def cmd_export(args: argparse.Namespace, secrets: Input) -> int:
    today = today_of(args)
    first, last = _period(args, today - timedelta(days=today.weekday()))
    path: Path = args.output
    arguments.output_file(path)
    with open_practice(args, secrets) as practice:
        content = practice.read(appointments.export_ics, first, last)
    atomic_write(path, content, private_dir=not path.parent.exists())  # an existing folder keeps its permissions
    count = content.count(b"BEGIN:VEVENT")
    print(f"{messages.counted(count, 'rendez-vous', 'rendez-vous')} du {messages.french_date(first)} au "
          f"{messages.french_date(last)} {messages.plural(count, 'exporté', 'exportés')} dans {path} "
          "(heures de Paris, fuseau Europe/Paris).")
    return 0


def cmd_import(args: argparse.Namespace, secrets: Input) -> int:
    first, last = _period(args, today_of(args))
    content = arguments.read_file(args.file, IMPORT_BYTES)
    with open_practice(args, secrets) as practice:
        lines = practice.read(calendar_import.preview, content, first, last)
        labels = practice.read(calendar_import.child_labels, {i for line in lines for i in line.child_ids})
        for line in lines:
            who = " ou ".join(labels[i] for i in line.child_ids) or "aucun enfant de ce nom"
            again = " (déjà importé)" if line.appointment_id is not None else ""
            print(f"{line.starts_at:%d/%m/%Y %H:%M} ({line.minutes} min) « {line.summary} » : "
                  f"{STATES[line.state]}{again}, {who}")
        counts = {state: sum(1 for line in lines if line.state == state) for state in STATES}
        summary = (f"{messages.counted(len(lines), 'rendez-vous', 'rendez-vous')} du {messages.french_date(first)} "
                   f"au {messages.french_date(last)} : "
                   f"{messages.counted(counts[calendar_import.MATCHED], 'reconnu', 'reconnus')}, "
                   f"{counts[calendar_import.TO_CHOOSE]} à choisir, "
                   f"{messages.counted(counts[calendar_import.IGNORED], 'ignoré', 'ignorés')}.")
        if not args.apply:
            print(f"{summary} Rien n'a été écrit : relancez avec --apply pour importer les rendez-vous reconnus.")
            return 0
        result = practice.write(calendar_import.apply, calendar_import.matched_choices(lines)).value
    print(f"{summary} Importés : {messages.counted(result.created, 'nouveau', 'nouveaux')}, {result.updated} mis "
          f"à jour, {messages.counted(result.unchanged, 'inchangé', 'inchangés')} ; ceux à choisir ou ignorés sont "
          "laissés de côté.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("agenda", help="l'agenda des rendez-vous", description="L'agenda des rendez-vous.")
    inner = group.add_subparsers(dest="agenda_command", required=True, metavar="ACTION")
    export = add_command(inner, "export", "exporter les rendez-vous d'une période dans un fichier de calendrier "
                                          "(.ics, initiales et n° d'inclusion seulement)", cmd_export)
    export.add_argument("--from", dest="first", metavar="AAAA-MM-JJ",
                        help="premier jour (par défaut : le lundi de cette semaine)")
    export.add_argument("--to", dest="last", metavar="AAAA-MM-JJ",
                        help="dernier jour (par défaut : treize semaines à partir du premier jour)")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.ics")
    imported = add_command(inner, "import", "lire les rendez-vous d'un autre calendrier (.ics de Google Agenda, "
                                            "Outlook, d'un service de prise de rendez-vous) et les rapprocher des "
                                            "enfants par leur nom ; --apply importe ceux qui sont reconnus",
                           cmd_import)
    imported.add_argument("file", type=Path, metavar="FICHIER.ics")
    imported.add_argument("--from", dest="first", metavar="AAAA-MM-JJ", help="premier jour (par défaut : aujourd'hui)")
    imported.add_argument("--to", dest="last", metavar="AAAA-MM-JJ",
                          help="dernier jour (par défaut : treize semaines à partir du premier jour)")
    imported.add_argument("--apply", action="store_true",
                          help="importer les rendez-vous reconnus (sinon : la revue seule, rien n'est écrit)")
