"""Exporting the children list to CSV from a real encrypted practice: what a French Excel opens as it is."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import replace
from datetime import date, timedelta

import pytest

from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.csv_children import resolve_columns
from cocon_desktop.services import children_export
from cocon_desktop.services.children import ChildQuery, count_children, create_child
from cocon_desktop.services.children_export import EXPORT_HEADERS, export_children_csv
from cocon_desktop.services.practice_handle import Practice

TODAY = date(2026, 11, 18)
BASE = ChildData(last_name="Lefèvre", first_name="Léa", birth_date=TODAY - timedelta(days=200), sex="F",
                 gestational_weeks=28, gestational_days=3, inclusion_number="RPO-0001", network="RPO")


def add(practice: Practice, **changes: object) -> int:
    return create_child(practice.sessions, replace(BASE, **changes), TODAY)  # type: ignore[arg-type]


def rows_of(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.fixture
def five(practice: Practice) -> Practice:
    add(practice)
    add(practice, last_name="Nguyễn", first_name="Chloé", inclusion_number="RPM-0002", network="RPM",
        gestational_weeks=31, gestational_days=0)
    add(practice, last_name="Durand", first_name="Noé", inclusion_number="RPM-0003", network="RPM",
        exit_date=TODAY - timedelta(days=3), exit_reason="demenagement")
    add(practice, last_name="Œuvray", first_name="Anaïs", inclusion_number="RPNA-0004", network="RPNA")
    add(practice, last_name="=1+1", first_name="Zoé", inclusion_number="RPO-0005", network="RPO")
    return practice


def test_excel_friendly_file_with_every_child(five: Practice) -> None:
    raw = export_children_csv(five.sessions, ChildQuery(), TODAY)
    assert raw.startswith(codecs.BOM_UTF8), "Excel needs the BOM to read UTF-8"
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == "N° d'inclusion;Nom;Prénom;Date de naissance;Terme (SA);Réseau;Date de sortie"
    assert "\r\n" in text
    rows = rows_of(raw)
    assert tuple(rows[0]) == EXPORT_HEADERS
    assert len(rows) - 1 == count_children(five.sessions, ChildQuery(), TODAY) == 5
    by_number = {row[0]: row for row in rows[1:]}
    birth = (TODAY - timedelta(days=200)).strftime("%d/%m/%Y")
    assert by_number["RPO-0001"] == ["RPO-0001", "Lefèvre", "Léa", birth, "28+3", "RPO", ""]
    assert by_number["RPM-0002"][1:3] == ["Nguyễn", "Chloé"] and by_number["RPM-0002"][4] == "31"
    assert by_number["RPNA-0004"][1:3] == ["Œuvray", "Anaïs"]
    assert by_number["RPM-0003"][6] == (TODAY - timedelta(days=3)).strftime("%d/%m/%Y")
    assert by_number["RPO-0005"][1] == "'=1+1", "a cell a spreadsheet would run as a formula is neutralised"
    assert [row[1] for row in rows[1:]] == ["'=1+1", "Durand", "Lefèvre", "Nguyễn", "Œuvray"]


def test_filters_are_those_of_the_list(five: Practice) -> None:
    rpm = ChildQuery(network="RPM")
    rows = rows_of(export_children_csv(five.sessions, rpm, TODAY))[1:]
    assert sorted(row[0] for row in rows) == ["RPM-0002", "RPM-0003"]
    assert len(rows) == count_children(five.sessions, rpm, TODAY)

    active_rpm = ChildQuery(network="RPM", active_only=True)
    rows = rows_of(export_children_csv(five.sessions, active_rpm, TODAY))[1:]
    assert [row[0] for row in rows] == ["RPM-0002"], "a child who left the pathway is not in an 'actifs' export"
    assert len(rows) == count_children(five.sessions, active_rpm, TODAY)

    searched = ChildQuery(text="lefevre")
    assert [row[0] for row in rows_of(export_children_csv(five.sessions, searched, TODAY))[1:]] == ["RPO-0001"]
    nobody = ChildQuery(text="personne")
    assert rows_of(export_children_csv(five.sessions, nobody, TODAY)) == [list(EXPORT_HEADERS)]


def test_every_page_is_exported_in_the_list_order(five: Practice, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(children_export, "PAGE_SIZE", 2)  # five children: three pages
    rows = rows_of(export_children_csv(five.sessions, ChildQuery(), TODAY))[1:]
    assert len(rows) == count_children(five.sessions, ChildQuery(), TODAY) == 5
    assert len({row[0] for row in rows}) == 5


def test_the_import_reads_the_export_headers_back(five: Practice) -> None:
    columns = resolve_columns(EXPORT_HEADERS)
    assert columns == {0: "inclusion_number", 1: "last_name", 2: "first_name", 3: "birth_date",
                       4: "gestational_weeks", 5: "network", 6: "exit_date"}
