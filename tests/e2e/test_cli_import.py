"""`cocon import-children`, run as a user would: a real process, the demo practice, files in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import cocon

pytestmark = pytest.mark.slow  # real cocon processes on a demo practice, 4–13 s a test

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "enfants-exemple.csv"

MIXED = "\r\n".join([
    "Nom;Prénom;Date de naissance;Sexe;N° d'inclusion;Terme;Réseau;Téléphone",
    "Lefèvre;Léa;12/03/2024;F;RPM-2024-9001;28+3;PACA;06 12 34 56 78",
    "Martin;Noah;31/02/2024;M;RPM-2024-9002;30;PACA;",
    "Roux;Timéo;05/02/2024;M;RPM-2024-9003;29 SA 1 j;;",
    "Nguyen;Inès;2024-01-05;2;RPM-2024-9004;28,5;Bretagne;",
    "",
])


@pytest.fixture
def demo(tmp_path: Path, demo_made_once: Path) -> Path:
    return copy_demo(demo_made_once, tmp_path / "demo")


def import_children(demo: Path, csv_file: Path, *options: str) -> tuple[int, str, str]:
    result = cocon("--data-dir", demo, "--passphrase-stdin", "import-children", csv_file, *options, stdin="demo\n")
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def listed(demo: Path) -> list[list[str]]:
    result = cocon("--data-dir", demo, "--passphrase-stdin", "children", "list", "--csv", stdin="demo\n")
    assert result.returncode == 0, result.stderr
    return [line.split(";") for line in result.stdout.splitlines()[1:]]


def test_dry_run_then_import_then_again(demo: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "inclusions.csv"
    csv_file.write_bytes(MIXED.encode("cp1252"))
    before = len(listed(demo))

    code, out, err = import_children(demo, csv_file, "--dry-run")
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == "inclusions.csv : Windows-1252, séparateur point-virgule, 4 lignes après l'en-tête."
    assert "Ligne 3 : Date de naissance : Date invalide : 31/02/2024." in lines
    assert any(line.startswith("Ligne 5 : Terme (SA) : Terme ambigu : 28,5") for line in lines)
    assert any(line.startswith("Ligne 5 : Réseau : Réseau inconnu : Bretagne") for line in lines)
    assert lines[-1] == "2 enfants seraient importés, 2 lignes seraient refusées (essai : rien n'a été enregistré)."
    assert len(listed(demo)) == before

    code, out, _ = import_children(demo, csv_file)
    assert code == 1
    assert out.splitlines()[-1] == "2 enfants importés, 2 lignes refusées."
    rows = {row[0]: row for row in listed(demo)}
    assert len(rows) == before + 2
    assert rows["RPM-2024-9001"][1:6] == ["Lefèvre", "Léa", "2024-03-12", "28", "RPM"]
    assert rows["RPM-2024-9003"][5] == "RPM"  # empty cell: the demo practice's network

    code, out, _ = import_children(demo, csv_file)
    assert code == 1
    assert "Ligne 2 : N° d'inclusion : Ce numéro d'inclusion est déjà attribué à un autre enfant." in out
    assert out.splitlines()[-1] == "Aucun enfant importé, 4 lignes refusées."
    assert len(listed(demo)) == before + 2


def test_the_documented_example_imports_cleanly_with_another_network(demo: Path) -> None:
    code, out, err = import_children(demo, EXAMPLE, "--network", "RPNA")
    assert (code, err) == (0, ""), out
    imported = int(out.splitlines()[-1].split()[0])
    assert out.splitlines()[-1] == f"{imported} enfants importés, aucune ligne refusée."
    networks = {row[0]: row[5] for row in listed(demo)}
    assert "RPNA" in {networks[number] for number in networks if number.startswith("EX-")}


def test_unreadable_files_get_one_french_sentence(demo: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "photo.csv"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, out, err = import_children(demo, garbage)
    assert (code, out) == (1, "")
    assert err.strip() == ("Ce fichier n'est pas un fichier texte CSV : dans le tableur, enregistrez la liste au "
                           "format « CSV (séparateur : point-virgule) ».")

    missing = tmp_path / "absent.csv"
    code, out, err = import_children(demo, missing)
    assert code == 1 and err.strip() == f"Le fichier {missing} est introuvable."

    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    code, out, err = import_children(demo, empty)
    assert code == 1 and err.strip() == "Le fichier est vide : aucune ligne à importer."


def test_header_only_and_missing_columns(demo: Path, tmp_path: Path) -> None:
    header_only = tmp_path / "entete.csv"
    header_only.write_text("Nom,Prénom,DDN,Sexe,N° COCON,AG\n", "utf-8")
    code, out, _ = import_children(demo, header_only)
    assert code == 0
    assert out.splitlines()[0] == "entete.csv : UTF-8, séparateur virgule, aucune ligne après l'en-tête."
    assert out.splitlines()[-1] == "Aucun enfant importé, aucune ligne refusée."

    partial = tmp_path / "partiel.csv"
    partial.write_text("Nom;Prénom;DDN;Remarque\nDupont;Léa;12/03/2024;x\n", "utf-8")
    code, out, _ = import_children(demo, partial, "--dry-run")
    assert code == 1
    assert "Colonnes laissées de côté : Remarque." in out
    assert ("Colonnes introuvables dans l'en-tête : Sexe, N° d'inclusion, Terme (SA). Aucune ligne ne peut être "
            "importée sans elles.") in out
    assert "Champ obligatoire" not in out  # said once for the file, not on every row
