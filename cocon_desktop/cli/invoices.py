"""`cocon invoice`, `credit-note`, `document export`, `verify`, `payment add`, `unpaid`, `network address`."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments, numbering
from cocon_desktop.cli.support import Input, add_command, next_secret, open_practice, today_of
from cocon_desktop.domain import limits
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import CoconError
from cocon_desktop.fsutil import atomic_write, ensure_private_dir
from cocon_desktop.services import invoice_documents, invoicing, payer_buyers, payments, signing_identities
from cocon_desktop.services.practice_handle import Practice

EXIT_BROKEN = 3
MAX_LINES = 10_000  # lines of an invoice, as typed in --line
PIN_HELP = ("carte ou jeton PKCS#11 : lire le code PIN sur l'entrée standard (la ligne après la phrase de passe "
            "si --passphrase-stdin) ; sans cette option il est demandé au terminal")


def _write_pdfs(practice: Practice, numbers: list[str], out: Path) -> None:
    ensure_private_dir(out)
    for number in numbers:
        atomic_write(out / f"{number}.pdf", practice.read(invoicing.document_pdf, number))


def _pin(args: argparse.Namespace, secrets: Input, practice: Practice) -> str | None:
    """The token's PIN, asked only when the practice signs with a PKCS#11 token."""
    if practice.read(signing_identities.active_identity).source != "pkcs11":
        return None
    return next_secret(secrets, args.pin_stdin, "Code PIN de la carte ou du jeton : ")


def cmd_invoice(args: argparse.Namespace, secrets: Input) -> int:
    if (args.network is None) == (args.payer is None):  # one of the two, never both
        raise CoconError("invoice_payer_choice")
    first, last = arguments.month(args.period, "period")
    if args.out is not None:
        arguments.output_folder(args.out)  # before anything is issued
    with open_practice(args, secrets) as practice:
        payer = args.network or practice.read(payer_buyers.invoiced_payer, args.payer)  # CoconError "payer_missing"
        if args.dry_run:
            drafts = practice.read(invoicing.preview_run, payer, first, last)
            for draft in drafts:
                who = draft.lines[0].inclusion_number if draft.child_id else payer
                milestones = all(line.seance_id is None for line in draft.lines)  # a package's milestones
                what = ("versement", "versements") if milestones else ("acte", "actes")
                print(f"{who}  {messages.counted(len(draft.lines), *what)}  {messages.euros(draft.total)}")
            total = sum((d.total for d in drafts), Decimal("0.00"))
            print(f"{messages.counted(len(drafts), 'facture serait émise', 'factures seraient émises')}, total "
                  f"{messages.euros(total)}.")
            return 0
        issued = practice.write(invoice_documents.issue_period, payer, first, last, today_of(args),
                                pin=_pin(args, secrets, practice)).value
        for doc in issued:
            print(f"{doc.number}  {messages.euros(doc.total)}  sha256 {doc.pdf_sha256[:16]}…")
        print(f"{messages.counted(len(issued), 'facture émise et signée', 'factures émises et signées')}.")
        if args.out and issued:
            _write_pdfs(practice, [d.number for d in issued], args.out)
            print(f"PDF écrits dans {args.out}.")
    return 0


def cmd_credit_note(args: argparse.Namespace, secrets: Input) -> int:
    for line in args.line or ():
        arguments.integer(line, "document", 1, MAX_LINES)
    with open_practice(args, secrets) as practice:
        doc = practice.write(invoice_documents.issue_credit_note, args.number, args.line or None, today_of(args),
                             pin=_pin(args, secrets, practice)).value
    print(f"{doc.number} émise : {messages.euros(doc.total)}, corrige {args.number.upper()}.")
    return 0


def cmd_document_export(args: argparse.Namespace, secrets: Input) -> int:
    arguments.output_file(args.output)
    with open_practice(args, secrets) as practice:
        pdf = practice.read(invoicing.document_pdf, args.number)
    atomic_write(args.output, pdf)
    print(f"{args.number.upper()} écrit dans {args.output} ({len(pdf)} octets).")
    return 0


