"""Reading a list of children from CSV bytes: encodings, separators, headers, values, row errors. No disk."""

from __future__ import annotations

import codecs
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocon_desktop.domain.csv_children import CsvPreview, ImportRow, parse_children
from cocon_desktop.domain.csv_headers import IMPORT_FIELDS, SYNONYMS, recognise
from cocon_desktop.errors import CoconError

TODAY = date(2025, 6, 1)
HEADER = "Nom;Prénom;Date de naissance;Sexe;N° d'inclusion;Terme"
GOOD = "Dupont;Léa;12/03/2024;F;RPO-2024-001;28+3"


def csv_bytes(*lines: str, encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def parse(raw: bytes, network: str = "RPO", mapping: dict[str, str | None] | None = None) -> CsvPreview:
    return parse_children(raw, TODAY, network, mapping)


def only_row(preview: CsvPreview) -> ImportRow:
    assert len(preview.rows) == 1
    return preview.rows[0]


def child_of(*lines: str, network: str = "RPO") -> ImportRow:
    row = only_row(parse(csv_bytes(*lines), network))
    assert row.valid, row.errors
    return row


def codes(row: ImportRow) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in row.errors]


# --- encodings --------------------------------------------------------------------------------------------


def test_utf8() -> None:
    preview = parse(csv_bytes(HEADER, GOOD))
    assert preview.encoding == "utf-8"
    child = only_row(preview).child
    assert child is not None
    assert (child.last_name, child.first_name, child.birth_date) == ("Dupont", "Léa", date(2024, 3, 12))
    assert (child.sex, child.inclusion_number, child.gestational_weeks, child.gestational_days) == (
        "F", "RPO-2024-001", 28, 3)
    assert child.network == "RPO"


def test_utf8_with_bom_does_not_glue_the_bom_to_the_first_header() -> None:
    preview = parse(codecs.BOM_UTF8 + csv_bytes(HEADER, GOOD))
    assert preview.encoding == "utf-8-sig"
    assert preview.mapping["Nom"] == "last_name"
    assert only_row(preview).valid


def test_windows_1252_file_with_e_acute_bytes() -> None:
    raw = csv_bytes(HEADER, "Lefèvre;Léa;12/03/2024;F;RPO-1;30", encoding="cp1252")
    assert b"L\xe9a" in raw and b"Pr\xe9nom" in raw  # é as one Windows-1252 byte, not UTF-8
    preview = parse(raw)
    assert preview.encoding == "cp1252"
    assert preview.mapping["Prénom"] == "first_name"
    child = only_row(preview).child
    assert child is not None and (child.last_name, child.first_name) == ("Lefèvre", "Léa")


def test_excel_unicode_text_is_utf16_with_tabs() -> None:
    raw = csv_bytes(HEADER.replace(";", "\t"), GOOD.replace(";", "\t"), encoding="utf-16")
    preview = parse(raw)
    assert (preview.encoding, preview.separator) == ("utf-16", "\t")
    assert only_row(preview).valid


def test_binary_garbage_is_a_clear_error_not_a_crash() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
    with pytest.raises(CoconError) as caught:
        parse(png)
    assert caught.value.code == "csv_not_text"


def test_bytes_that_no_encoding_explains() -> None:
    with pytest.raises(CoconError) as caught:
        parse(b"Nom;Pr\x81nom\r\n\x9d\x8f;x\r\n")  # invalid UTF-8, and undefined in Windows-1252
    assert caught.value.code == "csv_encoding_unknown"


@pytest.mark.parametrize("raw", [b"", b"\r\n\r\n", b"   \n;;;\n", codecs.BOM_UTF8])
def test_empty_file(raw: bytes) -> None:
    with pytest.raises(CoconError) as caught:
        parse(raw)
    assert caught.value.code == "csv_empty"


# --- separators, quotes, blank lines ------------------------------------------------------------------------


def test_comma_separator() -> None:
    preview = parse(csv_bytes(HEADER.replace(";", ","), '"Dupont, dite Martin",Léa,12/03/2024,F,RPO-1,28'))
    assert preview.separator == ","
    child = only_row(preview).child
    assert child is not None and child.last_name == "Dupont, dite Martin"


def test_semicolon_wins_when_the_header_has_commas_in_quotes() -> None:
    header = '"Nom (de naissance, ou d\'usage, sinon, celui, du, dossier)";Prénom;DDN;Sexe;N° COCON;Terme'
    preview = parse(csv_bytes(header, GOOD))
    assert preview.separator == ";"
    assert preview.mapping["Nom (de naissance, ou d'usage, sinon, celui, du, dossier)"] == "last_name"
    assert only_row(preview).valid


