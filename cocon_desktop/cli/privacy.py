"""`cocon child export` (a family's access request) and `cocon child erase` (after the retention period)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli import arguments
from cocon_desktop.cli.support import Input, add_command, open_practice, today_of
from cocon_desktop.errors import CoconError
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.services import children
from cocon_desktop.services.child_erasure import erase_child, retention_status
from cocon_desktop.services.child_export import export_child


def cmd_child_export(args: argparse.Namespace, secrets: Input) -> int:
    out: Path = arguments.output_file(args.output)
    with open_practice(args, secrets) as practice:
        child = practice.read(children.find_by_inclusion, args.child)
        data = practice.write(export_child, child.id).value
    atomic_write(out, data, private_dir=not out.parent.exists())
    print(f"Dossier de l'enfant {child.data.inclusion_number} exporté dans {out} ({len(data)} octets). "
          "Il contient des données de santé : remettez-le à la famille par un moyen sûr.")
    return 0


def cmd_child_erase(args: argparse.Namespace, secrets: Input) -> int:
    with open_practice(args, secrets) as practice:
        child = practice.read(children.find_by_inclusion, args.child)
        if not args.confirm:
            status = practice.read(retention_status, child.id)
            if not status.allows(today_of(args)):  # say the date first: --confirm would not help
                practice.write(erase_child, child.id, today_of(args))
            raise CoconError("erase_needs_confirm", inclusion=child.data.inclusion_number)
        report = practice.write(erase_child, child.id, today_of(args)).value
    count = messages.counted
    print(f"Données de l'enfant {report.inclusion_number} effacées : "
          f"{count(report.guardians, 'représentant légal', 'représentants légaux')}, "
          f"{count(report.documents, 'document', 'documents')}, {report.appointments} rendez-vous, "
          f"{count(report.seances_deleted, 'séance non facturée', 'séances non facturées')}, les notes et les PDF "
          f"de {count(report.attestation_pdfs, 'attestation', 'attestations')}.")
    print(f"Conservés : les factures et avoirs tels qu'émis, "
          f"{count(report.seances_kept, 'séance facturée', 'séances facturées')} (sans note), le numéro "
          "d'inclusion et les initiales, le registre des attestations et l'historique (sans valeurs).")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = sub.add_parser("child", help="le dossier d'un enfant : export, effacement",
                           description="Le dossier d'un enfant : export pour la famille, effacement.")
    inner = group.add_subparsers(dest="child_command", required=True, metavar="ACTION")
    export = add_command(inner, "export", "tout ce que le cabinet conserve sur l'enfant, dans un ZIP (JSON + PDF)",
                         cmd_child_export)
    export.add_argument("--child", required=True, metavar="INCLUSION", help="numéro d'inclusion de l'enfant")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FICHIER.zip", help="fichier à écrire")
    erase = add_command(inner, "erase", "effacer les données de l'enfant après la durée de conservation",
                        cmd_child_erase)
    erase.add_argument("--child", required=True, metavar="INCLUSION", help="numéro d'inclusion de l'enfant")
    erase.add_argument("--confirm", action="store_true", help="confirmer l'effacement (définitif)")

