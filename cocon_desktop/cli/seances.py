"""`cocon seance add` and `cocon seance list`: recording care from the shell. A séance's note is health data: it is
read from standard input (`--note-stdin`) or a file (`--note-file`), never from the command line itself."""

from __future__ import annotations

import argparse

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import Input, add_command, clinical_text, open_practice
from cocon_desktop.domain.seance import DEFAULT_DURATION, KINDS, PLACES, SeanceData
from cocon_desktop.errors import CoconError, FieldError
from cocon_desktop.services import children, seances

STATES = {"a_facturer": "à facturer", "facturee": "facturée", "non_facturable": "non facturable",
          "au_forfait": "compris dans le forfait"}


def cmd_seance_add(args: argparse.Namespace, secrets: Input) -> int:
    arguments.refuse_text_in_options(args, "note")
    day = arguments.day(args.date)
    start = seances.parse_time(args.time)
    if start is None:
        raise arguments.ArgumentError([FieldError("start", "time_invalid", {"value": args.time})])
    arguments.integer(args.duration, "duration_min", 1, 24 * 60)
    with open_practice(args, secrets) as practice:
        note = clinical_text(args, secrets, "note")
        child = practice.read(children.find_by_inclusion, args.child)
        data = SeanceData(child_id=child.id, day=day, start=start, duration_min=args.duration, kind=args.kind,
                          place=args.place, note=note, out_of_forfait=args.hors_forfait)
        try:
            seance_id = practice.write(seances.record_seance, data).value
        except seances.OutOfForfait as exc:
            raise CoconError("out_of_forfait_cli", reason=messages.text(exc.reason, exc.data)) from exc
    billed = "hors forfait" if args.hors_forfait else "sur le forfait"
    print(f"Séance n° {seance_id} enregistrée ({KINDS[args.kind]}, {messages.french_date(day)} à "
          f"{start.strftime('%H:%M')}, {billed}) pour {child.data.inclusion_number}.")
    return 0


def cmd_seance_list(args: argparse.Namespace, secrets: Input) -> int:
    day, last = arguments.month(args.month)
    with open_practice(args, secrets) as practice:
        rows = practice.read(seances.seances_between, day, last)
    for row in rows:
        s = row.data
        print(f"{row.inclusion_number}  {s.day.isoformat()} {s.start.strftime('%H:%M')}  {s.duration_min} min  "
              f"{KINDS[s.kind]}  {PLACES[s.place]}  {STATES[row.billing_state]}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("seance", help="les séances", description="Les séances.")
    inner = group.add_subparsers(dest="seance_command", required=True, metavar="ACTION")
    add = add_command(inner, "add", "enregistrer une séance", cmd_seance_add)
    add.add_argument("--child", required=True, metavar="INCLUSION", help="numéro d'inclusion de l'enfant")
    add.add_argument("--date", required=True, metavar="AAAA-MM-JJ")
    add.add_argument("--time", required=True, metavar="HH:MM")
    add.add_argument("--kind", default="seance", choices=sorted(KINDS), help="type (défaut : seance)")
    add.add_argument("--duration", type=int, default=DEFAULT_DURATION, help="durée en minutes (défaut : 45)")
    add.add_argument("--place", default="cabinet", choices=sorted(PLACES))
    arguments.add_text_options(add, "note", "la note de la séance (chiffrée dans la base)")
    add.add_argument("--hors-forfait", action="store_true", help="enregistrer sans facturer au réseau")
    listing = add_command(inner, "list", "une ligne par séance du mois", cmd_seance_list)
    listing.add_argument("--month", required=True, metavar="AAAA-MM")
