"""Command line of the reference receiver: serve, and the network operator's later decisions.

    python -m cocon_network [serve] --store DIR [--host H] --port N --token-file F
                           [--tls-cert CERT.pem --tls-key KEY.pem] [--base-path /cocon/v1] [--trust-first-use]
    python -m cocon_network register --store DIR --siret SIRET CERT.pem
    python -m cocon_network unregister --store DIR --siret SIRET FINGERPRINT
    python -m cocon_network list --store DIR
    python -m cocon_network mark-paid --store DIR BATCH_ID [--document NUMBER …]
    python -m cocon_network mark-rejected --store DIR BATCH_ID --reason "…" [--document NUMBER …]
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from cocon_exchange.batch_verify import MAX_TOTAL_SIZE
from cocon_exchange.certificates import display_fingerprint, normalised_fingerprint
from cocon_exchange.protocol import MAX_BATCH_BYTES, STATUS_PAID, STATUS_REJECTED
from cocon_network.receiver import Receiver, describe, dumps, pinned_judge, read_tokens
from cocon_network.registry import SIRET_PATTERN, CertificateRegistry
from cocon_network.store import ReceiverStore

COMMANDS = ("serve", "list", "mark-paid", "mark-rejected", "register", "unregister")


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
    serve.add_argument("--trust-first-use", action="store_true",
                       help="enregistrer le certificat du premier lot accepté d'un SIRET sans certificat enregistré "
                            "(sinon ce lot est refusé) ; les lots suivants de ce SIRET doivent porter ce certificat")
    listing = sub.add_parser("list", help="lister les lots reçus et leur état")
    listing.add_argument("--store", type=Path, required=True)
    paid = sub.add_parser("mark-paid", help="déclarer un lot payé")
    paid.add_argument("--store", type=Path, required=True)
    paid.add_argument("batch_id")
    paid.add_argument("--document", action="append", default=[], metavar="NUMÉRO",
                      help="seulement ce document du lot (répétable) : la facture est payée, le lot reste reçu")
    rejected = sub.add_parser("mark-rejected", help="rejeter un lot après réception, avec un motif")
    rejected.add_argument("--store", type=Path, required=True)
    rejected.add_argument("batch_id")
    rejected.add_argument("--reason", required=True, help="motif du rejet, en français, lu par le cabinet")
    rejected.add_argument("--code", default="rejected_by_network", help="code du motif")
    rejected.add_argument("--document", action="append", default=[], metavar="NUMÉRO",
                          help="seulement ce document du lot (répétable) : le cabinet l'annule par un avoir et émet "
                               "une facture corrigée ; les autres documents du lot restent reçus")
    register = sub.add_parser("register", help="enregistrer le certificat de signature d'un cabinet pour son SIRET")
    register.add_argument("--store", type=Path, required=True)
    register.add_argument("--siret", required=True, help="le SIRET du cabinet (14 chiffres)")
    register.add_argument("certificate", type=Path, metavar="CERTIFICAT.pem|LOT.zip",
                          help="le certificat remis par le cabinet (PEM), ou un lot valide du cabinet reçu par un "
                               "canal sûr (son signataire) ; comparez l'empreinte affichée à celle que le cabinet lit "
                               "dans « cocon signing show »")
    unregister = sub.add_parser("unregister", help="retirer un certificat enregistré pour un SIRET")
    unregister.add_argument("--store", type=Path, required=True)
    unregister.add_argument("--siret", required=True)
    unregister.add_argument("fingerprint", help="l'empreinte SHA-256 du certificat (64 chiffres hexadécimaux)")
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
                        tls_key=args.tls_key, base_path=args.base_path, max_bytes=args.max_bytes,
                        trust_first_use=args.trust_first_use)
    server = receiver.bind()
    print(f"Récepteur COCON à l'écoute sur {receiver.url} (lots dans {args.store}).", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _store(folder: Path) -> ReceiverStore:
    return ReceiverStore(folder, pinned_judge(CertificateRegistry(folder)))


def _register(args: argparse.Namespace) -> int:
    registry = CertificateRegistry(args.store)
    siret = "".join(args.siret.split())
    if not SIRET_PATTERN.fullmatch(siret):
        print(f"SIRET invalide : {args.siret!r} (14 chiffres attendus).", file=sys.stderr)
        return 2
    if args.command == "unregister":
        fingerprint = normalised_fingerprint(args.fingerprint)
        if fingerprint is None or not registry.unregister(siret, fingerprint):
            print(f"Aucun certificat d'empreinte {args.fingerprint} n'est enregistré pour le SIRET {siret}.",
                  file=sys.stderr)
            return 1
        print(f"Certificat {display_fingerprint(fingerprint)} retiré du SIRET {siret}.")
        return 0
    try:
        if not args.certificate.is_file() or args.certificate.stat().st_size > MAX_TOTAL_SIZE:
            raise OSError(f"{args.certificate} n'est pas un fichier de certificat ni de lot")
        entry = registry.register(siret, _certificate_of(args.certificate.read_bytes(), siret))
    except OSError as exc:
        print(f"Certificat illisible : {args.certificate} ({exc.strerror or exc}).", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"Aucun certificat utilisable dans {args.certificate} ({exc}).", file=sys.stderr)
        return 2
    assert entry is not None
    print(f"Certificat enregistré pour le SIRET {siret} : {entry.subject}, SHA-256 "
          f"{display_fingerprint(entry.fingerprint)}.")
    return 0


def _certificate_of(data: bytes, siret: str) -> bytes:
    """A PEM certificate as it is; for a batch (ZIP), the certificate of its signer, when the batch is valid and
    is the practice's (its SIRET). ValueError otherwise, with the reason."""
    if not data.startswith(b"PK"):
        return data
    from cocon_exchange.batch_verify import verify_batch

    check = verify_batch(data)
    if not check.ok or check.manifest is None or not check.signer_pem:
        fault = check.first_fault
        raise ValueError(f"lot invalide : {fault.message if fault else 'sans signataire'}")
    if str(check.manifest["practice"].get("siret", "")) != siret:
        raise ValueError(f"le lot est celui du SIRET {check.manifest['practice'].get('siret', '')}, pas {siret}")
    return check.signer_pem


def _decide(args: argparse.Namespace) -> int:
    store = _store(args.store)
    try:
        if args.document:  # decisions on single documents (issue 21)
            status = STATUS_PAID if args.command == "mark-paid" else STATUS_REJECTED
            receipt = store.set_document_status(args.batch_id, args.document, status,
                                                "" if args.command == "mark-paid" else args.reason)
        elif args.command == "mark-paid":
            receipt = store.set_status(args.batch_id, STATUS_PAID)
        else:
            receipt = store.set_status(args.batch_id, STATUS_REJECTED, args.reason, args.code)
    except KeyError:
        print(f"Le lot {args.batch_id} n'a pas été reçu.", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Le lot {args.batch_id} ne contient pas : {exc}.", file=sys.stderr)
        return 1
    print(dumps(receipt.to_json()))
    return 0


def _list(args: argparse.Namespace) -> int:
    store = _store(args.store)
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
    if args.command in ("register", "unregister"):
        return _register(args)
    return _decide(args)


if __name__ == "__main__":
    sys.exit(main())
