"""`cocon attestation`: issue an attestation for a child's family (or for every child), reprint one as a
duplicata, list those issued."""

from __future__ import annotations

import argparse
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import Input, add_command, date_or_today, next_secret, open_practice, today_of
from cocon_desktop.domain.attestation import CLI_KINDS, KINDS
from cocon_desktop.errors import CoconError
from cocon_desktop.fsutil import atomic_write, ensure_private_dir
from cocon_desktop.services import attestations
from cocon_desktop.services.attestations import AttestationResult, IssuedAttestation
from cocon_desktop.services.children import find_by_inclusion
from cocon_desktop.services.practice_handle import Practice

PIN_HELP = ("carte ou jeton PKCS#11 : lire le code PIN sur l'entrée standard (la ligne après la phrase de passe "
            "si --passphrase-stdin) ; sans cette option, l'attestation porte l'image de la signature seulement")


def _write(path: Path, pdf: bytes) -> None:
    """Where the user asked: an existing folder keeps its permissions; a new one is made private."""
    atomic_write(path, pdf, private_dir=not path.parent.exists())


def _signature(result: AttestationResult) -> str:
    a = result.attestation
    parts = ["signature électronique PAdES" if a.signed_pades else "", "image de la signature" if a.signature_image
             else ""]
    return " + ".join(p for p in parts if p) or "non signée"


def _line(a: IssuedAttestation) -> str:
    day = messages.french_date
    return (f"{a.number}  {day(a.issue_date)}  {a.inclusion_number}  {a.child_name}  {a.kind_label.lower()}  "
            f"du {day(a.period_start)} au {day(a.period_end)}")


def _notices(results: list[AttestationResult], pades_skipped: bool) -> None:
    if pades_skipped and any(r.attestation.signature_image for r in results):
        print(messages.text("attestation_image_only"))
    if any(r.unsigned for r in results):
        print(messages.text("attestation_unsigned"))


def _pin(args: argparse.Namespace, secrets: Input, practice: Practice) -> str | None:
    if not args.pin_stdin or not practice.read(attestations.needs_pin):
        return None
    return next_secret(secrets, True, "Code PIN de la carte ou du jeton : ")


def _issue(args: argparse.Namespace, secrets: Input) -> int:
    kind = CLI_KINDS[args.kind]
    if not args.period:
        raise CoconError("required")
    period = arguments.period(args.period)
    day = date_or_today(args)
    with open_practice(args, secrets) as practice:
        pin = _pin(args, secrets, practice)
        if args.all:
            batch = practice.write(attestations.issue_batch, kind, period, day, pin=pin).value
            for result in batch.results:
                print(_line(result.attestation))
            files = attestations.batch_files(batch, combined=args.output is not None)
            if args.output is not None and files:
                _write(args.output, files[0][1])
            elif args.out_dir is not None and files:
                ensure_private_dir(args.out_dir)
                for name, pdf in files:
                    atomic_write(args.out_dir / name, pdf)
            where = args.output or args.out_dir
            print(messages.counted(len(batch.results), "attestation émise", "attestations émises")
                  + (f", écrites dans {where}." if files else "."))
            if batch.already:
                print(messages.counted(batch.already, "attestation déjà émise", "attestations déjà émises")
                      + " sur cette période, laissées de côté (--reprint NUMERO pour un duplicata).")
            _notices(batch.results, batch.pades_skipped)
            return 0
        child = practice.read(find_by_inclusion, args.child)
        result = practice.write(attestations.issue, child.id, kind, period, day, pin, again=args.again).value
    _write(args.output, result.pdf)
    a = result.attestation
    print(f"{a.number} : {a.kind_label.lower()} de {a.inclusion_number}, du {messages.french_date(a.period_start)} "
          f"au {messages.french_date(a.period_end)}, {messages.counted(a.seance_count, 'acte', 'actes')}, "
          f"{_signature(result)}.")
    print(f"Écrite dans {args.output} ({len(result.pdf)} octets).")
    _notices([result], result.pades_skipped)
    return 0


def _check_outputs(args: argparse.Namespace) -> None:
    """The file or folder to write, looked at before anything is issued."""
    if args.output is not None:
        arguments.output_file(args.output)
    if args.out_dir is not None:
        arguments.output_folder(args.out_dir)


def cmd_attestation(args: argparse.Namespace, secrets: Input) -> int:
    _check_outputs(args)
    if args.list:
        with open_practice(args, secrets) as practice:
            child_id = practice.read(find_by_inclusion, args.child).id if args.child else None
            rows = practice.read(attestations.list_attestations, child_id)
        for row in rows:
            print(_line(row))
        print(f"{messages.counted(len(rows), 'attestation', 'attestations')}.")
        return 0
    if args.reprint:
        if args.output is None:
            raise CoconError("required")
        with open_practice(args, secrets) as practice:
            pdf = practice.read(attestations.reprint, args.reprint, today_of(args))
        _write(args.output, pdf)
        print(f"Duplicata de {args.reprint.strip().upper()} écrit dans {args.output} ({len(pdf)} octets).")
        return 0
    if not args.all and (not args.child or args.output is None):
        raise CoconError("attestation_usage")
    if args.all and args.output is None and args.out_dir is None:
        raise CoconError("attestation_usage")
    return _issue(args, secrets)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = add_command(sub, "attestation", "attestation pour la famille d'un enfant (ou de tous), duplicata, liste",
                         cmd_attestation)
    parser.description = (
        "Émettre une attestation pour la famille : --child N° --period AAAA-MM..AAAA-MM -o FICHIER.pdf ; pour tous "
        "les enfants : --all --period … (-o FICHIER.pdf, un seul fichier à imprimer, ou --out-dir DOSSIER, un PDF "
        "par enfant) ; réimprimer : --reprint ATT-AAAA-NNNN -o FICHIER.pdf (marqué DUPLICATA) ; --list.")
    parser.add_argument("--child", metavar="INCLUSION", help="le numéro d'inclusion de l'enfant")
    parser.add_argument("--period", metavar="AAAA-MM..AAAA-MM",
                        help="la période : 2026-01..2026-06, un mois (2026-03) ou une année (2026)")
    parser.add_argument("--kind", default="seances", choices=sorted(CLI_KINDS),
                        help="; ".join(f"{code} : {KINDS[value].lower()}" for code, value in CLI_KINDS.items()))
    parser.add_argument("-o", "--output", type=Path, metavar="FICHIER.pdf")
    parser.add_argument("--date", metavar="AAAA-MM-JJ", help="date de l'attestation (par défaut : aujourd'hui)")
    parser.add_argument("--all", action="store_true", help="tous les enfants suivis ayant des soins sur la période")
    parser.add_argument("--out-dir", type=Path, metavar="DOSSIER", help="avec --all : un PDF par enfant")
    parser.add_argument("--again", action="store_true",
                        help="émettre une nouvelle attestation même si cet enfant a déjà la sienne pour la période "
                             "(une correction : un nouveau numéro)")
    parser.add_argument("--reprint", metavar="NUMERO", help="réimprimer une attestation émise (DUPLICATA)")
    parser.add_argument("--list", action="store_true", help="les attestations émises (d'un enfant avec --child)")
    parser.add_argument("--pin-stdin", action="store_true", help=PIN_HELP)
