"""`cocon-network payments …`: the payment runs from the command line (the console's « Paiements », scripted).

    cocon-network payments list
    cocon-network payments create (--all | --siret SIRET… | --invoice SIRET:NUMÉRO…) [--execution-date AAAA-MM-JJ]
    cocon-network payments export RUN [--xml FICHIER.xml] [--zip FICHIER.zip] [--advices DOSSIER]
    cocon-network payments execute RUN --yes
    cocon-network payments cancel RUN

RUN is the run's number or its message id. Exit codes: 0 done, 1 refused (the French reason on the standard error),
2 unreadable input. The database is the settings' (`--config FILE` before the command, then COCON_NETWORK_*)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, defer

from cocon_network.server import payments, remittance_pdf
from cocon_network.server.config import Settings
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.models import DOC_ACCEPTED, Document, PaymentRun, Therapist


def register(subparsers: Any) -> None:
    command = subparsers.add_parser("payments", help="virements SEPA aux thérapeutes (factures acceptées)")
    sub = command.add_subparsers(dest="payments_command", required=True, metavar="ACTION")
    sub.add_parser("list", help="factures à payer par thérapeute et derniers virements").set_defaults(func=run_list)
    create = sub.add_parser("create", help="préparer un virement (fichier SEPA pain.001.001.09 validé)")
    which = create.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="toutes les factures acceptées non payées")
    which.add_argument("--siret", action="append", metavar="SIRET", help="les factures acceptées de ce thérapeute")
    which.add_argument("--invoice", action="append", metavar="SIRET:NUMÉRO", help="une facture (répétable)")
    create.add_argument("--execution-date", metavar="AAAA-MM-JJ", help="date d'exécution (par défaut : demain)")
    create.set_defaults(func=run_create)
    export = sub.add_parser("export", help="écrire le fichier SEPA et les avis de paiement d'un virement")
    export.add_argument("run", metavar="VIREMENT", help="numéro du virement ou son identifiant de message")
    export.add_argument("--xml", type=Path, metavar="FICHIER.xml", help="le fichier SEPA pour la banque")
    export.add_argument("--zip", type=Path, metavar="FICHIER.zip", help="les avis de paiement, en un ZIP")
    export.add_argument("--advices", type=Path, metavar="DOSSIER", help="les avis de paiement, un PDF chacun")
    export.set_defaults(func=run_export)
    execute = sub.add_parser("execute", help="marquer un virement exécuté par la banque (factures payées)")
    execute.add_argument("run", metavar="VIREMENT")
    execute.add_argument("--yes", action="store_true", help="confirmer que la banque a exécuté le virement")
    execute.set_defaults(func=run_execute)
    cancel = sub.add_parser("cancel", help="annuler un virement non exécuté (ses factures redeviennent à payer)")
    cancel.add_argument("run", metavar="VIREMENT")
    cancel.set_defaults(func=run_cancel)


def _session(settings: Settings) -> Any:
    engine = make_engine(settings.database_url, pool_size=1)
    return engine, transaction(session_factory(engine))


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def _find_run(session: Session, key: str) -> PaymentRun:
    condition = PaymentRun.message_id == key
    if key.isdigit() and len(key) < 12:
        condition = or_(condition, PaymentRun.id == int(key))
    run = session.scalar(select(PaymentRun).options(defer(PaymentRun.sepa_xml)).where(condition))
    if run is None:
        raise payments.PaymentError(f"Virement introuvable : {key}.")
    return run


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    engine, block = _session(settings)
    try:
        with block as session:
            dues = payments.payable(session)
            runs = list(session.scalars(select(PaymentRun).options(defer(PaymentRun.sepa_xml))
                                        .order_by(PaymentRun.id.desc()).limit(20)))
    finally:
        engine.dispose()
    for due in dues:
        numbers = ", ".join(d.number for d in due.documents)
        note = f" — {due.account_problem}" if due.account_problem else ""
        print(f"{due.siret}  {due.name} : {payments.format_euros(max(due.net_cents, 0))} ({numbers}){note}")
    if not dues:
        print("Aucune facture acceptée en attente de paiement.")
    for run in runs:
        state = f"exécuté le {run.executed_at.astimezone(UTC):%d/%m/%Y}" if run.executed_at else "à exécuter"
        total = payments.format_euros(run.total_cents)
        print(f"virement {run.id}  {run.message_id}  {run.execution_date:%d/%m/%Y}  {total}  {state}")
    return 0


def _chosen(session: Session, args: argparse.Namespace) -> list[int]:
    if args.all:
        return payments.payable_invoice_ids(session)
    base = select(Document.id).join(Therapist, Therapist.id == Document.therapist_id).where(
        Document.kind == payments.INVOICE, Document.status == DOC_ACCEPTED, Document.payment_run_id.is_(None))
    if args.siret:
        ids = list(session.scalars(base.where(Therapist.siret.in_(args.siret))))
        if not ids:
            raise payments.PaymentError(f"Aucune facture acceptée à payer pour {', '.join(args.siret)}.")
        return ids
    ids = []
    for item in args.invoice:
        siret, _, number = item.partition(":")
        found = session.scalar(select(Document.id).join(Therapist, Therapist.id == Document.therapist_id)
                               .where(Therapist.siret == siret.strip(), Document.number == number.strip()))
        if found is None:
            raise payments.PaymentError(f"Facture introuvable : {item} (attendu SIRET:NUMÉRO).")
        ids.append(found)
    return ids


def run_create(args: argparse.Namespace, settings: Settings) -> int:
    try:
        execution = (date.fromisoformat(args.execution_date) if args.execution_date
                     else payments.next_working_day(datetime.now(UTC).date()))
    except ValueError:
        return _fail(f"Date d'exécution non reconnue : {args.execution_date} (attendu AAAA-MM-JJ).", 2)
    engine, block = _session(settings)
    try:
        with block as session:
            created = payments.create_run(session, settings, _chosen(session, args), execution, None)
            run_id, message_id, total = created.run.id, created.run.message_id, created.run.total_cents
    except payments.PaymentError as error:
        return _fail(str(error))
    finally:
        engine.dispose()
    print(f"Virement {run_id} préparé ({message_id}) : {created.transfer_count} virement"
          f"{'s' if created.transfer_count > 1 else ''}, {payments.format_euros(total)}, "
          f"exécution le {execution:%d/%m/%Y}.")
    for due in created.paid:
        print(f"  {due.siret}  {due.name} : {payments.format_euros(due.net_cents)}")
    for due in created.settled:
        print(f"  {due.siret}  {due.name} : soldé sans virement (factures et avoirs se compensent)")
    for note in created.left_out:
        print(f"  Non payé — {note}")
    print(f"Fichier SEPA : cocon-network payments export {run_id} --xml virement-{message_id}.xml")
    return 0


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    if not (args.xml or args.zip or args.advices):
        return _fail("Rien à écrire : donnez --xml, --zip ou --advices.", 2)
    engine, block = _session(settings)
    try:
        with block as session:
            run = _find_run(session, args.run)
            xml = session.scalar(select(PaymentRun.sepa_xml).where(PaymentRun.id == run.id)) or b""
            advices = remittance_pdf.run_remittances(session, settings, run.id) if args.advices else []
            archive = remittance_pdf.remittance_zip(session, settings, run.id) if args.zip else b""
        if args.xml:
            args.xml.write_bytes(xml)
            print(f"Fichier SEPA écrit : {args.xml}")
        if args.zip:
            args.zip.write_bytes(archive)
            print(f"Avis de paiement écrits : {args.zip}")
        if args.advices:
            args.advices.mkdir(parents=True, exist_ok=True)
            for name, pdf in advices:
                (args.advices / name).write_bytes(pdf)
            print(f"{len(advices)} avis de paiement écrits dans {args.advices}")
    except payments.PaymentError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"Écriture impossible : {error.strerror or error} ({error.filename}).", 2)
    finally:
        engine.dispose()
    return 0


def run_execute(args: argparse.Namespace, settings: Settings) -> int:
    if not args.yes:
        return _fail("Ajoutez --yes pour confirmer que la banque a exécuté ce virement (cela ne se défait pas).")
    engine, block = _session(settings)
    try:
        with block as session:
            executed = payments.execute_run(session, _find_run(session, args.run).id, None)
            message_id = executed.run.message_id
    except payments.PaymentError as error:
        return _fail(str(error))
    finally:
        engine.dispose()
    print(f"Virement {message_id} marqué exécuté : {executed.documents} documents payés, "
          f"{len(executed.batches_paid)} lot{'s' if len(executed.batches_paid) > 1 else ''} entièrement payé"
          f"{'s' if len(executed.batches_paid) > 1 else ''}.")
    return 0


def run_cancel(args: argparse.Namespace, settings: Settings) -> int:
    engine, block = _session(settings)
    try:
        with block as session:
            run = _find_run(session, args.run)
            message_id = run.message_id
            payments.cancel_run(session, run.id, None)
    except payments.PaymentError as error:
        return _fail(str(error))
    finally:
        engine.dispose()
    print(f"Virement {message_id} annulé : ses factures sont de nouveau à payer.")
    return 0
