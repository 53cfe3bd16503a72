"""`cocon rekey` and `cocon recovery-key`: the database re-encrypted under a new data key (issue 19, #3), the second
with a new recovery key shown once. Both ask the passphrase (it is rewrapped with the new key), write a fresh
backup, and say what becomes of the older ones: they still open with the old passphrase and recovery key, so
`--delete-older` deletes those kept in the data folder (without it they are kept, and listed)."""

from __future__ import annotations

import argparse

from cocon_desktop.cli.support import Input, add_command
from cocon_desktop.errors import VaultError
from cocon_desktop.messages import counted, plural
from cocon_desktop.services import key_rotation, practice_handle, practice_keys
from cocon_desktop.services.key_rotation import RotationReport


def _rotate(args: argparse.Namespace, secrets: Input, *, new_recovery: bool) -> RotationReport:
    if not practice_keys.practice_exists(args.data_dir):
        raise VaultError("vault_missing", path=str(args.data_dir))
    passphrase = secrets.line("Phrase de passe : ")
    with practice_handle.open_with_passphrase(args.data_dir, passphrase) as practice:
        use_case = key_rotation.new_recovery_key if new_recovery else key_rotation.rotate_data_key
        report = practice.write(use_case, passphrase).value
        if args.delete_older and report.older_backups:
            deleted = practice.write(key_rotation.delete_older_backups, list(report.older_backups)).value
            print(f"{counted(deleted, 'sauvegarde antérieure supprimée', 'sauvegardes antérieures supprimées')} "
                  "du dossier du cabinet.")
    return report


def _say(report: RotationReport, deleted: bool) -> None:
    print(f"Base rechiffrée sous une nouvelle clé en {report.seconds:.1f} s ; la phrase de passe et la clé de "
          "secours ouvrent la nouvelle clé.")
    if report.backup is not None:
        print(f"Nouvelle sauvegarde : {report.backup}")
    if report.older_backups and not deleted:
        count = len(report.older_backups)
        opens = plural(count, "elle s'ouvre", "elles s'ouvrent")
        print(f"{counted(count, 'sauvegarde antérieure gardée', 'sauvegardes antérieures gardées')} dans le "
              f"dossier du cabinet : {opens} encore avec l'ANCIENNE "
              "phrase de passe et l'ancienne clé de secours (« cocon rekey --delete-older » les supprime la "
              "prochaine fois) :")
        for path in report.older_backups:
            print(f"  {path}")
    if report.last_elsewhere:
        print(f"La sauvegarde faite ailleurs ({report.last_elsewhere}) s'ouvre elle aussi avec l'ancienne clé : "
              "supprimez-la vous-même si l'ancienne phrase de passe a pu être connue.")
    if report.recovery_key is not None:
        print("Nouvelle clé de secours (notez-la maintenant : elle ne sera plus affichée ; l'ancienne ne "
              "fonctionne plus) :")
        print(f"  {report.recovery_key.formatted()}")


def cmd_rekey(args: argparse.Namespace, secrets: Input) -> int:
    _say(_rotate(args, secrets, new_recovery=False), args.delete_older)
    return 0


def cmd_recovery_key(args: argparse.Namespace, secrets: Input) -> int:
    _say(_rotate(args, secrets, new_recovery=True), args.delete_older)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name, help_text, func in (
            ("rekey", "rechiffrer la base sous une nouvelle clé de chiffrement (et une nouvelle sauvegarde)",
             cmd_rekey),
            ("recovery-key", "émettre une nouvelle clé de secours (l'ancienne ne fonctionne plus ; la base est "
                             "rechiffrée)", cmd_recovery_key)):
        child = add_command(sub, name, help_text, func)
        child.add_argument("--delete-older", action="store_true",
                           help="supprimer les sauvegardes antérieures du dossier du cabinet (elles s'ouvrent "
                                "avec l'ancienne clé)")
