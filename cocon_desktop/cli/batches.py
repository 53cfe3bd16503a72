"""`cocon export-batch`, `verify-batch`, `batch list`, `network endpoint`: batches for the networks, and for the
payers of other pathways (`--network PCO1`: their batches are exported only, issue 22)."""

from __future__ import annotations

import argparse
import os
import select
import stat
import sys
from datetime import datetime
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.payer_codes import PAYER_CODES
from cocon_desktop.cli.support import INPUT_BYTES, Input, add_command, next_secret, now_of, open_practice
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import CoconError
from cocon_desktop.services import batch_payers, batch_signing, batches, network_endpoints
from cocon_desktop.services.batches import BatchSummary
from cocon_exchange.batch_verify import MAX_TOTAL_SIZE, BatchCheck, verify_batch
from cocon_exchange.certificates import certificate_fingerprint, display_fingerprint, normalised_fingerprint
from cocon_exchange.pathway_labels import DEFAULT_PATHWAY, pathway_label
from cocon_exchange.protocol import remote_text

EXIT_INVALID = 1  # the batch has a fault, or is signed by another certificate than --expect-cert's
EXIT_UNUSABLE = 2  # the file or --expect-cert cannot be used: nothing was checked
PIPE_WAIT_SECONDS = 30.0  # `verify-batch <(curl …)`: how long a pipe may stay without a writer
PIN_HELP = ("carte ou jeton PKCS#11 : lire le code PIN sur l'entrée standard (la ligne après la phrase de passe "
            "si --passphrase-stdin) ; sans cette option il est demandé au terminal")


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M") if moment else ""


def _documents(count: int) -> str:
    return messages.counted(count, "document", "documents")


def _describe(batch: BatchSummary) -> str:
    period = f"{messages.french_date(batch.period_start)} – {messages.french_date(batch.period_end)}"
    line = (f"{_when(batch.created_at)}  {batch.network:<4}  {batch.file_name}  {_documents(batch.documents)}  "
            f"{messages.euros(batch.total)}  {period}  {batch.state_label}")
    if batch.receipt_id:
        line += f", accusé {batch.receipt_id} du {_when(batch.received_at)}"
    if batch.state == "rejete":  # the network's words: bounded, no terminal escapes (stored by an older version?)
        line += f", motif : {remote_text(batch.reason)}"
    if batch.exported_at:
        line += f", exporté le {_when(batch.exported_at)}"
    if batch.attempts and batch.last_error and batch.state in batches.OPEN_STATES:
        tries = messages.counted(batch.attempts, "tentative", "tentatives")
        line += f", {tries}, dernière erreur : {remote_text(batch.last_error)}"
    return line


def cmd_export_batch(args: argparse.Namespace, secrets: Input) -> int:
    out: Path = arguments.output_folder(args.out)  # before a batch is closed
    with open_practice(args, secrets) as practice:
        now = now_of(args)
        if practice.read(batches.pending_documents, args.network):
            pin = (next_secret(secrets, args.pin_stdin, "Code PIN de la carte ou du jeton : ")
                   if practice.read(batch_signing.uses_token) else None)
            batch = practice.write(batches.close_batch, args.network, now, pin).value
            print(f"Lot fermé : {_documents(batch.documents)}, total {messages.euros(batch.total)}, du "
                  f"{messages.french_date(batch.period_start)} au {messages.french_date(batch.period_end)}.")
        else:
            found = practice.read(batches.last_unreceived, args.network)
            if found is None:
                raise CoconError("batch_nothing_to_export", network=args.network)
            batch = found
            print(f"Aucun nouveau document : le dernier lot sans accusé de réception ({_documents(batch.documents)}, "
                  f"{messages.euros(batch.total)}) est exporté de nouveau.")
        path = practice.write(batches.export_batch, batch.id, out, now).value
    if batch.export_only:  # a PCO: no server, the file is handed over as the platform asks
        print(f"Écrit dans {path}. Lot exporté : à remettre à la plateforme {batch.network} (comme le prévoit la "
              "convention : dépôt, messagerie sécurisée).")
    else:
        print(f"Écrit dans {path}. Lot exporté : à remettre au réseau (son portail, un dépôt).")
    return 0


