"""The practice profile form: what blocks saving, what only warns, and the "EI" on invoices."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cocon_desktop.domain.practice import PracticeProfile, validate_profile
from cocon_desktop.errors import ValidationError
from cocon_desktop.services.practice_profile import validated
from tests.conftest import PROFILE


def test_complete_profile_has_no_blocking_error() -> None:
    assert [e for e in validate_profile(PROFILE) if e.blocking] == []
    assert validated(PROFILE) == PROFILE.normalized()


def test_missing_required_fields() -> None:
    errors = validate_profile(PracticeProfile())
    by_field = {e.field: e.code for e in errors}
    for name in ("name", "address", "postcode", "city", "siret", "iban"):
        assert by_field[name] == "required"
    assert by_field["rpps"] == "rpps_or_adeli_required"
    assert all(e.blocking for e in errors)


def test_blank_spaces_count_as_missing() -> None:
    errors = validate_profile(replace(PROFILE, city="   "))
    assert [(e.field, e.code) for e in errors] == [("city", "required")]


def test_rpps_or_adeli() -> None:
    assert validate_profile(replace(PROFILE, rpps="", adeli="751234567")) == []
    errors = validate_profile(replace(PROFILE, rpps="", adeli=""))
    assert [(e.field, e.code) for e in errors] == [("rpps", "rpps_or_adeli_required")]


def test_rpps_luhn_failure_is_only_a_warning() -> None:
    errors = validate_profile(replace(PROFILE, rpps="10001234566"))
    assert [(e.field, e.code, e.severity) for e in errors] == [("rpps", "rpps_luhn_warning", "warning")]
    assert not errors[0].blocking
    assert validated(replace(PROFILE, rpps="10001234566")).rpps == "10001234566"


def test_invalid_identifiers_are_reported_at_their_field() -> None:
    bad = replace(PROFILE, siret="91234567500018", iban="FR8930001000640000000000001", bic="XX",
                  email="alice", phone="12", postcode="310", profession="astrologue", network="XYZ")
    with pytest.raises(ValidationError) as caught:
        validated(bad)
    by_field = {e.field: e.code for e in caught.value.errors}
    assert by_field == {"siret": "siret_checksum", "iban": "iban_invalid", "bic": "bic_invalid",
                        "email": "email_invalid", "phone": "phone_invalid", "postcode": "postcode_invalid",
                        "profession": "choice_invalid", "network": "choice_invalid"}


def test_normalized_compacts_identifiers() -> None:
    typed = replace(PROFILE, siret="912 345 675 00017", iban="fr89 3000 1000 6400 0000 0000 000",
                    bic=" bdfefrpp", name="  Alice Dupont ")
    assert validated(typed) == PROFILE


def test_legal_name_ends_with_ei() -> None:
    assert PROFILE.legal_name == "Alice Dupont EI"
    assert replace(PROFILE, name="Alice Dupont EI").legal_name == "Alice Dupont EI"
    assert replace(PROFILE, name=" Alice Dupont ").legal_name == "Alice Dupont EI"


def test_region_follows_network() -> None:
    assert PROFILE.region == "Occitanie"
    assert replace(PROFILE, network="XYZ").region == ""
