"""`cocon sync`: send the batches waiting in the outbox to their network, then ask about those it received.

Exit status: 0 when nothing failed, 2 when some batch waits for another attempt (offline, server error, no
address configured, token refused), 1 when the network rejected a batch (or on an error). When a network holds a
document number the database does not have (an older copy of the database was put back), a sentence on standard
error says so (issue 19, #1)."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import datetime
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import INPUT_BYTES, Input, add_command, open_practice
from cocon_desktop.services.sync_run import WAITING, BatchOutcome, SyncReport, sync_now

EXIT_REJECTED = 1
EXIT_WAITING = 2
MAX_TIMEOUT = 3600  # seconds


def _local_time(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{messages.french_date(local.date())} à {local:%H:%M:%S}"


def outcome_line(outcome: BatchOutcome) -> str:
    head = f"Lot {outcome.batch_id} ({outcome.network})"
    if outcome.state == "recu" and outcome.message:  # the network's decisions on single invoices (issue 21)
        return f"{head} : reçu par le réseau — {outcome.message}"
    if outcome.state == "recu":
        return f"{head} : reçu par le réseau, accusé de réception {outcome.receipt_id}."
    if outcome.state == "paye":
        return f"{head} : payé, selon le réseau (accusé {outcome.receipt_id})."
    if outcome.state == "rejete":
        return f"{head} : rejeté par le réseau — {outcome.message}"
    later = f" Prochain essai automatique le {_local_time(outcome.next_attempt_at)}." \
        if outcome.next_attempt_at is not None else ""
    return f"{head} : en attente — {outcome.message}{later}"


def summary_line(report: SyncReport) -> str:
    if not report.outcomes and not report.waiting:
        return "Rien à envoyer : aucun lot n'attend dans la file d'envoi."
    count = messages.counted
    parts = [count(report.received, "reçu", "reçus"), count(report.rejected, "rejeté", "rejetés"),
             f"{report.failed} en échec"]
    if report.paid:
        parts.append(count(report.paid, "payé", "payés"))
    text = ("Synchronisation : " + ", ".join(parts)
            + f" ; {count(report.waiting, 'lot encore', 'lots encore')} en attente d'envoi.")
    for code, number in (("sync_documents_refused", report.refused_documents),
                         ("sync_documents_paid", report.paid_documents)):
        if number:  # the networks' decisions on single invoices (issue 21)
            text += " " + messages.text(code, {"count": number})
    return text + (" Interrompue avant la fin." if report.cancelled else "")


def exit_status(report: SyncReport) -> int:
    if report.rejected:
        return EXIT_REJECTED
    if report.failed or any(o.state == WAITING for o in report.outcomes):
        return EXIT_WAITING
    return 0


def cmd_sync(args: argparse.Namespace, secrets: Input) -> int:
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= MAX_TIMEOUT):  # -1, NaN: ValueError in socket
        raise arguments.bad("timeout", "number_out_of_range", value=str(args.timeout)[:30], min=0, max=MAX_TIMEOUT)
    if args.ca_file:  # a pipe given as the CA file made the TLS library wait for a writer (fuzz, issue 19 #6)
        arguments.input_file(args.ca_file, INPUT_BYTES)
    with open_practice(args, secrets) as practice:
        verify: bool | str = str(args.ca_file) if args.ca_file else True
        report = practice.write(sync_now, verify=verify, timeout=args.timeout, force=not args.due_only,
                                check_status=not args.no_status).value
    for outcome in report.outcomes:
        print(outcome_line(outcome))
    print(summary_line(report))
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    return exit_status(report)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    child = add_command(sub, "sync", "envoyer au réseau les lots en attente et relever leur état", cmd_sync)
    child.description = (
        "Envoie au réseau chaque lot de la file d'envoi (même envoi répété : le réseau renvoie le premier accusé "
        "de réception), puis demande au réseau l'état des lots reçus (payé, rejeté). Code de sortie : 0 si tout "
        "est parti, 2 si un lot attend un nouvel essai, 1 si le réseau a rejeté un lot.")
    child.add_argument("--due-only", action="store_true",
                       help="n'envoyer que les lots dont le prochain essai est échu (pour un envoi planifié)")
    child.add_argument("--ca-file", type=Path, metavar="CERTIFICAT.pem",
                       help="certificat (ou autorité) du serveur du réseau, s'il n'est pas reconnu par le système")
    child.add_argument("--timeout", type=float, default=30.0, metavar="SECONDES",
                       help="délai d'attente de la réponse du réseau (30 s par défaut)")
    child.add_argument("--no-status", action="store_true", help="ne pas demander l'état des lots déjà reçus")
