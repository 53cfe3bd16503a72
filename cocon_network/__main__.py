"""Command line of the reference receiver: serve, and the network operator's later decisions.

    python -m cocon_network [serve] --store DIR [--host H] --port N --token-file F
                           [--tls-cert CERT.pem --tls-key KEY.pem] [--base-path /cocon/v1]
    python -m cocon_network list --store DIR
    python -m cocon_network mark-paid --store DIR BATCH_ID
    python -m cocon_network mark-rejected --store DIR BATCH_ID --reason "…"
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from cocon_exchange.protocol import MAX_BATCH_BYTES, STATUS_PAID, STATUS_REJECTED
from cocon_network.receiver import Receiver, describe, dumps, read_tokens, verify_judge
from cocon_network.store import ReceiverStore

COMMANDS = ("serve", "list", "mark-paid", "mark-rejected")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cocon_network",
        description="Récepteur de référence des lots COCON (protocole de synchronisation).")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    serve = sub.add_parser("serve", help="recevoir les lots (par défaut)")
    serve.add_argument("--store", type=Path, required=True, help="dossier où les lots et reçus sont gardés")
    serve.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (127.0.0.1 par défaut)")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--token-file", type=Path, required=True,
                       help="jetons d'accès acceptés, un par ligne (# pour un commentaire)")
    serve.add_argument("--tls-cert", type=Path, help="certificat du serveur (PEM, chaîne comprise)")
    serve.add_argument("--tls-key", type=Path, help="clé privée du serveur (PEM)")
    serve.add_argument("--base-path", default="", help="préfixe des adresses, par exemple /cocon/v1")
    serve.add_argument("--max-bytes", type=int, default=MAX_BATCH_BYTES, help="taille maximale d'un lot")
    listing = sub.add_parser("list", help="lister les lots reçus et leur état")
    listing.add_argument("--store", type=Path, required=True)
    paid = sub.add_parser("mark-paid", help="déclarer un lot payé")
    paid.add_argument("--store", type=Path, required=True)
    paid.add_argument("batch_id")
    rejected = sub.add_parser("mark-rejected", help="rejeter un lot après réception, avec un motif")
    rejected.add_argument("--store", type=Path, required=True)
    rejected.add_argument("batch_id")
    rejected.add_argument("--reason", required=True, help="motif du rejet, en français, lu par le cabinet")
    rejected.add_argument("--code", default="rejected_by_network", help="code du motif")
    return parser


def _serve(args: argparse.Namespace) -> int:
    if bool(args.tls_cert) != bool(args.tls_key):
        print("--tls-cert et --tls-key vont ensemble.", file=sys.stderr)
        return 2
    tokens = read_tokens(args.token_file)
    if not tokens:
        print(f"Aucun jeton d'accès dans {args.token_file}.", file=sys.stderr)
        return 2
    receiver = Receiver(args.store, tokens, host=args.host, port=args.port, tls_cert=args.tls_cert,
                        tls_key=args.tls_key, base_path=args.base_path, max_bytes=args.max_bytes)
    server = receiver.bind()
    print(f"Récepteur COCON à l'écoute sur {receiver.url} (lots dans {args.store}).", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _decide(args: argparse.Namespace) -> int:
    store = ReceiverStore(args.store, verify_judge)
    try:
        if args.command == "mark-paid":
            receipt = store.set_status(args.batch_id, STATUS_PAID)
        else:
            receipt = store.set_status(args.batch_id, STATUS_REJECTED, args.reason, args.code)
    except (KeyError, ValueError):
        print(f"Le lot {args.batch_id} n'a pas été reçu.", file=sys.stderr)
        return 1
    print(dumps(receipt.to_json()))
    return 0


def _list(args: argparse.Namespace) -> int:
    store = ReceiverStore(args.store, verify_judge)
    found = [store.get(batch_id) for batch_id in store.batch_ids()]
    print(dumps([describe(stored) for stored in found if stored is not None]))
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in (*COMMANDS, "-h", "--help"):
        arguments.insert(0, "serve")
    args = build_parser().parse_args(arguments)
    if args.command == "serve":
        return _serve(args)
    if args.command == "list":
        return _list(args)
    return _decide(args)


if __name__ == "__main__":
    sys.exit(main())
