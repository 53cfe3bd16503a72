"""Issue 19 #6 and #11 in the domain: lengths declared once (domain/limits.py) and enforced by each record's rules,
dates in the years a person's dates take, amounts that are numbers, a list to import refused by its size before
it is parsed, and the import's own cell readers linear."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest

from cocon_desktop import messages
from cocon_desktop.domain import limits
from cocon_desktop.domain.attestation import parse_period
from cocon_desktop.domain.child import ChildData, GuardianData, validate_child
from cocon_desktop.domain.csv_children import parse_children
from cocon_desktop.domain.csv_values import full_name
from cocon_desktop.domain.money import is_whole_cents
from cocon_desktop.domain.prescription import PrescriberData, validate_prescriber
from cocon_desktop.domain.seance import SeanceData, validate_seance
from cocon_desktop.domain.text import parse_date_fr
from cocon_desktop.errors import CoconError, ValidationError
from tests.conftest import PROFILE

TODAY = date(2026, 6, 1)
CHILD = ChildData(last_name="Martin", first_name="Léa", birth_date=date(2025, 3, 12), sex="F", gestational_weeks=30,
                  inclusion_number="RPO-2025-0001", network="RPO")
HEADER = "N° d'inclusion;Nom;Prénom;Date de naissance;Sexe;Terme;Réseau"


def blocking(errors: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(e.field, e.code) for e in errors if e.blocking]


def test_a_100000_character_name_is_refused_in_french() -> None:
    long = "A" * 100_000
    errors = validate_child(CHILD.__class__(**{**CHILD.__dict__, "last_name": long}), TODAY)
    assert blocking(errors) == [("last_name", "too_long")]
    assert messages.describe_field(errors[0]) == "Nom : Trop long : 100 caractères au plus."
    assert validate_child(CHILD, TODAY) == []
    at_limit = CHILD.__class__(**{**CHILD.__dict__, "first_name": "é" * limits.NAME})
    assert blocking(validate_child(at_limit, TODAY)) == []


def test_every_text_field_of_a_child_and_its_guardian_is_bounded() -> None:
    guardian = GuardianData(last_name="Martin", address="x" * (limits.ADDRESS + 1), email="a" * 300 + "@b.fr")
    child = CHILD.__class__(**{**CHILD.__dict__, "inclusion_number": "R" * 41, "identity_source": "s" * 201,
                               "guardians": (guardian,)})
    found = blocking(validate_child(child, TODAY))
    assert ("inclusion_number", "too_long") in found and ("identity_source", "too_long") in found
    assert ("guardians[0].address", "too_long") in found and ("guardians[0].email", "too_long") in found


def test_notes_prescribers_and_the_practice_are_bounded() -> None:
    seance = SeanceData(child_id=1, day=TODAY, start=__import__("datetime").time(10), note="n" * (limits.NOTE + 1))
    assert ("note", "note_too_long") in blocking(validate_seance(seance, date(2025, 1, 1), None))
    prescriber = PrescriberData(last_name="L" * 101, place="p" * 201)
    assert blocking(validate_prescriber(prescriber)) == [("last_name", "too_long"), ("place", "too_long")]
    from cocon_desktop.domain.practice import validate_profile

    profile = PROFILE.__class__(**{**PROFILE.__dict__, "address": "rue " * 100})
    assert ("address", "too_long") in blocking(validate_profile(profile))


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "31/12/9999", "01/01/0001", "1899-12-31",
                                  "2200-01-01"])
def test_dates_outside_the_years_a_person_uses_are_no_dates(text: str) -> None:
    assert parse_date_fr(text) is None


def test_dates_within_the_years_still_read() -> None:
    assert parse_date_fr("1900-01-01") == date(1900, 1, 1)
    assert parse_date_fr("31/12/2199") == date(2199, 12, 31)
    assert parse_date_fr("12/03/24") == date(2024, 3, 12)


@pytest.mark.parametrize("text", ["2026-01..9999-12", "9999-12", "9999", "0001..2026", "2026-01..9999-12-31"])
def test_periods_in_year_1_or_9999_are_refused_not_overflowing(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_period(text)
    assert refused.value.errors[0].code == "period_invalid"


def test_amounts_that_are_no_cents() -> None:
    for text in ("NaN", "sNaN", "Infinity", "-Infinity", "1e400", "1e-400"):
        assert not is_whole_cents(Decimal(text))
    assert is_whole_cents(Decimal("12.50"))


def test_an_oversized_list_is_refused_before_it_is_decoded() -> None:
    """Bytes that are no text at all: refused for their size first (decoding 10 MB would come after)."""
    huge = b"\x00" * (limits.IMPORT_FILE_BYTES + 1)
    started = time.perf_counter()
    with pytest.raises(CoconError) as refused:
        parse_children(huge, TODAY, "RPO")
    assert refused.value.code == "csv_too_large"
    assert time.perf_counter() - started < 1.0
    assert "Rien n'a été lu ni importé" in messages.describe(refused.value)


def test_a_list_of_too_many_rows_is_refused_as_a_whole() -> None:
    rows = "\n".join([HEADER] + ["x;y;z;01/01/2025;F;30;RPO"] * (limits.IMPORT_ROWS + 1))
    with pytest.raises(CoconError) as refused:
        parse_children(rows.encode(), TODAY, "RPO")
    assert refused.value.code == "csv_too_many_rows"


def test_a_long_name_in_a_list_is_refused_at_its_row() -> None:
    raw = "\n".join([HEADER, f"RPO-1;{'A' * 100_000};Léa;12/03/2025;F;30;RPO", "RPO-2;Martin;Léo;12/03/2025;M;31;RPO"])
    preview = parse_children(raw.encode(), TODAY, "RPO")
    assert [(r.row, r.valid) for r in preview.rows] == [(2, False), (3, True)]
    assert [(e.field, e.code) for e in preview.rows[0].errors] == [("last_name", "too_long")]


def test_a_parent_cell_of_thousands_of_words_is_read_in_linear_time() -> None:
    cell = " ".join(["DUPONT", "Marie"] * 20_000)  # a list search made this quadratic: minutes
    started = time.perf_counter()
    last, first = full_name(cell)
    assert time.perf_counter() - started < 2.0
    assert last.startswith("DUPONT DUPONT") and first.startswith("Marie Marie")