def read_batch_file(path: Path) -> bytes:
    """The bytes of a batch file, its size checked before anything is read (issue 19, #6: `/dev/zero` was read
    whole): a folder or a device is refused, a regular file larger than a batch may be is refused from its size,
    a pipe is read up to that size and no further."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise CoconError("file_missing", path=str(path)) from None
    except IsADirectoryError:
        raise CoconError("batch_file_not_regular", path=str(path)) from None
    mode = os.fstat(fd)
    if not (stat.S_ISREG(mode.st_mode) or stat.S_ISFIFO(mode.st_mode)):  # a folder, /dev/zero, a socket
        os.close(fd)
        raise CoconError("batch_file_not_regular", path=str(path))
    with os.fdopen(fd, "rb") as stream:
        if mode.st_size > MAX_TOTAL_SIZE:
            raise CoconError("batch_file_too_large", path=str(path), limit="500 Mo")
        if stat.S_ISFIFO(mode.st_mode):  # opened without waiting for a writer: wait for its first bytes (or end)
            if not select.select([stream], [], [], PIPE_WAIT_SECONDS)[0]:
                raise CoconError("batch_file_not_regular", path=str(path))
            os.set_blocking(stream.fileno(), True)
        data = stream.read(MAX_TOTAL_SIZE + 1)
    if len(data) > MAX_TOTAL_SIZE:
        raise CoconError("batch_file_too_large", path=str(path), limit="500 Mo")
    return data


def expected_fingerprint(value: str) -> str:
    """--expect-cert: a SHA-256 fingerprint (« AB:CD:… » or 64 hexadecimal digits), or a PEM certificate file."""
    fingerprint = normalised_fingerprint(value)
    if fingerprint is not None:
        return fingerprint
    try:
        if not stat.S_ISREG(os.stat(value).st_mode):  # before open(): opening a pipe waits for a writer (fuzz, #6)
            raise OSError
        with open(value, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise OSError
            return certificate_fingerprint(stream.read(1024 * 1024))
    except (OSError, ValueError):
        raise CoconError("expect_cert_invalid", value=value) from None


def _signer_lines(check: BatchCheck) -> list[str]:
    if not check.signer_pem:
        return []
    return [f"Signataire : {remote_text(check.signer_subject, 1000)}",
            f"Empreinte SHA-256 du certificat : {display_fingerprint(check.signer_fingerprint)}"]


def cmd_verify_batch(args: argparse.Namespace, secrets: Input) -> int:
    path: Path = args.file
    try:
        expected = expected_fingerprint(args.expect_cert) if args.expect_cert else None
        data = read_batch_file(path)
    except CoconError as exc:
        print(messages.describe(exc), file=sys.stderr)
        return EXIT_UNUSABLE
    check = verify_batch(data)
    fault = check.first_fault
    if fault is not None:
        print(fault.message, file=sys.stderr)
        return EXIT_INVALID
    for line in _signer_lines(check):
        print(line)
    if expected is not None and check.signer_fingerprint != expected:
        print(messages.text("batch_signer_mismatch", {
            "fingerprint": display_fingerprint(check.signer_fingerprint),
            "subject": remote_text(check.signer_subject, 1000), "expected": display_fingerprint(expected)}),
            file=sys.stderr)
        return EXIT_INVALID
    pathway = f", parcours {pathway_label(check.pathway)}" if check.pathway != DEFAULT_PATHWAY else ""
    print(f"Lot valide : {check.documents} documents, total {messages.euros(check.total)}{pathway}"
          + (" ; signé par le certificat attendu." if expected is not None else ""))
    return 0


def cmd_batch_list(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        rows = practice.read(batches.list_batches, args.network or "")
        networks = [args.network] if args.network else sorted(NETWORKS)
        if not args.network:  # then the payers of the other pathways (PCO1…, BASE), disabled ones too
            networks += practice.read(batch_payers.configured_payers)
        pending = {code: len(practice.read(batches.pending_documents, code)) for code in networks}
    for row in rows:
        print(_describe(row))
    print(f"{messages.counted(len(rows), 'lot', 'lots')}.")
    for code, count in pending.items():
        if count:
            whose = f"du réseau {code}" if code in NETWORKS else f"de la plateforme {code}"
            print(f"{_documents(count)} {whose} en attente de mise en lot (`cocon export-batch "
                  f"--network {code}`).")
    return 0


def _server_ca(args: argparse.Namespace) -> str | None:
    """The PEM text of --server-ca, "" for --no-server-ca, None to keep the stored certificate."""
    if args.no_server_ca:
        return ""
    if args.server_ca is None:
        return None
    try:
        data = arguments.read_file(args.server_ca, INPUT_BYTES)  # /dev/zero, a pipe: refused before reading
    except OSError as exc:
        raise CoconError("server_ca_invalid", detail=f"{args.server_ca} : {exc.strerror or exc}") from None
    return network_endpoints.checked_server_ca(data)


def cmd_network_endpoint(args: argparse.Namespace, secrets: Input) -> int:
    if args.url.strip():
        network_endpoints.checked_url(args.url)  # before asking anything
    server_ca = _server_ca(args)
    with open_practice(args, secrets) as practice:
        token = next_secret(secrets, True, "Jeton d'accès : ") if args.token_stdin else None
        practice.write(network_endpoints.set_endpoint, args.network, args.url, token, server_ca)
        stored = practice.read(network_endpoints.endpoint, args.network)
    if stored is None:
        print(f"Réception du réseau {args.network} supprimée : ses lots seront exportés à la main.")
        return 0
    kept = "enregistré" if token is not None else ("inchangé" if stored.token else "aucun")
    print(f"Réception du réseau {args.network} : {stored.url} (jeton d'accès : {kept}).")
    if stored.server_ca:
        print(f"Certificat du serveur : {network_endpoints.describe_server_ca(stored.server_ca)}.")
    elif server_ca is not None:
        print("Certificat du serveur : aucun (autorités du système).")
    return 0


def _network_actions(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """The actions of `cocon network` (invoices.py declares the group and `network address`)."""
    group: argparse.ArgumentParser | None = sub.choices.get("network")
    if group is None:
        group = sub.add_parser("network", help="les réseaux", description="Les réseaux de périnatalité.")
        group.add_subparsers(dest="network_command", required=True, metavar="ACTION")
    for action in group._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise AssertionError("`cocon network` has no actions")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = add_command(sub, "export-batch", "fermer un lot de ce qui attend pour un réseau et l'écrire dans un "
                         "dossier (ou réécrire le dernier lot sans accusé de réception)", cmd_export_batch)
    export.add_argument("--network", required=True, choices=PAYER_CODES)
    export.add_argument("--out", type=Path, required=True, metavar="DOSSIER",
                        help="le dossier (une clé USB, un dossier partagé…) où écrire le fichier du lot")
    export.add_argument("--pin-stdin", action="store_true", help=PIN_HELP)
    check = add_command(sub, "verify-batch", "vérifier un fichier de lot : empreintes, signatures, totaux "
                        "(sans cabinet ni phrase de passe)", cmd_verify_batch)
    check.add_argument("file", type=Path, metavar="FICHIER.zip")
    check.add_argument("--expect-cert", metavar="FICHIER.pem|EMPREINTE",
                       help="le certificat attendu du cabinet signataire (fichier PEM, ou son empreinte SHA-256) : "
                            "un lot signé par un autre certificat, même au même SIRET, est refusé (code 1)")
    group = sub.add_parser("batch", help="les lots envoyés aux réseaux", description="Les lots envoyés aux réseaux.")
    inner = group.add_subparsers(dest="batch_command", required=True, metavar="ACTION")
    listing = add_command(inner, "list", "les lots, du plus récent au plus ancien, et leur état", cmd_batch_list)
    listing.add_argument("--network", choices=PAYER_CODES)
    endpoint = add_command(_network_actions(sub), "endpoint", "l'adresse de réception des lots du réseau et son "
                           "jeton d'accès", cmd_network_endpoint)
    endpoint.add_argument("--network", required=True, choices=sorted(NETWORKS))
    endpoint.add_argument("--url", required=True, metavar="URL",
                          help="https://… (vide pour supprimer) ; http:// seulement vers cet ordinateur")
    endpoint.add_argument("--token-stdin", action="store_true",
                          help="lire le jeton d'accès sur l'entrée standard (la ligne après la phrase de passe si "
                               "--passphrase-stdin) ; sans cette option le jeton enregistré est gardé")
    ca = endpoint.add_mutually_exclusive_group()
    ca.add_argument("--server-ca", type=Path, metavar="FICHIER.pem",
                    help="le certificat (PEM) du serveur du réseau, quand le système ne lui fait pas confiance "
                         "(certificat auto-signé) ; sans cette option le certificat enregistré est gardé")
    ca.add_argument("--no-server-ca", action="store_true",
                    help="retirer le certificat enregistré : les autorités du système valident le serveur")
