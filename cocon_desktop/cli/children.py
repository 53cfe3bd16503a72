"""`cocon children list`, `cocon prescription add`, `cocon forfait status`: the COCON file from the shell. A
prescription's note and its reason for more séances are health data: read from standard input or a file, never
from the command line itself."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import timedelta

from cocon_desktop import messages, settings
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import Input, add_command, clinical_text, open_practice, today_of
from cocon_desktop.domain.ages import age_between, corrected_age, shows_corrected_age
from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.errors import CoconError
from cocon_desktop.services import (
    children,
    forfaits,
    payer_buyers,
    prescribers,
    prescriptions,
    relays,
    settings_store,
)

PAGE = 500


MAX_SESSIONS = 999  # séances a prescription may grant, as typed (the forfait's rules bound it far lower)


def cmd_children_list(args: argparse.Namespace, secrets: Input) -> int:
    today = today_of(args)
    with open_practice(args, secrets) as practice:
        cutoff = int(practice.read(settings_store.get, settings.CORRECTED_AGE_CUTOFF_MONTHS))
        query = children.ChildQuery(active_only=args.active)
        writer = csv.writer(sys.stdout, delimiter=";", lineterminator="\n") if args.csv else None
        if writer:
            writer.writerow(["inclusion", "nom", "prenom", "naissance", "terme_sa", "reseau", "sortie"])
        offset = 0
        while rows := practice.read(children.list_children, query, today, offset, PAGE):
            for row in rows:
                if writer:
                    writer.writerow([row.inclusion_number, row.last_name, row.first_name, row.birth_date.isoformat(),
                                     row.gestational_weeks, row.network,
                                     row.exit_date.isoformat() if row.exit_date else ""])
                    continue
                age = age_between(row.birth_date, today).french()
                if shows_corrected_age(row.birth_date, row.gestational_weeks, today, cutoff):
                    age += f" (corrigé {corrected_age(row.birth_date, row.gestational_weeks, today).french()})"
                left = f"  sortie du parcours le {messages.french_date(row.exit_date)}" if row.exit_date else ""
                print(f"{row.inclusion_number}  {row.display_name}  naissance le {messages.french_date(row.birth_date)}"
                      f"  {age}  {row.network}{left}")
            offset += len(rows)
    return 0


def cmd_prescription_add(args: argparse.Namespace, secrets: Input) -> int:
    arguments.refuse_text_in_options(args, "note", "reason")
    if args.note_stdin and args.reason_stdin:
        raise arguments.ArgumentRefused("stdin_twice", option="--note")
    today = today_of(args)
    arguments.integer(args.seances, "sessions_authorised", 0, MAX_SESSIONS)  # 0: the forfait's rules say why not
    valid_from, valid_until = arguments.day(args.start, "valid_from"), arguments.day(args.end, "valid_until")
    prescribed_on = arguments.day(args.prescribed_on, "prescribed_on") if args.prescribed_on else valid_from
    with open_practice(args, secrets) as practice:
        reason = clinical_text(args, secrets, "reason")
        note = clinical_text(args, secrets, "note")
        child = practice.read(children.find_by_inclusion, args.child)
        prescriber_id = None
        if args.prescriber_rpps:
            found = practice.read(prescribers.find_by_rpps, args.prescriber_rpps)
            if found is None:
                raise CoconError("prescriber_not_found", rpps=args.prescriber_rpps)
            prescriber_id = found.id
        kind = args.forfait or practice.read(forfaits.forfait_for, child.data.network, child.data.birth_date,
                                             args.discipline, valid_from)
        data = PrescriptionData(
            child_id=child.id, discipline=args.discipline, forfait_kind=kind, sessions_authorised=args.seances,
            valid_from=valid_from, valid_until=valid_until, prescribed_on=prescribed_on,
            bilan_included=args.bilan, prescriber_id=prescriber_id, note=note, over_forfait_reason=reason)
        new_id = practice.write(prescriptions.save_prescription, data, today).value
    print(f"Prescription n° {new_id} enregistrée pour {child.data.inclusion_number} "
          f"({DISCIPLINES.get(args.discipline, args.discipline)}, {args.seances} séances).")
    return 0


def cmd_forfait_status(args: argparse.Namespace, secrets: Input) -> int:
    today = today_of(args)
    with open_practice(args, secrets) as practice:
        child = practice.read(children.find_by_inclusion, args.child)
        lines = practice.read(forfaits.child_forfaits, child.id, today)
    print(f"{child.data.inclusion_number}  {child.data.display_name}")
    if not lines:
        print("  Aucune prescription.")
    for line in lines:
        s = line.status
        p = line.prescription.data
        print(f"  {line.label} — {DISCIPLINES.get(p.discipline, p.discipline)}, du "
              f"{messages.french_date(p.valid_from)} au {messages.french_date(p.valid_until)}")
        print(f"    séances : {s.sessions_used} utilisées, {s.sessions_left} restantes sur {s.sessions_authorised}"
              f"{' + bilan' if s.bilan_included else ''}")
        print(f"    montant : {messages.euros(s.amount_used)} utilisés, {messages.euros(s.amount_left)} restants "
              f"sur {messages.euros(s.amount_authorised)}")
        for warning in s.warnings:
            print(f"    ! {messages.warning_text(warning)}")
    return 0


def cmd_children_relay(args: argparse.Namespace, secrets: Input) -> int:
    """« Relais vers une PCO » (issue 22): COCON until the day before `--from`, the PCO's forfait from it — or the
    forfait of another pathway that takes COCON's children (`--pathway`, or the payer's own pathway)."""
    start = arguments.day(args.start, "day")
    with open_practice(args, secrets) as practice:
        child = practice.read(children.find_by_inclusion, args.child)
        pathway = args.pathway or practice.read(payer_buyers.payer_pathway, args.payer)
        request = relays.RelayRequest(child.id, args.payer, start, reference=args.dossier or "", pathway=pathway,
                                      interventions=not args.bilan_only)
        result = practice.write(relays.relay, request).value
        name = practice.read(payer_buyers.payer_name, args.payer)
        lines = {line.prescription.data.id: line for line in practice.read(forfaits.child_forfaits, child.id,
                                                                          today_of(args))}
    print(f"Relais de {child.data.inclusion_number} vers {args.payer} ({name}) à partir du "
          f"{messages.french_date(start)} : parcours COCON clos le {messages.french_date(start - timedelta(days=1))}.")
    for opened in result.opened:
        line = lines[opened]
        print(f"  {line.label}, du {messages.french_date(line.prescription.data.valid_from)} au "
              f"{messages.french_date(line.prescription.data.valid_until)}.")
    where = "de la PCO" if pathway == relays.RelayRequest.pathway else f"de {args.payer}"
    print(f"  Séances déplacées sur le forfait {where} : {result.moved} ; hors forfait : {result.out_of_forfait}.")
    return 0


def cmd_children_relay_cancel(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        child = practice.read(children.find_by_inclusion, args.child)
        moved = practice.write(relays.cancel_relay, child.id).value
    print(f"Relais de {child.data.inclusion_number} annulé : l'enfant est de nouveau suivi dans le parcours COCON "
          f"({moved} séance{'s' if moved > 1 else ''} replacée{'s' if moved > 1 else ''} sur COCON).")
    return 0


def _register_relay(inner: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    relay = add_command(inner, "relay", "relais vers une PCO : COCON jusqu'à la veille, le forfait de la PCO ensuite",
                        cmd_children_relay)
    relay.add_argument("--child", required=True, metavar="INCLUSION", help="numéro d'inclusion de l'enfant")
    relay.add_argument("--payer", required=True, metavar="CODE",
                       help="la plateforme (PCO1, PCO2… : Paramètres), ou le payeur d'un autre parcours")
    relay.add_argument("--pathway", metavar="PARCOURS",
                       help="le parcours d'arrivée (par défaut : celui du payeur, pco-tnd pour une plateforme)")
    relay.add_argument("--from", dest="start", required=True, metavar="AAAA-MM-JJ",
                       help="premier jour pris en charge par la PCO")
    relay.add_argument("--dossier", metavar="N°", help="numéro de dossier de l'enfant à la PCO")
    relay.add_argument("--bilan-only", action="store_true", help="le forfait du bilan seul (sans interventions)")
    cancel = add_command(inner, "relay-cancel", "annuler le relais vers une PCO (tant que rien ne lui est facturé)",
                         cmd_children_relay_cancel)
    cancel.add_argument("--child", required=True, metavar="INCLUSION", help="numéro d'inclusion de l'enfant")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("children", help="les enfants suivis", description="Les enfants suivis.")
    inner = group.add_subparsers(dest="children_command", required=True, metavar="ACTION")
    listing = add_command(inner, "list", "un enfant par ligne, le numéro d'inclusion d'abord", cmd_children_list)
    listing.add_argument("--csv", action="store_true", help="au format CSV (séparateur point-virgule)")
    listing.add_argument("--active", action="store_true", help="seulement les enfants encore dans le parcours")
    _register_relay(inner)

    group = sub.add_parser("prescription", help="les prescriptions", description="Les prescriptions.")
    inner = group.add_subparsers(dest="prescription_command", required=True, metavar="ACTION")
    add = add_command(inner, "add", "enregistrer une prescription", cmd_prescription_add)
    add.add_argument("--child", required=True, metavar="INCLUSION", help="numéro d'inclusion de l'enfant")
    add.add_argument("--discipline", required=True, choices=sorted(DISCIPLINES))
    add.add_argument("--sessions", dest="seances", required=True, type=int, help="séances accordées")
    add.add_argument("--start", required=True, metavar="AAAA-MM-JJ", help="début de validité")
    add.add_argument("--end", required=True, metavar="AAAA-MM-JJ", help="fin de validité")
    add.add_argument("--prescribed-on", metavar="AAAA-MM-JJ", help="date de la prescription (défaut : début)")
    add.add_argument("--prescriber-rpps", metavar="RPPS", help="RPPS du médecin prescripteur (annuaire)")
    add.add_argument("--forfait", help="forfait (défaut : celui de la tranche d'âge de l'enfant)")
    add.add_argument("--bilan", action="store_true", help="bilan inclus")
    arguments.add_text_options(add, "reason", "le motif, exigé au-delà des séances du forfait (refusé au-delà du "
                               "double)")
    arguments.add_text_options(add, "note", "la note libre de la prescription (hors du journal d'audit)")

    group = sub.add_parser("forfait", help="l'état des forfaits", description="L'état des forfaits.")
    inner = group.add_subparsers(dest="forfait_command", required=True, metavar="ACTION")
    status = add_command(inner, "status", "séances et montants utilisés et restants", cmd_forfait_status)
    status.add_argument("--child", required=True, metavar="INCLUSION", help="numéro d'inclusion de l'enfant")