def test_excel_sep_line_names_the_separator_and_is_not_a_row() -> None:
    preview = parse(csv_bytes("sep=,", HEADER.replace(";", ","), GOOD.replace(";", ",")))
    assert preview.separator == ","
    assert only_row(preview).row == 2  # Excel hides the sep= line: the header is row 1


def test_quoted_cells_with_separators_and_line_breaks() -> None:
    raw = csv_bytes(HEADER + ";Adresse", GOOD + ';"12 rue des Pins;\nbât. B"',
                    'Martin;Noah;01/02/2024;M;RPO-2;31;"3, place ""du"" Marché"')
    rows = parse(raw).rows
    assert [r.row for r in rows] == [2, 3]  # a line break inside quotes stays in its row, as in a spreadsheet
    first, second = (r.child for r in rows)
    assert first is not None and second is not None
    assert first.guardians[0].address == "12 rue des Pins; bât. B"
    assert second.guardians[0].address == '3, place "du" Marché'


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_number() -> None:
    raw = csv_bytes("", HEADER, GOOD, "", ";;;;;", "Martin;Noah;01/02/2024;M;RPO-2;31", "")
    rows = parse(raw).rows
    assert [(r.row, r.valid) for r in rows] == [(3, True), (6, True)]


def test_trailing_separators() -> None:
    preview = parse(csv_bytes(HEADER + ";;", GOOD + ";;", "Martin;Noah;01/02/2024;M;RPO-2;31;"))
    assert preview.unmapped == ()
    assert [r.valid for r in preview.rows] == [True, True]


def test_a_cell_too_many_is_a_row_error() -> None:
    row = only_row(parse(csv_bytes(HEADER, "Dupont;Léa;Marie;12/03/2024;F;RPO-1;28")))
    assert not row.valid
    assert [(e.field, e.code, e.data) for e in row.errors] == [("", "csv_row_too_long", {"count": 7, "expected": 6})]


def test_short_rows_are_padded() -> None:
    row = only_row(parse(csv_bytes(HEADER + ";Téléphone", GOOD)))
    assert row.valid and row.child is not None and row.child.guardians == ()


def test_header_only_file_has_no_rows() -> None:
    preview = parse(csv_bytes(HEADER))
    assert preview.rows == () and preview.missing == ()


def test_line_endings_lf_and_cr() -> None:
    for newline in ("\n", "\r"):
        assert only_row(parse(csv_bytes(HEADER, GOOD, newline=newline))).valid


def test_excel_formula_keeping_leading_zeros() -> None:
    row = child_of(HEADER, 'Dupont;Léa;12/03/2024;F;="00123";28')
    assert row.child is not None and row.child.inclusion_number == "00123"


# --- headers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "field"), [
    ("Nom", "last_name"), ("NOM DE NAISSANCE", "last_name"), ("Nom d'usage", "last_name"), (" nom ", "last_name"),
    ("Prénom", "first_name"), ("prenom", "first_name"), ("PRÉNOMS", "first_name"),
    ("Date de naissance", "birth_date"), ("DDN", "birth_date"), ("Né(e) le", "birth_date"), ("Née le", "birth_date"),
    ("Date de naissance (jj/mm/aaaa)", "birth_date"),
    ("Sexe", "sex"), ("Sexe (F/M)", "sex"),
    ("N° d'inclusion", "inclusion_number"), ("Nº inclusion", "inclusion_number"), ("No inclusion", "inclusion_number"),
    ("Numéro d'inclusion", "inclusion_number"), ("N° COCON", "inclusion_number"), ("Identifiant", "inclusion_number"),
    ("Terme", "gestational_weeks"), ("AG", "gestational_weeks"), ("Âge gestationnel", "gestational_weeks"),
    ("SA", "gestational_weeks"), ("Terme (SA)", "gestational_weeks"), ("AG (SA+j)", "gestational_weeks"),
    ("Poids de naissance", "birth_weight_g"), ("Poids de naissance (g)", "birth_weight_g"),
    ("Poids (kg)", "birth_weight_g"),
    ("Réseau", "network"), ("Date d'inclusion", "inclusion_date"), ("Groupe de risque", "risk_group"),
    ("Parent", "guardian_name"), ("Représentant légal", "guardian_name"), ("Représentant(e) légal(e)", "guardian_name"),
    ("Téléphone", "guardians[0].phone"), ("Tél.", "guardians[0].phone"), ("Courriel", "guardians[0].email"),
    ("E-mail", "guardians[0].email"), ("NIR", "nir"), ("Code postal", "guardians[0].postcode"),
])
def test_header_synonyms(header: str, field: str) -> None:
    found = recognise(header)
    assert found is not None and found[0] == field


