"""`cocon backup --out DIR` and `cocon restore FILE` (into --data-dir, a new folder)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.numbering import print_way_out
from cocon_desktop.cli.support import Input, add_command, open_practice
from cocon_desktop.services import backup, number_witness, practice_handle, practice_keys

BACKUP_BYTES = 1 << 40  # a backup is read in chunks: only its kind is looked at, not its size


def cmd_backup(args: argparse.Namespace, secrets: Input) -> int:
    out = arguments.expanded(args.out)
    if out.exists():
        arguments.output_folder(out)  # a missing one is the service's own sentence (a USB drive unplugged)
    with open_practice(args, secrets) as practice:
        info = practice.write(backup.backup_to, out).value
    rows = sum(n for table, n in info.counts.items() if table != "alembic_version")
    print(f"Sauvegarde écrite et vérifiée : {info.path} ({info.size} octets, {rows} lignes).")
    return 0


def cmd_restore(args: argparse.Namespace, secrets: Input) -> int:
    arguments.input_file(args.file, BACKUP_BYTES)  # a folder, /dev/zero or a pipe is no backup: said at once
    if args.recovery_key_stdin or args.recovery_key:
        reader = Input(args.recovery_key_stdin or args.passphrase_stdin)
        recovery = reader.line("Clé de secours : ")
        new = reader.new_passphrase()
        practice_keys.check_new_passphrase(new)  # before anything is written
        report = backup.restore(args.file, args.data_dir, recovery_key=recovery, new_passphrase=new)
        passphrase = new
    else:
        passphrase = secrets.line("Phrase de passe de la sauvegarde : ")
        report = backup.restore(args.file, args.data_dir, passphrase=passphrase)
    with practice_handle.open_with_passphrase(args.data_dir, passphrase) as practice:  # brings its schema up to date
        numbering = practice.numbering  # its numbers against the witnesses (issue 19, #1)
    rows = sum(n for table, n in report.counts.items() if table != "alembic_version")
    print(f"Sauvegarde du {report.created_at} restaurée dans {report.data_dir} ({rows} lignes vérifiées).")
    if args.recovery_key_stdin or args.recovery_key:
        print("La nouvelle phrase de passe est en place ; la clé de secours reste valable.")
    for item in numbering.behind if numbering is not None else ():
        data = number_witness.behind_data(item)
        print(messages.text("restore_behind", data), file=sys.stderr)
        print_way_out(data)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    save = add_command(sub, "backup", "écrire une sauvegarde chiffrée et vérifiée du cabinet", cmd_backup)
    save.add_argument("--out", type=Path, required=True, metavar="DOSSIER",
                      help="le dossier où écrire la sauvegarde (une clé USB, un disque externe)")
    back = add_command(sub, "restore", "restaurer une sauvegarde dans un dossier nouveau (--data-dir)",
                       cmd_restore)
    back.description = (f"{back.description}. Le dossier ne doit pas contenir de cabinet. Avec la phrase de "
                        "passe de la sauvegarde, ou avec la clé de secours puis une nouvelle phrase de passe.")
    back.add_argument("file", type=Path, metavar="FICHIER.coconbak")
    back.add_argument("--recovery-key", action="store_true",
                      help="ouvrir avec la clé de secours (demandée au terminal) puis choisir une phrase de passe")
    back.add_argument("--recovery-key-stdin", action="store_true",
                      help="lire la clé de secours puis la nouvelle phrase de passe sur l'entrée standard")
