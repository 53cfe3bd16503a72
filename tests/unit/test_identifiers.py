"""Identifiers a therapist types: real check digits, each problem named by a code."""

from __future__ import annotations

import pytest

from cocon_desktop.domain import identifiers as ids


def nir_key(first13: str) -> str:
    """The NIR key computed here independently: 97 - (n mod 97), Corsica 2A → 19 and 2B → 18."""
    department = first13[5:7]
    number = first13[:5] + {"2A": "19", "2B": "18"}.get(department, department) + first13[7:]
    return f"{97 - int(number) % 97:02d}"


@pytest.mark.parametrize("value", ["91234567500017", "912 345 675 00017", "35600000000048", "35600000049837"])
def test_siret_valid(value: str) -> None:
    # 35600000000048 is La Poste's head office (Luhn); 35600000049837 is a post office: La Poste's
    # establishments use "sum of digits multiple of 5" instead of Luhn.
    assert ids.check_siret(value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [("91234567500018", "siret_checksum"), ("9123456750001", "siret_length"), ("", "siret_length"),
     ("35600000049838", "siret_checksum"), ("912345675000170", "siret_length")],
)
def test_siret_invalid(value: str, code: str) -> None:
    assert ids.check_siret(value) == code


def test_siren() -> None:
    assert ids.check_siren("912 345 675") is None
    assert ids.check_siren("912345676") == "siren_invalid"


def test_rpps() -> None:
    assert ids.check_rpps("10001234565") is None
    assert ids.check_rpps("10001234566") == "rpps_luhn_warning"
    assert ids.check_rpps("1000123456") == "rpps_length"
    assert ids.check_rpps("1000123456a") == "rpps_length"


def test_adeli_format() -> None:
    assert ids.check_adeli("751234567") is None
    assert ids.check_adeli("75 123 456 7") is None
    assert ids.check_adeli("75123456") == "adeli_format"
    assert ids.check_adeli("7512345678") == "adeli_format"


def test_iban() -> None:
    assert ids.check_iban("FR89 3000 1000 6400 0000 0000 000") is None
    assert ids.check_iban("FR7630006000011234567890189") is None
    assert ids.check_iban("FR8930001000640000000000001") == "iban_invalid"
    assert ids.check_iban("FR8930001") == "iban_invalid"


def test_bic() -> None:
    assert ids.check_bic("BDFEFRPP") is None
    assert ids.check_bic("BDFEFRPPXXX") is None
    assert ids.check_bic("BDFEFRP") == "bic_invalid"
    assert ids.check_bic("BDF1FRPP") == "bic_invalid"


@pytest.mark.parametrize("first13", ["1850578006084", "2900213004011", "185052A006084", "290022B004011"])
def test_nir_with_its_key(first13: str) -> None:
    key = nir_key(first13)
    assert ids.check_nir(first13 + key) is None
    wrong = f"{(int(key) % 97) + 1:02d}"
    assert ids.check_nir(first13 + wrong) == "nir_key"


def test_nir_corsica_departments_are_not_interchangeable() -> None:
    key_2a = nir_key("185052A006084")
    assert ids.check_nir("185052A006084" + key_2a) is None
    assert ids.check_nir("185052B006084" + key_2a) == "nir_key"


def test_nir_with_spaces_and_wrong_length() -> None:
    key = nir_key("1850578006084")
    assert ids.check_nir(f"1 85 05 78 006 084 {key}") is None
    assert ids.check_nir("18505780060") == "nir_length"


@pytest.mark.parametrize(("value", "ok"), [("alice@example.org", True), (" a.b@c.fr ", True),
                                           ("alice@example", False), ("a b@c.fr", False), ("", False)])
def test_email(value: str, ok: bool) -> None:
    assert (ids.check_email(value) is None) is ok


@pytest.mark.parametrize(("value", "ok"), [("05 61 00 00 00", True), ("0561000000", True),
                                           ("+33 5 61 00 00 00", True), ("05 61 00 00", False),
                                           ("1561000000", False), ("+33 5", False)])
def test_phone(value: str, ok: bool) -> None:
    assert (ids.check_phone(value) is None) is ok


@pytest.mark.parametrize(("value", "ok"), [("31000", True), ("20000", True), ("3100", False),
                                           ("310000", False), ("2A000", False)])
def test_postcode(value: str, ok: bool) -> None:
    assert (ids.check_postcode(value) is None) is ok
