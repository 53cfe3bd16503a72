"""Importing children from the Enfants page: the preview, the mapping by hand, the import, a file that is no list;
and the export of the filtered list."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from cocon_desktop.services.children import ChildQuery, count_children
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.import_children_dialog import MAX_FILE_BYTES, ImportChildrenDialog
from cocon_desktop.ui.itemmodels.import_preview_model import REFUSED_BACKGROUND, STATUS
from cocon_desktop.ui.tasks import SyncRunner
from tests.ui.child_helpers import TODAY, children_window, make_child
from tests.ui.test_children_list import names, three_children

BIRTH = (TODAY - timedelta(days=200)).strftime("%d/%m/%Y")
# As a network's list arrives from Excel on Windows: cp1252, trailing separators, a blank line, a bad date
MESSY = "\r\n".join([
    "N° d'inclusion;Nom;Prénom;Né(e) le;Sexe;AG;Réseau;Commentaire;",
    f"RPO-2025-0001;Lefèvre;Léa;{BIRTH};Fille;28+3;;;",
    "RPO-2025-0002;Martin;Noé;31/02/2024;Garçon;30;RPO;date impossible;",
    ";;;;;;;;",
    "",
]).encode("cp1252")
# the same list, where the inclusion number's header is one nobody could guess
UNUSUAL = MESSY.replace("N° d'inclusion".encode("cp1252"), b"Code patient")
EVERYONE = ChildQuery()


def dialog_for(qtbot: QtBot, practice: Practice) -> ImportChildrenDialog:
    dialog = ImportChildrenDialog(lambda: practice, SyncRunner(), lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def status_of(dialog: ImportChildrenDialog, spreadsheet_row: int) -> str:
    row = dialog.model.row_index(spreadsheet_row)
    assert row is not None
    return str(dialog.model.data(dialog.model.index(row, STATUS)))


def test_preview_of_a_messy_windows_file(qtbot: QtBot, practice: Practice) -> None:
    dialog = dialog_for(qtbot, practice)
    assert not dialog.import_button.isEnabled()
    dialog.load_bytes("liste réseau.csv", MESSY)

    assert dialog.file_label.text() == "liste réseau.csv"
    assert dialog.info.text() == "Codage : Windows-1252 · séparateur : point-virgule · 2 lignes après l'en-tête"
    assert dialog.summary.text() == "1 enfant prêt à importer, 1 ligne refusée."
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Importer 1 enfant"
    assert dialog.network.currentData() == "RPO", "the practice's network, for the rows that give none"

    model = dialog.model
    assert model.rowCount() == 2
    assert status_of(dialog, 2) == "OK"
    assert status_of(dialog, 3) == "Date de naissance : Date invalide : 31/02/2024."
    good, bad = model.row_index(2), model.row_index(3)
    assert good is not None and bad is not None
    assert [model.data(model.index(good, c)) for c in range(STATUS)] == [
        "2", "RPO-2025-0001", "Lefèvre", "Léa", BIRTH, "Fille", "28 SA 3 j", "RPO"]
    assert model.data(model.index(bad, 4)) == "31/02/2024", "a refused row shows what the file says"
    background = model.data(model.index(bad, 1), Qt.ItemDataRole.BackgroundRole)
    assert isinstance(background, QBrush) and background.color().name() == REFUSED_BACKGROUND
    assert model.data(model.index(good, 1), Qt.ItemDataRole.BackgroundRole) is None

    mapping = dialog.mapping
    assert [mapping.field_of(i) for i in range(mapping.rowCount())] == [
        "inclusion_number", "last_name", "first_name", "birth_date", "sex", "gestational_weeks", "network", None,
        None]
    assert not mapping.combos[8].isEnabled(), "a column without a header cannot be read"
    assert not dialog.missing.isVisible()
    assert count_children(practice.sessions, EVERYONE, TODAY) == 0, "a preview writes nothing"


def test_changing_a_column_updates_the_preview(qtbot: QtBot, practice: Practice) -> None:
    dialog = dialog_for(qtbot, practice)
    dialog.load_bytes("liste.csv", UNUSUAL)
    assert dialog.summary.text() == "Aucun enfant prêt à importer, 2 lignes refusées."
    assert dialog.missing.isVisible() and "N° d'inclusion" in dialog.missing.text()
    assert status_of(dialog, 2) == "N° d'inclusion : Champ obligatoire."
    assert not dialog.import_button.isEnabled()

    dialog.mapping.choose(0, "inclusion_number")  # "Code patient" is the inclusion number
    assert dialog.summary.text() == "1 enfant prêt à importer, 1 ligne refusée."
    assert status_of(dialog, 2) == "OK"
    assert not dialog.missing.isVisible()
    assert dialog.import_button.isEnabled()

    dialog.mapping.choose(7, "last_name")  # "Commentaire" as the name: the "Nom" column is left aside
    assert dialog.mapping.field_of(1) is None
    assert dialog.note.isVisible() and "« Nom » était lu dans la colonne « Nom »" in dialog.note.text()
    assert status_of(dialog, 2) == "Nom : Champ obligatoire."
    assert status_of(dialog, 3).startswith("Date de naissance : Date invalide : 31/02/2024.")
    assert dialog.summary.text() == "Aucun enfant prêt à importer, 2 lignes refusées."

    dialog.mapping.choose(1, "last_name")
    assert dialog.mapping.field_of(7) is None
    assert dialog.summary.text() == "1 enfant prêt à importer, 1 ligne refusée."

    dialog.network.setCurrentIndex(dialog.network.findData("RPNA"))  # the network of rows that give none
    row = dialog.model.row_index(2)
    assert row is not None and dialog.model.data(dialog.model.index(row, 7)) == "RPNA"


def test_import_adds_the_child_to_the_list(qtbot: QtBot, practice: Practice) -> None:
    three_children(practice)
    page = children_window(qtbot, practice).children_page
    before = count_children(practice.sessions, EVERYONE, TODAY)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.import_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.load_bytes("liste.csv", UNUSUAL)
    dialog.mapping.choose(0, "inclusion_number")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert count_children(practice.sessions, EVERYONE, TODAY) == before + 1
    assert "LEFÈVRE Léa" in names(page), "the list is refreshed"
    assert page.count_label.text() == f"{before + 1} enfants"
    assert dialog.summary.text() == "1 enfant importé, 1 ligne refusée."
    assert status_of(dialog, 2) == "Importé"
    assert not dialog.import_button.isVisible()
    assert dialog.close_button.text() == "Fermer"
    assert not dialog.mapping.combos[0].isEnabled(), "once imported, the mapping no longer changes"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_a_failed_import_keeps_the_dialog_as_it_was(qtbot: QtBot, practice: Practice) -> None:
    make_child(practice)
    dialog = dialog_for(qtbot, practice)
    dialog.load_bytes("liste.csv", UNUSUAL)
    dialog.mapping.choose(0, "inclusion_number")
    with practice.engine.begin() as connection:  # the database refuses the write (a real trigger, no mock)
        connection.execute(text("CREATE TRIGGER refuse_all BEFORE INSERT ON child "
                                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.status.isVisible()
    assert dialog.status.text() == "L'écriture dans la base a échoué : aucun enfant n'a été importé."
    assert count_children(practice.sessions, EVERYONE, TODAY) == 1
    assert dialog.isVisible() and dialog.mapping.field_of(0) == "inclusion_number", "the mapping is kept"
    assert dialog.import_button.isEnabled() and dialog.summary.text() == "1 enfant prêt à importer, 1 ligne refusée."

    with practice.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse_all"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert not dialog.status.isVisible()
    assert count_children(practice.sessions, EVERYONE, TODAY) == 2


def test_a_file_that_is_no_list(qtbot: QtBot, practice: Practice, tmp_path: Path) -> None:
    dialog = dialog_for(qtbot, practice)
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01" + bytes(range(256)) * 4
    dialog.load_bytes("photo.jpg", photo)
    assert dialog.status.isVisible()
    assert dialog.status.text().startswith("Ce fichier n'est pas un fichier texte CSV")
    assert dialog.model.rowCount() == 0 and dialog.mapping.rowCount() == 0
    assert not dialog.import_button.isEnabled() and dialog.summary.text() == ""
    assert dialog.hint.isVisible(), "back to choosing a file"

    listing = tmp_path / "liste.csv"  # a real file, read through the runner
    listing.write_bytes(MESSY)
    dialog.load_file(listing)
    assert not dialog.status.isVisible()
    assert dialog.summary.text() == "1 enfant prêt à importer, 1 ligne refusée."

    huge = tmp_path / "film.csv"
    with huge.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    dialog.load_file(huge)
    assert dialog.status.text().startswith("Ce fichier est trop volumineux pour une liste d'enfants")
    assert dialog.summary.text() == "1 enfant prêt à importer, 1 ligne refusée.", "the previous file stays"
    dialog.load_file(tmp_path / "absent.csv")
    assert dialog.status.text().startswith("Erreur d'accès au disque")


def test_export_writes_the_filtered_list(qtbot: QtBot, practice: Practice, tmp_path: Path) -> None:
    three_children(practice)
    make_child(practice, last_name="Bernard", first_name="Jade", inclusion_number="RPM-0004", network="RPM",
               exit_date=TODAY - timedelta(days=5), exit_reason="relais_camsp")
    page = children_window(qtbot, practice).children_page
    page.network.setCurrentIndex(page.network.findData("RPM"))
    page.active_only.setChecked(False)
    shared = tmp_path / "Documents"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    target = shared / "enfants.csv"
    page.export_to(target)

    raw = target.read_bytes()
    lines = raw.decode("utf-8-sig").splitlines()
    assert raw.startswith(b"\xef\xbb\xbf") and lines[0].startswith("N° d'inclusion;Nom;Prénom;")
    assert [line.split(";")[0] for line in lines[1:]] == ["RPM-0004", "RPM-0002"]
    assert len(lines) - 1 == count_children(practice.sessions, page.query(), TODAY)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755, "the user's folder keeps its permissions"
    assert page.notice.isVisible() and page.notice.text() == f"2 enfants exportés dans {target}"
    assert page.export_button.isEnabled()

    page.export_to(tmp_path / "absent" / "enfants.csv")
    assert page.error.isVisible() and page.error.text().startswith("L'export n'a pas été écrit : Erreur d'accès")
    assert not page.notice.isVisible()


def test_in_the_background_only_the_last_mapping_is_previewed(qtbot: QtBot, practice: Practice) -> None:
    from cocon_desktop.ui.tasks import ThreadPoolRunner

    runner = ThreadPoolRunner()
    dialog = ImportChildrenDialog(lambda: practice, runner, lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load_bytes("liste.csv", UNUSUAL)
    qtbot.waitUntil(lambda: dialog.summary.text() != "", timeout=5000)
    assert dialog.progress.isHidden()
    dialog.mapping.choose(0, "inclusion_number")
    assert dialog.progress.isVisible() and not dialog.import_button.isEnabled()
    dialog.mapping.choose(0, None)  # changed again before the first answer came back
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    runner.wait()
    qtbot.wait(50)
    assert dialog.summary.text() == "Aucun enfant prêt à importer, 2 lignes refusées."
    assert dialog.mapping.field_of(0) is None

    dialog.mapping.choose(0, "inclusion_number")
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=5000)
    dialog.start_import()
    assert not dialog.close_button.isEnabled(), "no closing while the import is being written"
    qtbot.waitUntil(lambda: dialog.import_done, timeout=5000)
    assert count_children(practice.sessions, EVERYONE, TODAY) == 1
