"""`cocon-network`: the network's server from the command line (French help).

    cocon-network [--config FICHIER.toml] migrate
    cocon-network serve [--workers N] [--migrate]
    cocon-network therapist add --name … --discipline … --siret … --iban … --convention-start AAAA-MM-JJ [--bic …]
    cocon-network therapist list
    cocon-network certificate add SIRET CERTIFICAT.pem|LOT.zip      cocon-network certificate revoke SIRET EMPREINTE
    cocon-network token issue SIRET                                  cocon-network token revoke N
    cocon-network user add --login … --role coordinateur|comptable|administrateur   (mot de passe sur l'entrée)
    cocon-network inclusions import FICHIER.csv                      (cli_inclusions.py, and other parts' commands)

`--config` is accepted before or after the command; the environment (COCON_NETWORK_*) overrides the file."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import sys
import warnings
from pathlib import Path

from cocon_network.server.config import Settings, load_settings

# Other parts' commands: a module with register(subparsers) whose handlers are args.func(args) -> int
PLUGINS = ("cocon_network.server.cli_inclusions", "cocon_network.server.cli_payments",
           "cocon_network.server.cli_reports", "cocon_network.server.cli_demo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cocon-network",
        description="Serveur du réseau : reçoit les lots des cabinets, les contrôle, les paie et répond ; "
                    "console web des coordinateurs, comptables et administrateurs.")
    parser.add_argument("--config", type=Path, default=None, metavar="FICHIER.toml",
                        help="fichier de réglages (les variables COCON_NETWORK_* priment)")
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--config", type=Path, default=argparse.SUPPRESS, metavar="FICHIER.toml",
                        help="fichier de réglages (les variables COCON_NETWORK_* priment)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    migrate = sub.add_parser("migrate", parents=[parent], help="créer ou mettre à jour le schéma de la base")
    migrate.set_defaults(func=_migrate)
    serve = sub.add_parser("serve", parents=[parent], help="servir l'API et la console (uvicorn)")
    serve.add_argument("--workers", type=int, help="nombre de processus (réglage « workers » par défaut)")
    serve.add_argument("--migrate", action="store_true", help="mettre la base à jour avant de servir")
    serve.set_defaults(func=_serve)
    from cocon_network.server import cli_conventions

    cli_conventions.register(sub, parent)
    for name in PLUGINS:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(sub)
    return parser


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from cocon_network.server.db import make_engine
    from cocon_network.server.migrate import current_revision, upgrade

    engine = make_engine(settings.database_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"Base déjà à jour (révision {after}).")
    else:
        print(f"Base mise à jour : révision {before or 'aucune'} → {after}.")
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from cocon_network.server.serve import SchemaNotReady, serve

    if args.migrate:
        _migrate(args, settings)
    try:
        serve(settings, args.config, workers=args.workers)
    except SchemaNotReady as error:
        print(f"Impossible de servir : {error}.", file=sys.stderr)
        return 2
    return 0


def quiet_third_party_warnings() -> None:
    """Other packages' warnings (pyHanko importing DSA…) never reach the operator, unless asked for (-W)."""
    if not sys.warnoptions:
        warnings.filterwarnings("ignore")
        warnings.filterwarnings("default", module=r"cocon_(network|exchange)\b")


def main(argv: list[str] | None = None) -> int:
    quiet_third_party_warnings()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except (OSError, ValueError) as error:
        print(f"Réglages illisibles : {error}", file=sys.stderr)
        return 2
    if len(inspect.signature(args.func).parameters) >= 2:
        return int(args.func(args, settings))
    return int(args.func(args))  # another part's handler reads args.config itself


if __name__ == "__main__":
    sys.exit(main())
