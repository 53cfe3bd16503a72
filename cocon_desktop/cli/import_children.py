"""`cocon import-children FICHIER.csv [--dry-run] [--network CODE]`: children from a CSV list.

The list may be the network's inclusion list or another program's export (see docs/import-children.md).
The report goes to standard output: the file's encoding and separator, the columns read and left aside,
one line per problem ("Ligne 4 : Date de naissance : Date invalide : 31/02/2024."), then a summary
("12 enfants importés, 2 lignes refusées."; with --dry-run, "… seraient importés", nothing written).

Exit code: 0 when every row of the file was imported (or would be, with --dry-run; a file with a header and
no row counts as such); 1 when some rows were refused (the valid ones are imported all the same), when the
file cannot be read (one French sentence on standard error, nothing imported) or when the database refused
the write (nothing imported); 2 for a usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cocon_desktop import messages
from cocon_desktop.cli.support import Input, add_command, open_practice, read_input, today_of
from cocon_desktop.domain import limits
from cocon_desktop.domain.csv_children import CsvPreview
from cocon_desktop.domain.csv_headers import IMPORT_FIELDS
from cocon_desktop.domain.csv_reading import ENCODING_LABELS, SEPARATOR_LABELS
from cocon_desktop.domain.csv_values import key
from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.errors import FieldError
from cocon_desktop.services.children_import import import_children, preview_import
from cocon_desktop.services.practice_profile import load_profile


def _label(field: str) -> str:
    return IMPORT_FIELDS.get(field) or messages.FIELD_LABELS.get(field, field)


def problem_line(row: int, error: FieldError, note: str = "") -> str:
    """"Ligne 4 : Date de naissance : Date invalide : 31/02/2024." (no field for a whole-row problem)."""
    sentence = messages.text(error.code, error.data)
    if error.field:
        sentence = f"{_label(error.field)} : {sentence}"
    return f"Ligne {row}{note} : {sentence}"


def _count(number: int, one: str, many: str, none: str) -> str:
    return none if number == 0 else f"{number} {one if number == 1 else many}"


def summary(imported: int, refused: int, dry_run: bool) -> str:
    if dry_run:
        done = _count(imported, "enfant serait importé", "enfants seraient importés", "Aucun enfant ne serait importé")
        left = _count(refused, "ligne serait refusée", "lignes seraient refusées", "aucune ligne refusée")
        return f"{done}, {left} (essai : rien n'a été enregistré)."
    done = _count(imported, "enfant importé", "enfants importés", "Aucun enfant importé")
    left = _count(refused, "ligne refusée", "lignes refusées", "aucune ligne refusée")
    return f"{done}, {left}."


def report_lines(name: str, preview: CsvPreview, imported: int, dry_run: bool) -> list[str]:
    lines = [f"{name} : {ENCODING_LABELS.get(preview.encoding, preview.encoding)}, séparateur "
             f"{SEPARATOR_LABELS.get(preview.separator, preview.separator)}, "
             f"{_count(len(preview.rows), 'ligne', 'lignes', 'aucune ligne')} après l'en-tête."]
    if preview.mapping:
        read = [header if key(header) == key(_label(target)) else f"{header} → {_label(target)}"
                for header, target in preview.mapping.items()]
        lines.append("Colonnes lues : " + ", ".join(read) + ".")
    if preview.unmapped:
        lines.append("Colonnes laissées de côté : " + ", ".join(preview.unmapped) + ".")
    if preview.missing:
        lines.append(messages.text("import_columns_missing",
                                   {"fields": ", ".join(_label(name) for name in preview.missing)}))
    for row in preview.rows:
        for error in row.errors:
            if not (error.code == "required" and error.field in preview.missing):  # said once above
                lines.append(problem_line(row.row, error))
        if row.valid:
            lines += [problem_line(row.row, warning, " (à vérifier)") for warning in row.warnings]
    lines.append(summary(imported, len(preview.refused_rows), dry_run))
    return lines


def cmd_import_children(args: argparse.Namespace, secrets: Input) -> int:
    path: Path = args.file
    raw = read_input(path, limits.IMPORT_FILE_BYTES)  # its size looked at before a byte is read
    today = today_of(args)
    with open_practice(args, secrets) as practice:
        network = args.network or practice.read(load_profile).network
        if args.dry_run:
            preview = practice.read(preview_import, raw, today, network)
            imported = len(preview.valid_rows)
        else:
            report = practice.write(import_children, raw, today, network).value
            preview, imported = report.preview, report.imported
    print("\n".join(report_lines(path.name, preview, imported, args.dry_run)))
    return 1 if preview.refused_rows else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    command = add_command(sub, "import-children", "importer des enfants depuis un fichier CSV (liste "
                          "d'inclusion du réseau, export d'un autre logiciel)", cmd_import_children)
    command.add_argument("file", type=Path, metavar="FICHIER.csv", help="la liste des enfants, une ligne par enfant")
    command.add_argument("--dry-run", action="store_true", help="montrer ce qui serait importé, sans rien enregistrer")
    command.add_argument("--network", choices=sorted(NETWORKS),
                         help="réseau des enfants dont la ligne n'en indique pas (défaut : celui du cabinet)")