def test_synonyms_are_unambiguous_and_name_known_fields() -> None:
    all_synonyms = [s for synonyms in SYNONYMS.values() for s in synonyms]
    assert len(all_synonyms) == len(set(all_synonyms))
    assert set(SYNONYMS) <= set(IMPORT_FIELDS)


def test_birth_name_wins_over_usual_name() -> None:
    preview = parse(csv_bytes("Nom d'usage;Nom de naissance;Prénom;DDN;Sexe;N° COCON;AG",
                              "Martin;Dupont;Léa;12/03/2024;F;RPO-1;28"))
    assert preview.mapping == {"Nom de naissance": "last_name", "Prénom": "first_name", "DDN": "birth_date",
                               "Sexe": "sex", "N° COCON": "inclusion_number", "AG": "gestational_weeks"}
    assert preview.unmapped == ("Nom d'usage",)
    child = only_row(preview).child
    assert child is not None and child.last_name == "Dupont"


def test_mapping_override() -> None:
    raw = csv_bytes("Patient;Prénom;Naissance;Sexe;Dossier;Terme;Notes", "Dupont;Léa;12/03/2024;F;D-9;28;x")
    preview = parse(raw)
    assert set(preview.unmapped) == {"Patient", "Dossier", "Notes"}
    assert preview.missing == ("last_name", "inclusion_number")
    preview = parse(raw, mapping={"patient": "last_name", "Dossier": "inclusion_number", "Sexe": None})
    assert preview.mapping["Patient"] == "last_name" and "Sexe" in preview.unmapped
    assert preview.missing == ("sex",)
    assert codes(only_row(preview)) == [("sex", "required")]


@pytest.mark.parametrize(("mapping", "code"), [({"Nom": "shoe_size"}, "import_field_unknown"),
                                               ({"Nom": "last_name", "Prénom": "last_name"}, "import_field_twice")])
def test_bad_mapping(mapping: dict[str, str | None], code: str) -> None:
    with pytest.raises(CoconError) as caught:
        parse(csv_bytes(HEADER, GOOD), mapping=mapping)
    assert caught.value.code == code


def test_missing_columns_refuse_every_row_with_required() -> None:
    preview = parse(csv_bytes("Nom;Prénom;DDN;N° d'inclusion;Commentaire", "Dupont;Léa;12/03/2024;RPO-1;rien"))
    assert preview.missing == ("sex", "gestational_weeks")
    assert preview.unmapped == ("Commentaire",)
    assert codes(only_row(preview)) == [("sex", "required"), ("gestational_weeks", "required")]


def test_no_network_anywhere_is_missing() -> None:
    preview = parse(csv_bytes(HEADER, GOOD), network="")
    assert preview.missing == ("network",)


# --- values ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("term", "weeks", "days"), [
    ("28", 28, 0), ("28+3", 28, 3), ("28 + 3", 28, 3), ("28 SA 3 j", 28, 3), ("28SA+3j", 28, 3),
    ("28 SA et 3 jours", 28, 3), ("28 3/7", 28, 3), ("28+3 SA", 28, 3), ("28 SA", 28, 0), ("28,0", 28, 0),
    ("32 sem 6 j", 32, 6), ("24s5j", 24, 5),
])
def test_terms(term: str, weeks: int, days: int) -> None:
    child = child_of(HEADER, f"Dupont;Léa;12/03/2024;F;RPO-1;{term}").child
    assert child is not None and (child.gestational_weeks, child.gestational_days) == (weeks, days)


@pytest.mark.parametrize(("term", "code"), [
    ("28,5", "gestational_age_ambiguous"), ("28.43", "gestational_age_ambiguous"), ("283", "gestational_age_invalid"),
    ("vingt-huit", "gestational_age_invalid"), ("28+9", "gestational_days_range"), ("45", "gestational_age_range"),
])
def test_bad_terms(term: str, code: str) -> None:
    row = only_row(parse(csv_bytes(HEADER, f"Dupont;Léa;12/03/2024;F;RPO-1;{term}")))
    assert codes(row) == [("gestational_weeks", code)]
    if code in ("gestational_age_ambiguous", "gestational_age_invalid"):
        assert row.errors[0].data == {"value": term}


def test_days_in_their_own_column() -> None:
    child = child_of(HEADER + ";Jours", GOOD.replace("28+3", "29") + ";4").child
    assert child is not None and (child.gestational_weeks, child.gestational_days) == (29, 4)


