"""`cocon-network therapist|certificate|token|user …`: the conventions and console users from the command line
(conventions.py does the work; these functions parse, print in French, and give the exit code).

    register(subparsers, parent)   adds the four commands; each handler is args.func(args, settings) -> int
Exit codes: 0 done, 2 refused (a French message naming the field on the standard error)."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cocon_exchange.certificates import display_fingerprint
from cocon_network.server.config import Settings
from cocon_network.server.conventions import (
    ConventionError,
    add_certificate,
    find_therapist,
    issue_token,
    list_therapists,
    list_tokens,
    register_therapist,
    revoke_certificate,
    revoke_token,
)
from cocon_network.server.db import make_engine, session_factory, transaction
from cocon_network.server.models import ROLES, ConsoleUser, TherapistCertificate


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date « {text} » illisible : AAAA-MM-JJ attendu") from None


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    therapist = subparsers.add_parser("therapist", help="thérapeutes conventionnés")
    actions = therapist.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[parent], help="conventionner un thérapeute")
    add.add_argument("--name", required=True, help="nom et prénom (ou raison sociale)")
    add.add_argument("--discipline", required=True, help="code de la discipline : psychomotricite, orthophonie…")
    add.add_argument("--siret", required=True, help="SIRET du cabinet (14 chiffres)")
    add.add_argument("--iban", required=True, help="IBAN du compte où le réseau vire les paiements")
    add.add_argument("--bic", default="", help="BIC de la banque")
    add.add_argument("--rpps", default="", help="numéro RPPS (11 chiffres)")
    add.add_argument("--departement", default="", help="département d'exercice (13, 2A, 974…)")
    add.add_argument("--convention-start", type=_day, required=True, help="début de la convention (AAAA-MM-JJ)")
    add.add_argument("--convention-end", type=_day, help="fin de la convention (AAAA-MM-JJ)")
    add.set_defaults(func=therapist_add)
    listing = actions.add_parser("list", parents=[parent], help="lister les thérapeutes, certificats et jetons")
    listing.set_defaults(func=therapist_list)

    certificate = subparsers.add_parser("certificate", help="certificats de signature des cabinets")
    actions = certificate.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[parent], help="enregistrer le certificat de signature d'un thérapeute")
    add.add_argument("therapist", help="SIRET ou numéro du thérapeute")
    add.add_argument("file", type=Path, metavar="CERTIFICAT.pem|.der|LOT.zip",
                     help="le certificat remis par le cabinet, ou un lot du cabinet reçu par un canal sûr ; "
                          "comparez l'empreinte affichée à celle que le cabinet lit dans « cocon signing show »")
    add.set_defaults(func=certificate_add)
    revoke = actions.add_parser("revoke", parents=[parent], help="révoquer un certificat enregistré")
    revoke.add_argument("therapist", help="SIRET ou numéro du thérapeute")
    revoke.add_argument("fingerprint", help="empreinte SHA-256 (entière, ou ses 8 premiers chiffres au moins)")
    revoke.set_defaults(func=certificate_revoke)

    token = subparsers.add_parser("token", help="jetons d'accès des cabinets (protocole de synchronisation)")
    actions = token.add_subparsers(dest="action", required=True, metavar="ACTION")
    issue = actions.add_parser("issue", parents=[parent], help="émettre un jeton (affiché une seule fois)")
    issue.add_argument("therapist", help="SIRET ou numéro du thérapeute")
    issue.set_defaults(func=token_issue)
    revoke = actions.add_parser("revoke", parents=[parent], help="révoquer un jeton")
    revoke.add_argument("token_id", type=int, help="numéro du jeton (therapist list)")
    revoke.set_defaults(func=token_revoke)

    user = subparsers.add_parser("user", help="utilisateurs de la console")
    actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[parent], help="créer un utilisateur de la console",
                             description="Le mot de passe est lu sur l'entrée standard (une ligne) ou demandé deux "
                                         "fois ; il n'est jamais passé en argument.")
    add.add_argument("--login", required=True, help="identifiant de connexion")
    add.add_argument("--role", required=True, choices=ROLES, help="rôle : " + ", ".join(ROLES))
    add.add_argument("--name", default="", help="nom affiché")
    add.set_defaults(func=user_add)
    reset = actions.add_parser("password", parents=[parent], help="donner un nouveau mot de passe (oublié)",
                               description="Le nouveau mot de passe est lu sur l'entrée standard (une ligne) ou "
                                           "demandé deux fois ; les sessions de l'utilisateur sont fermées.")
    reset.add_argument("--login", required=True, help="identifiant de connexion")
    reset.add_argument("--remove-totp", action="store_true",
                       help="retirer aussi la double authentification (téléphone perdu)")
    reset.set_defaults(func=user_password)


def _sessions(settings: Settings) -> Any:
    return session_factory(make_engine(settings.database_url))


def _refused(error: ConventionError) -> int:
    print(f"Refusé ({error.field}) : {error.message}", file=sys.stderr)
    return 2


def therapist_add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with transaction(_sessions(settings)) as session:
            therapist = register_therapist(
                session, name=args.name, discipline=args.discipline, siret=args.siret, iban=args.iban,
                bic=args.bic, rpps=args.rpps, departement=args.departement,
                convention_start=args.convention_start, convention_end=args.convention_end)
            print(f"Thérapeute n° {therapist.id} conventionné : {therapist.name}, SIRET {therapist.siret}.")
    except ConventionError as error:
        return _refused(error)
    print("Enregistrez maintenant son certificat de signature (certificate add), puis émettez son jeton "
          "(token issue).")
    return 0


def therapist_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    with transaction(_sessions(settings)) as session:
        therapists = list_therapists(session)
        if not therapists:
            print("Aucun thérapeute conventionné.")
        for therapist in therapists:
            end = f" au {therapist.convention_end:%d/%m/%Y}" if therapist.convention_end else ""
            print(f"n° {therapist.id}  {therapist.name}  {therapist.discipline}  SIRET {therapist.siret}  "
                  f"IBAN {therapist.iban}  convention du {therapist.convention_start:%d/%m/%Y}{end}")
            for cert in session.scalars(select(TherapistCertificate)
                                        .where(TherapistCertificate.therapist_id == therapist.id)):
                state = "révoqué" if cert.revoked_at else "actif"
                print(f"    certificat {display_fingerprint(cert.fingerprint)} ({state}) {cert.subject}")
            for token in list_tokens(session, therapist.id):
                state = "révoqué" if token.revoked_at else "actif"
                print(f"    jeton n° {token.id}  {token.hint}…  ({state}, émis le {token.created_at:%d/%m/%Y})")
    return 0


def certificate_add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"Impossible de lire {args.file} : {error.strerror or error}.", file=sys.stderr)
        return 2
    try:
        with transaction(_sessions(settings)) as session:
            therapist = find_therapist(session, args.therapist)
            row = add_certificate(session, therapist.id, data)
            print(f"Certificat enregistré pour {therapist.name} (SIRET {therapist.siret}) :")
            print(f"  empreinte SHA-256 {display_fingerprint(row.fingerprint)}")
            print(f"  sujet {row.subject}")
    except ConventionError as error:
        return _refused(error)
    print("Vérifiez cette empreinte avec le cabinet (par téléphone) : elle doit être celle de « cocon signing "
          "show ».")
    return 0


def certificate_revoke(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with transaction(_sessions(settings)) as session:
            therapist = find_therapist(session, args.therapist)
            row = revoke_certificate(session, therapist.id, args.fingerprint)
            print(f"Certificat {display_fingerprint(row.fingerprint)} révoqué : les lots qu'il signe sont "
                  "désormais refusés.")
    except ConventionError as error:
        return _refused(error)
    return 0


def token_issue(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with transaction(_sessions(settings)) as session:
            therapist = find_therapist(session, args.therapist)
            issued = issue_token(session, therapist.id)
            number = issued.row.id
    except ConventionError as error:
        return _refused(error)
    print(f"Jeton n° {number} pour {therapist.name} (SIRET {therapist.siret}), affiché cette seule fois :")
    print(issued.token)
    print("Remettez-le au cabinet par un canal sûr ; le réseau n'en garde que l'empreinte.")
    return 0


def token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with transaction(_sessions(settings)) as session:
            row = revoke_token(session, args.token_id)
            print(f"Jeton n° {row.id} ({row.hint}…) révoqué : le cabinet ne peut plus envoyer de lot avec.")
    except ConventionError as error:
        return _refused(error)
    return 0


def _password() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Le même, encore : ") != first:
        print("Les deux saisies diffèrent.", file=sys.stderr)
        return None
    return first


def user_add(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from cocon_network.server import audit
    from cocon_network.server.console.passwords import MIN_LENGTH, hash_password

    password = _password()
    if password is None:
        return 2
    if len(password) < MIN_LENGTH:
        print(f"Refusé (password) : le mot de passe doit compter au moins {MIN_LENGTH} caractères.",
              file=sys.stderr)
        return 2
    login = args.login.strip()
    if not login or len(login) > 100:
        print("Refusé (login) : l'identifiant est obligatoire (100 caractères au plus).", file=sys.stderr)
        return 2
    with transaction(_sessions(settings)) as session:
        if session.scalar(select(ConsoleUser.id).where(ConsoleUser.login == login)) is not None:
            print(f"Refusé (login) : l'identifiant « {login} » existe déjà.", file=sys.stderr)
            return 2
        user = ConsoleUser(login=login, display_name=args.name or login, role=args.role,
                           password_hash=hash_password(password))
        session.add(user)
        session.flush()
        audit.record(session, None, "user_created", f"utilisateur {login} ({args.role})",
                     {"user_id": user.id, "role": args.role})
        print(f"Utilisateur n° {user.id} « {login} » créé ({args.role}).")
    return 0


def user_password(args: argparse.Namespace, settings: Settings) -> int:
    """The way back in when the only administrator forgot their password: from the server's shell."""
    from sqlalchemy import select

    from cocon_network.server import audit
    from cocon_network.server.console.passwords import hash_password, password_problem
    from cocon_network.server.console.sessions import close_user_sessions

    password = _password()
    if password is None:
        return 2
    problem = password_problem(password)
    if problem:
        print(f"Refusé (password) : {problem}", file=sys.stderr)
        return 2
    with transaction(_sessions(settings)) as session:
        user = session.scalars(select(ConsoleUser).where(ConsoleUser.login == args.login.strip())).first()
        if user is None:
            print(f"Refusé (login) : aucun utilisateur « {args.login.strip()} ».", file=sys.stderr)
            return 2
        user.password_hash = hash_password(password)
        user.failed_logins, user.blocked_until = 0, None
        removed = args.remove_totp and bool(user.totp_secret)
        if removed:
            user.totp_secret, user.totp_last_counter = "", 0
        close_user_sessions(session, user.id)
        audit.record(session, None, "user_password_reset", f"utilisateur {user.login}",
                     {"user_id": user.id, "totp_removed": removed})
        print(f"Mot de passe de « {user.login} » changé{' et double authentification retirée' if removed else ''} ;"
              " ses sessions sont fermées.")
    return 0
