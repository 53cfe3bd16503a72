"""`cocon signing show`, `signing import-p12`, `signing use-token`: the practice's signing identity."""

from __future__ import annotations

import argparse
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import Input, add_command, next_secret, open_practice, read_input
from cocon_desktop.services import signing_identities
from cocon_desktop.services.signing_identities import Identity

SOURCES = {
    "self_signed": "certificat auto-signé créé par COCON Desktop (clé dans la base chiffrée)",
    "pkcs12": "certificat importé d'un fichier PKCS#12 (clé dans la base chiffrée)",
    "pkcs11": "carte ou jeton PKCS#11 (la clé reste sur le jeton ; code PIN demandé à chaque signature)",
}
STDIN_ORDER = ("Avec --passphrase-stdin, l'entrée standard donne une ligne par secret, dans cet ordre : "
               "la phrase de passe du cabinet, puis {what}.")
PIN_HELP = "lire le code PIN sur l'entrée standard (après la phrase de passe si --passphrase-stdin)"
MODULE_BYTES = 256 * 1024 * 1024
PIN_PROMPT = "Code PIN de la carte ou du jeton : "


def _print_identity(identity: Identity) -> None:
    info = signing_identities.certificate_facts(identity)
    print(f"Source      : {SOURCES.get(identity.source, identity.source)}")
    print(f"Titulaire   : {info.common_name}")
    if info.organization:
        print(f"Organisation: {info.organization}")
    if info.siret:
        print(f"SIRET       : {info.siret}")
    print(f"Valide du   : {messages.french_date(info.not_before.date())} au "
          f"{messages.french_date(info.not_after.date())}")
    issuer = "le cabinet lui-même (auto-signé)" if info.self_signed else "une autorité de certification"
    print(f"Émetteur    : {issuer}")
    print(f"Empreinte   : SHA-256 {info.sha256_fingerprint}")
    if identity.token is not None:
        print(f"Module      : {identity.token.module_path}")
        print(f"Jeton       : {identity.token.token_label}")
        print(f"Clé         : {identity.token.key_label}")


def cmd_show(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        identity = practice.read(signing_identities.active_identity)
    _print_identity(identity)
    return 0


def cmd_import_p12(args: argparse.Namespace, secrets: Input) -> int:
    path: Path = args.file
    data = read_input(path)
    with open_practice(args, secrets) as practice:
        password = next_secret(secrets, args.p12_password_stdin, "Mot de passe du fichier de certificat : ")
        identity = practice.write(signing_identities.import_identity, data, password).value
    print(f"Certificat importé : les prochaines factures seront signées par « {identity.label} ».")
    print("Le fichier n'est pas conservé ; les documents déjà émis gardent leur signature.")
    return 0


def cmd_use_token(args: argparse.Namespace, secrets: Input) -> int:
    arguments.input_file(Path(args.module), MODULE_BYTES)  # a library, never a device or a pipe to load
    with open_practice(args, secrets) as practice:
        pin = next_secret(secrets, args.pin_stdin, PIN_PROMPT)
        identity = practice.write(signing_identities.use_token, args.module, args.token, args.key, pin).value
    print(f"Jeton enregistré : les prochaines factures seront signées par « {identity.label} » "
          f"(jeton {args.token}, clé {args.key}).")
    print("Le code PIN n'est pas enregistré : il sera demandé à chaque émission (--pin-stdin).")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("signing", help="le certificat qui signe les factures",
                           description="Le certificat qui signe les factures : auto-signé, fichier PKCS#12 ou "
                                       "carte/jeton PKCS#11 (carte CPS).")
    inner = group.add_subparsers(dest="signing_command", required=True, metavar="ACTION")
    add_command(inner, "show", "le certificat actif : source, titulaire, validité", cmd_show)
    p12 = add_command(inner, "import-p12", "signer désormais avec le certificat d'un fichier .p12 / .pfx",
                      cmd_import_p12)
    p12.description = (f"{p12.description}. " + STDIN_ORDER.format(what="le mot de passe du fichier .p12"))
    p12.add_argument("file", type=Path, metavar="FICHIER.p12")
    p12.add_argument("--p12-password-stdin", action="store_true",
                     help="lire le mot de passe du fichier sur l'entrée standard (après la phrase de passe "
                          "si --passphrase-stdin)")
    token = add_command(inner, "use-token", "signer désormais avec la clé d'une carte ou d'un jeton PKCS#11",
                        cmd_use_token)
    token.description = (f"{token.description}. Le certificat est lu sur le jeton (même libellé que la clé) ; "
                         "le code PIN n'est jamais enregistré. " + STDIN_ORDER.format(what="le code PIN"))
    token.add_argument("--module", required=True, metavar="BIBLIOTHEQUE.so",
                       help="le module PKCS#11, par exemple /usr/lib/softhsm/libsofthsm2.so")
    token.add_argument("--token", required=True, metavar="LIBELLE", help="le libellé du jeton (de la carte)")
    token.add_argument("--key", required=True, metavar="LIBELLE", help="le libellé de la clé et du certificat")
    token.add_argument("--pin-stdin", action="store_true", help=PIN_HELP)