@pytest.mark.parametrize(("cell", "sex"), [("F", "F"), ("f", "F"), ("Fille", "F"), ("féminin", "F"), ("2", "F"),
                                           ("M", "M"), ("G", "M"), ("Garçon", "M"), ("GARCON", "M"), ("Masculin", "M"),
                                           ("1", "M")])
def test_sexes(cell: str, sex: str) -> None:
    child = child_of(HEADER, f"Dupont;Léa;12/03/2024;{cell};RPO-1;28").child
    assert child is not None and child.sex == sex


def test_unknown_sex() -> None:
    row = only_row(parse(csv_bytes(HEADER, "Dupont;Léa;12/03/2024;X;RPO-1;28")))
    assert [(e.field, e.code, e.data) for e in row.errors] == [("sex", "sex_unknown", {"value": "X"})]


@pytest.mark.parametrize(("cell", "grams"), [("1200", 1200), ("1 200", 1200), ("1200 g", 1200), ("1,2 kg", 1200),
                                             ("1.2kg", 1200), ("1,2", 1200), ("0,85", 850), ("1,200", 1200),
                                             ("850 grammes", 850)])
def test_birth_weights(cell: str, grams: int) -> None:
    child = child_of(HEADER + ";Poids de naissance", f"{GOOD};{cell}").child
    assert child is not None and child.birth_weight_g == grams


@pytest.mark.parametrize(("cell", "code"), [("lourd", "birth_weight_invalid"), ("-5", "birth_weight_invalid"),
                                            ("12", "birth_weight_range")])
def test_bad_birth_weights(cell: str, code: str) -> None:
    assert codes(only_row(parse(csv_bytes(HEADER + ";Poids", f"{GOOD};{cell}")))) == [("birth_weight_g", code)]


@pytest.mark.parametrize(("cell", "network"), [("RPM", "RPM"), ("rpo", "RPO"), ("RPNA", "RPNA"), ("PACA", "RPM"),
                                               ("Occitanie", "RPO"), ("Nouvelle-Aquitaine", "RPNA"),
                                               ("Réseau Périnatalité Occitanie", "RPO"), ("", "RPM")])
def test_networks(cell: str, network: str) -> None:
    child = child_of(HEADER + ";Réseau", f"{GOOD};{cell}", network="RPM").child
    assert child is not None and child.network == network


def test_unknown_network() -> None:
    row = only_row(parse(csv_bytes(HEADER + ";Réseau", f"{GOOD};Bretagne")))
    assert [(e.field, e.code, e.data) for e in row.errors] == [("network", "network_unknown", {"value": "Bretagne"})]


@pytest.mark.parametrize(("cell", "day"), [("12/03/2024", date(2024, 3, 12)), ("12/03/24", date(2024, 3, 12)),
                                           ("2024-03-12", date(2024, 3, 12)), ("12.03.2024", date(2024, 3, 12)),
                                           ("12/03/2024 00:00:00", date(2024, 3, 12)),
                                           ("2024-03-12T00:00:00", date(2024, 3, 12)), ("1/3/2024", date(2024, 3, 1))])
def test_dates(cell: str, day: date) -> None:
    child = child_of(HEADER, f"Dupont;Léa;{cell};F;RPO-1;28").child
    assert child is not None and child.birth_date == day


@pytest.mark.parametrize("cell", ["31/02/2024", "29/02/2023", "2024-13-01", "demain", "12/03"])
def test_impossible_dates_are_row_errors(cell: str) -> None:
    preview = parse(csv_bytes(HEADER + ";Date d'inclusion", f"Dupont;Léa;{cell};F;RPO-1;28;{cell}"))
    row = only_row(preview)
    assert row.row == 2 and row.child is None
    assert [(e.field, e.code, e.data) for e in row.errors] == [("birth_date", "date_invalid", {"value": cell}),
                                                               ("inclusion_date", "date_invalid", {"value": cell})]


def test_future_birth_and_birth_before_the_pathway() -> None:
    assert codes(only_row(parse(csv_bytes(HEADER, GOOD.replace("12/03/2024", "01/01/2026"))))) == [
        ("birth_date", "date_in_future")]
    row = child_of(HEADER, GOOD.replace("12/03/2024", "01/08/2022"))
    assert [w.code for w in row.warnings] == ["born_before_pathway_warning"]


