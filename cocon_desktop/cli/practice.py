"""`cocon init`, `demo`, `info`, `change-passphrase`, `recover`: the practice itself (its folder, vault, schema)."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from cocon_desktop.cli.support import Command, Input, add_command, open_practice, read_input, today_of
from cocon_desktop.domain.practice_toml import profile_from_toml
from cocon_desktop.errors import CoconError
from cocon_desktop.services import practice_handle, practice_keys
from cocon_desktop.services.demo import create_demo
from cocon_desktop.services.info import practice_info


def _print_recovery_key(key: practice_keys.RecoveryKey) -> None:
    print("Clé de secours (notez-la sur papier et rangez-la à part ; elle ne sera plus affichée) :")
    groups = key.groups
    for row in range(0, len(groups), 3):
        print("    " + "   ".join(groups[row:row + 3]))


def cmd_init(args: argparse.Namespace, secrets: Input) -> int:
    path: Path = args.practice_file
    raw = read_input(path)
    profile = profile_from_toml(raw, str(path))
    passphrase = secrets.new_passphrase()
    recovery = practice_keys.new_recovery_key()
    practice = practice_handle.create_practice(args.data_dir, passphrase, profile, recovery)
    practice.close()
    print(f"Cabinet créé dans {args.data_dir}.")
    _print_recovery_key(recovery)
    return 0


def _demo_pco(value: str) -> bool:
    """`--pathways cocon` (the default) or `cocon,pco-tnd`: whether the demo works with PCO-TND too."""
    named = {part.strip().lower() for part in value.split(",") if part.strip()}
    if not named <= {"cocon", "pco-tnd"} or "cocon" not in named:
        raise CoconError("demo_pathways", value=value[:40])
    return "pco-tnd" in named


def cmd_demo(args: argparse.Namespace, secrets: Input) -> int:
    pco = _demo_pco(args.pathways)
    if getattr(args, "size", "small") == "large":
        if pco:
            raise CoconError("demo_pathways", value=args.pathways[:40])
        from cocon_desktop.services.demo_large import create_large_demo

        started = time.perf_counter()
        create_large_demo(args.data_dir, today_of(args)).close()
        print(f"Cabinet de démonstration à grande échelle créé en {time.perf_counter() - started:.1f} s.")
    else:
        create_demo(args.data_dir, today_of(args), pco=pco).close()
    print(f"Cabinet de démonstration créé dans {args.data_dir}.")
    print("Phrase de passe : demo (la seule dispensée de la règle de robustesse, réservée à la démonstration).")
    return 0


def cmd_info(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        info = practice_info(practice)
    if args.json:
        print(json.dumps(asdict(info), indent=2, ensure_ascii=False))
        return 0
    print(f"Dossier             : {info.data_dir}")
    print(f"Coffre              : {info.vault_id}")
    print(f"Schéma              : {info.schema_revision} (dernier : {info.schema_head})")
    print(f"Taille de la base   : {info.database_bytes} octets")
    print("Chiffrement         : SQLCipher {cipher_version}, pages de {cipher_page_size} octets, "
          "HMAC {cipher_hmac_algorithm}, journal {journal_mode}".format(**info.cipher))
    kdf = info.kdf
    print(f"Dérivation de clé   : Argon2id, {kdf.get('time_cost')} passes, {kdf.get('memory_kib')} Kio, "
          f"parallélisme {kdf.get('parallelism')}")
    print(f"Trousseau du système: {'oui' if info.remembered_in_keychain else 'non'}")
    for table, count in info.counts.items():
        print(f"  {table:<18}: {count}")
    return 0


def cmd_change_passphrase(args: argparse.Namespace, secrets: Input) -> int:
    current = secrets.line("Phrase de passe actuelle : ")
    new = secrets.new_passphrase()
    practice_keys.change_passphrase_in(args.data_dir, current, new)
    print("Phrase de passe changée, et la base rechiffrée sous une nouvelle clé (une sauvegarde neuve est dans "
          "le dossier du cabinet). La clé de secours reste valable ; les sauvegardes antérieures s'ouvrent encore "
          "avec l'ancienne phrase de passe (« cocon rekey --delete-older » pour les supprimer).")
    return 0


def cmd_recover(args: argparse.Namespace, secrets: Input) -> int:
    reader = Input(args.recovery_key_stdin or args.passphrase_stdin)
    # the new passphrase is asked once the key is known good; the data opens with the recovered key
    practice_handle.recover(args.data_dir, reader.line("Clé de secours : "), reader.new_passphrase).close()
    print("Cabinet récupéré : la nouvelle phrase de passe est en place.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    commands: dict[str, tuple[str, Command]] = {
        "init": ("créer un cabinet à partir d'un fichier TOML", cmd_init),
        "demo": ("créer un cabinet de démonstration (phrase de passe « demo »)", cmd_demo),
        "info": ("version du schéma, effectifs, paramètres de chiffrement", cmd_info),
        "change-passphrase": ("changer la phrase de passe", cmd_change_passphrase),
        "recover": ("ouvrir avec la clé de secours et choisir une nouvelle phrase de passe", cmd_recover),
    }
    for name, (help_text, func) in commands.items():
        child = add_command(sub, name, help_text, func)
        if name == "init":
            child.add_argument("--practice-file", type=Path, required=True, help="profil du cabinet (TOML)")
        if name == "demo":
            child.add_argument("--size", choices=("small", "large"), default="small",
                               help="large : cabinet de groupe, 2 000 enfants, 100 000 séances, ~12 000 factures")
            child.add_argument("--pathways", default="cocon", metavar="PARCOURS",
                               help="cocon (par défaut) ou cocon,pco-tnd : un enfant relayé vers une PCO de "
                                    "démonstration, ses factures de bilan et de versement")
        if name == "info":
            child.add_argument("--json", action="store_true", help="sortie JSON")
        if name == "recover":
            child.add_argument("--recovery-key-stdin", action="store_true",
                               help="lire la clé de secours puis la nouvelle phrase de passe sur l'entrée standard")