def cmd_verify(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        report = invoice_documents.verify_practice(practice)
    if report.ok:
        print(f"Vérification réussie : {messages.counted(report.checked, 'document', 'documents')}, "
              f"{messages.counted(report.attestations, 'attestation', 'attestations')} et "
              f"{messages.counted(report.audit_entries, 'entrée', 'entrées')} de l'historique ; chaînes, empreintes, "
              "numérotation, signatures et factures électroniques (Factur-X) intactes, déclencheurs conformes.")
        numbering.print_confirmed(report.data.get("confirmed_gaps", []))  # issue 19, #1: gaps the user confirmed
        return 0
    print(messages.text(report.code, report.data), file=sys.stderr)
    if report.code.startswith("numbering_behind"):
        numbering.print_way_out(report.data)
    return EXIT_BROKEN


def cmd_payment_add(args: argparse.Namespace, secrets: Input) -> int:
    day = arguments.day(args.date)
    amount = arguments.amount(args.amount)  # « NaN », « Infinity », « 1e400 »: one sentence, exit 2
    arguments.refuse_long(args.reference or "", "reference", limits.REFERENCE)
    with open_practice(args, secrets) as practice:
        status = practice.write(payments.record_payment, args.number, day, amount, today_of(args),
                                args.reference or "", args.means).value
    print(f"Paiement enregistré. {status.number} : {payments.STATES[status.state].lower()}, "
          f"reste {messages.euros(status.remaining)}.")
    return 0


def cmd_unpaid(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        rows = practice.read(payments.unpaid, today_of(args))
    today = today_of(args)
    for row in rows:
        late = f", en retard de {row.days_overdue(today)} j" if row.days_overdue(today) else ""
        state = payments.STATES[row.state].lower()
        if row.state == "rejetee" and row.reason:  # the network's reason (issue 21), a remote_text: printable
            state = f"rejetée par le réseau : « {row.reason} »"
        print(f"{row.number}  émise le {messages.french_date(row.issue_date)}  {row.network}  reste "
              f"{messages.euros(row.remaining)}  ({state}{late})")
    total = sum((r.remaining for r in rows), Decimal("0.00"))
    print(f"{messages.counted(len(rows), 'facture impayée', 'factures impayées')}, {messages.euros(total)} au "
          "total.")
    return 0


def cmd_network_address(args: argparse.Namespace, secrets: Input) -> int:
    for value, field, limit in ((args.street, "address", limits.ADDRESS), (args.postcode, "postcode", limits.POSTCODE),
                                (args.city, "city", limits.CITY), (args.siret, "siret", limits.IDENTIFIER)):
        arguments.refuse_long(value, field, limit)
    if not (args.street.strip() and args.postcode.strip() and args.city.strip()):
        raise CoconError("required")
    with open_practice(args, secrets) as practice:
        practice.write(invoice_documents.set_network_address, args.code, invoice_documents.NetworkAddress(
            args.street, args.postcode, args.city, args.siret))
    print(f"Adresse du réseau {args.code} enregistrée.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    invoice = add_command(sub, "invoice", "émettre les factures d'une période pour un réseau ou une plateforme",
                          cmd_invoice)
    invoice.add_argument("--network", choices=sorted(NETWORKS), help="un réseau COCON (ou --payer)")
    invoice.add_argument("--payer", metavar="CODE", help="une plateforme (PCO1, PCO2… : Paramètres) : les versements "
                                                         "de ses forfaits atteints dans le mois")
    invoice.add_argument("--period", required=True, metavar="AAAA-MM", help="le mois facturé")
    invoice.add_argument("--dry-run", action="store_true", help="montrer ce qui serait émis, sans rien émettre")
    invoice.add_argument("--out", type=Path, help="écrire aussi les PDF signés dans ce dossier")
    invoice.add_argument("--pin-stdin", action="store_true", help=PIN_HELP)
    credit = add_command(sub, "credit-note", "émettre une facture d'avoir", cmd_credit_note)
    credit.add_argument("number", metavar="NUMERO", help="la facture corrigée, par exemple FAC-2026-0001")
    credit.add_argument("--line", type=int, action="append", metavar="N", help="ligne à annuler (répétable)")
    credit.add_argument("--pin-stdin", action="store_true", help=PIN_HELP)
    group = sub.add_parser("document", help="les documents émis", description="Les documents émis.")
    inner = group.add_subparsers(dest="document_command", required=True, metavar="ACTION")
    export = add_command(inner, "export", "écrire le PDF signé d'un document", cmd_document_export)
    export.add_argument("number", metavar="NUMERO")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER.pdf")
    add_command(sub, "verify", "vérifier les chaînes (documents, attestations, historique), les empreintes, la "
                               "numérotation, les signatures et leur accord avec les lignes", cmd_verify)
    group = sub.add_parser("payment", help="les paiements reçus", description="Les paiements reçus.")
    inner = group.add_subparsers(dest="payment_command", required=True, metavar="ACTION")
    pay = add_command(inner, "add", "enregistrer un paiement", cmd_payment_add)
    pay.add_argument("number", metavar="NUMERO")
    pay.add_argument("--date", required=True, metavar="AAAA-MM-JJ")
    pay.add_argument("--amount", required=True, metavar="EUROS")
    pay.add_argument("--reference", help="référence du virement")
    pay.add_argument("--means", default="virement", choices=sorted(payments.MEANS))
    add_command(sub, "unpaid", "les factures impayées, depuis quand", cmd_unpaid)
    group = sub.add_parser("network", help="les réseaux", description="Les réseaux de périnatalité.")
    inner = group.add_subparsers(dest="network_command", required=True, metavar="ACTION")
    address = add_command(inner, "address", "l'adresse du réseau (destinataire des factures)", cmd_network_address)
    address.add_argument("code", choices=sorted(NETWORKS))
    address.add_argument("street")
    address.add_argument("postcode")
    address.add_argument("city")
    address.add_argument("--siret", default="", help="SIREN (9 chiffres) ou SIRET (14) du réseau, s'il figure dans "
                                                     "la convention")



