"""Importing children from a CSV file into a real encrypted practice: only the valid rows, all in one go."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from cocon_desktop.domain.child import ChildData
from cocon_desktop.errors import DatabaseError
from cocon_desktop.services import children
from cocon_desktop.services.children_import import RowError, import_children, preview_import
from cocon_desktop.services.practice_handle import Practice

TODAY = date(2025, 6, 1)
EVERYONE = children.ChildQuery()

# As a network's list arrives: Windows-1252, a blank line, trailing separators, a bad date, a duplicate
MESSY = "\r\n".join([
    "N° d'inclusion;Nom;Prénom;Né(e) le;Sexe;AG;Poids (g);Réseau;Parent;Téléphone;Commentaire;",
    "RPO-2024-0001;Lefèvre;Léa;12/03/2024;Fille;28+3;1 150;Occitanie;LEFÈVRE Julie;0612345678;;",
    "RPO-2024-0002;Martin;Noah;31/02/2024;Garçon;30;1500;RPO;;;date impossible;",
    "",
    "RPO-2024-0003;Nguyen;Inès;2024-01-05;2;32 SA 2 j;1,8 kg;;NGUYEN Thi;;;",
    "RPO-2024-0004;Roux;Timéo;05/02/24;M;29;;RPO;;06 12;téléphone trop court;",
    "rpo-2024-0001;Faure;Ambre;07/07/2024;F;31;;RPO;;;numéro déjà pris plus haut;",
    "RPO-2024-0005;Bonnet;Jade;01/06/2024;X;27;;RPO;;;sexe inconnu;",
    "",
]).encode("cp1252")
GOOD_ROWS = {2: "RPO-2024-0001", 5: "RPO-2024-0003"}


def count(practice: Practice) -> int:
    return children.count_children(practice.sessions, EVERYONE, TODAY)


def test_only_the_good_rows_land(practice: Practice) -> None:
    report = import_children(practice.sessions, MESSY, TODAY, "RPO")
    assert report.imported == 2 and len(report.child_ids) == 2
    assert report.refused == 4
    assert report.preview.encoding == "cp1252"
    assert [(e.row, e.field, e.code) for e in report.errors] == [
        (3, "birth_date", "date_invalid"),
        (6, "guardians[0].phone", "phone_invalid"),
        (7, "inclusion_number", "duplicate_in_file_inclusion"),
        (8, "sex", "sex_unknown"),
    ]
    assert report.errors[0] == RowError(3, "birth_date", "date_invalid", {"value": "31/02/2024"})
    assert count(practice) == 2

    lea = children.find_by_inclusion(practice.sessions, "RPO-2024-0001").data
    assert (lea.last_name, lea.first_name, lea.birth_date, lea.sex) == ("Lefèvre", "Léa", date(2024, 3, 12), "F")
    assert (lea.gestational_weeks, lea.gestational_days, lea.birth_weight_g, lea.network) == (28, 3, 1150, "RPO")
    assert [(g.last_name, g.first_name, g.phone) for g in lea.guardians] == [("LEFÈVRE", "Julie", "0612345678")]
    ines = children.find_by_inclusion(practice.sessions, "RPO-2024-0003").data
    assert (ines.sex, ines.gestational_weeks, ines.gestational_days, ines.birth_weight_g) == ("F", 32, 2, 1800)
    assert ines.network == "RPO"  # no network in the cell: the practice's
    # the imported children are found by the list's search like any other
    found = children.list_children(practice.sessions, children.ChildQuery(text="lefevre"), TODAY)
    assert [row.inclusion_number for row in found] == ["RPO-2024-0001"]


def test_reimporting_the_same_file_doubles_nothing(practice: Practice) -> None:
    import_children(practice.sessions, MESSY, TODAY, "RPO")
    again = import_children(practice.sessions, MESSY, TODAY, "RPO")
    assert again.imported == 0 and again.child_ids == ()
    assert again.refused == 6
    for row, number in GOOD_ROWS.items():
        assert {e.code for e in again.errors if e.row == row} == {"inclusion_number_taken", "duplicate_child"}, number
    assert count(practice) == 2


def test_dry_run_writes_nothing_and_says_what_the_import_would_do(practice: Practice) -> None:
    preview = preview_import(practice.sessions, MESSY, TODAY, "RPO")
    assert [r.row for r in preview.valid_rows] == list(GOOD_ROWS)
    assert count(practice) == 0
    report = import_children(practice.sessions, MESSY, TODAY, "RPO")
    assert [r.row for r in report.preview.valid_rows] == list(GOOD_ROWS)
    # after the import, the same dry run refuses everything
    assert preview_import(practice.sessions, MESSY, TODAY, "RPO").valid_rows == []
    assert count(practice) == 2


def test_a_child_already_there_without_accents_in_the_file(practice: Practice) -> None:
    children.create_child(practice.sessions, ChildData(
        last_name="Lefèvre", first_name="Éloïse", birth_date=date(2024, 3, 12), sex="F", gestational_weeks=30,
        inclusion_number="RPO-2024-0100", network="RPO"), TODAY)
    raw = "Nom;Prénom;DDN;Sexe;N° COCON;Terme\nLEFEVRE;Eloise;12/03/2024;F;RPO-2024-0200;30\n".encode()
    report = import_children(practice.sessions, raw, TODAY, "RPO")
    assert [(e.row, e.field, e.code) for e in report.errors] == [(2, "last_name", "duplicate_child")]
    assert count(practice) == 1


def test_the_same_child_twice_in_the_file_lands_once(practice: Practice) -> None:
    raw = ("Nom;Prénom;DDN;Sexe;N° COCON;Terme\n"
           "Dupont;Léa;12/03/2024;F;A-1;30\n"
           "DUPONT;Lea;12/03/2024;F;A-2;30\n").encode()
    report = import_children(practice.sessions, raw, TODAY, "RPM")
    assert report.imported == 1
    assert [(e.row, e.code, e.data) for e in report.errors] == [(3, "duplicate_in_file_child", {"row": 2})]
    assert children.find_by_inclusion(practice.sessions, "A-1").data.network == "RPM"


def test_a_failed_write_imports_nothing_at_all(practice: Practice) -> None:
    """The database refuses the second valid row (a real trigger, no mock): the first is not kept either."""
    with practice.engine.begin() as connection:
        connection.execute(text("CREATE TRIGGER refuse_nguyen BEFORE INSERT ON child WHEN NEW.last_name = 'Nguyen' "
                                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
    with pytest.raises(DatabaseError) as caught:
        import_children(practice.sessions, MESSY, TODAY, "RPO")
    assert caught.value.code == "import_failed"
    assert count(practice) == 0
    with practice.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse_nguyen"))
    assert import_children(practice.sessions, MESSY, TODAY, "RPO").imported == 2


def test_a_file_that_is_not_a_list_changes_nothing(practice: Practice) -> None:
    from cocon_desktop.errors import CoconError

    with pytest.raises(CoconError) as caught:
        import_children(practice.sessions, b"%PDF-1.7\n\x00\x01\x02", TODAY, "RPO")
    assert caught.value.code == "csv_not_text"
    assert count(practice) == 0
