"""`cocon agenda export`: the appointments of a period as a calendar file (.ics) that a phone's, Google's or
Outlook's calendar imports: Paris times with their time zone (Europe/Paris and its VTIMEZONE), initials and
inclusion number only, each appointment with its own UID so that a second export updates the same events."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import Input, add_command, open_practice, today_of
from cocon_desktop.errors import FieldError
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.services import appointments

DEFAULT_WEEKS = 13  # as the window's « Exporter le calendrier… »: the current week and the twelve after it
MAX_DAYS = 5 * 366  # a calendar file of five years at most: beyond, a typing slip (0001-01-01..9999-12-31)


def cmd_export(args: argparse.Namespace, secrets: Input) -> int:
    today = today_of(args)
    first = arguments.day(args.first) if args.first else today - timedelta(days=today.weekday())
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