def test_risk_group_inclusion_date_criteria_and_nir() -> None:
    row = child_of(HEADER + ";Groupe de risque;Date d'inclusion;Critères d'inclusion;NIR",
                   f"{GOOD};Risque modéré;02/05/2024;< 33 SA, RCIU;2 24 03 13 055 123 43")
    child = row.child
    assert child is not None
    assert (child.risk_group, child.inclusion_date) == ("modere", date(2024, 5, 2))
    assert child.inclusion_criteria == ("ag_lt_33", "rciu")
    assert child.nir == "224031305512343"


def test_unknown_risk_group() -> None:
    assert codes(only_row(parse(csv_bytes(HEADER + ";Groupe", f"{GOOD};énorme")))) == [
        ("risk_group", "risk_group_unknown")]


def test_guardian_from_one_name_column() -> None:
    row = child_of(HEADER + ";Représentant légal;Lien;Téléphone;Courriel;CP",
                   f"{GOOD};Mme BERNARD Sarah;Mère;612345678;s.bernard@example.org;6000")
    guardian = row.child.guardians[0] if row.child else None
    assert guardian is not None
    assert (guardian.last_name, guardian.first_name, guardian.relation) == ("BERNARD", "Sarah", "mere")
    assert (guardian.phone, guardian.email, guardian.postcode) == ("0612345678", "s.bernard@example.org", "06000")
    assert row.warnings == ()


def test_guardian_name_without_capitals_is_kept_whole() -> None:
    row = child_of(HEADER + ";Parent", f"{GOOD};Sarah Bernard")
    guardian = row.child.guardians[0] if row.child else None
    assert guardian is not None and (guardian.last_name, guardian.first_name, guardian.relation) == (
        "Sarah Bernard", "", "autre")


def test_guardian_contact_without_a_name_takes_the_child_name_with_a_warning() -> None:
    row = child_of(HEADER + ";Téléphone", f"{GOOD};06 12 34 56 78")
    assert row.child is not None and row.child.guardians[0].last_name == "Dupont"
    assert [(w.field, w.code) for w in row.warnings] == [("guardians[0].last_name", "guardian_name_from_child_warning")]


def test_bad_guardian_email_names_the_guardian_field() -> None:
    assert codes(only_row(parse(csv_bytes(HEADER + ";Parent;Courriel", f"{GOOD};Bernard;pas-une-adresse")))) == [
        ("guardians[0].email", "email_invalid")]


# --- duplicates inside the file ---------------------------------------------------------------------------------


def test_same_inclusion_number_twice() -> None:
    rows = parse(csv_bytes(HEADER, GOOD, "Martin;Noah;01/02/2024;M; rpo-2024-001 ;31")).rows
    assert rows[0].valid
    assert [(e.field, e.code, e.data) for e in rows[1].errors] == [
        ("inclusion_number", "duplicate_in_file_inclusion", {"row": 2})]


def test_same_child_twice_accents_and_case_aside() -> None:
    rows = parse(csv_bytes(HEADER, GOOD, "DUPONT;Lea;2024-03-12;F;RPO-2024-002;28+3")).rows
    assert rows[0].valid
    assert [(e.field, e.code, e.data) for e in rows[1].errors] == [("last_name", "duplicate_in_file_child", {"row": 2})]


def test_a_duplicate_of_a_refused_row_is_refused_too() -> None:
    rows = parse(csv_bytes(HEADER, "Dupont;Léa;12/03/2024;X;RPO-1;28", "Martin;Noah;01/02/2024;M;RPO-1;31")).rows
    assert [r.valid for r in rows] == [False, False]
    assert codes(rows[1]) == [("inclusion_number", "duplicate_in_file_inclusion")]


# --- whatever the bytes, a CoconError or a preview --------------------------------------------------------------


def _parse_or_coded_error(raw: bytes) -> None:
    try:
        preview = parse(raw)
    except CoconError as exc:  # ValidationError is one too
        assert exc.code
        return
    for row in preview.rows:
        assert row.valid == (not row.errors)
        assert row.row >= 2


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes(raw: bytes) -> None:
    _parse_or_coded_error(raw)


CSV_CHARS = st.sampled_from([*';,\t"\n\r =+/-.:0123456789azAZéÉçœ', "28+3", "12/03/2024", "F", "RPM"])


@settings(max_examples=300, deadline=None)
@given(st.lists(CSV_CHARS, max_size=120).map("".join), st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_any_csv_like_text(body: str, encoding: str) -> None:
    _parse_or_coded_error(body.encode(encoding))
    _parse_or_coded_error((HEADER + "\n" + body).encode(encoding))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=8), max_size=6))
def test_any_cells_under_a_known_header(cells: list[list[str]]) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER.split(";"))
    writer.writerows(cells)
    _parse_or_coded_error(out.getvalue().encode("utf-8"))
