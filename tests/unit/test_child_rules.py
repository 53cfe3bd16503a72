"""The child's file: every bad input gets its code at its field."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cocon_desktop.domain.child import ChildData, GuardianData, validate_child
from cocon_desktop.domain.prescription import PrescriptionData, validate_prescription
from cocon_desktop.domain.tariffs import parse_tariff
from tests.unit.test_tariffs import _load

TODAY = date(2026, 11, 23)
CHILD = ChildData(last_name="Martin", first_name="Léo", birth_date=date(2025, 2, 3), sex="M",
                  gestational_weeks=29, gestational_days=4, birth_weight_g=1150, inclusion_number="RPM-2025-0001",
                  network="RPM", guardians=(GuardianData(last_name="Martin", first_name="Anne"),))


def _codes(child: ChildData) -> dict[str, str]:
    return {e.field: e.code for e in validate_child(child, TODAY)}


def test_valid_child_has_no_problem() -> None:
    assert validate_child(CHILD, TODAY) == []
    assert CHILD.initials == "L. M." and CHILD.display_name == "MARTIN Léo"


def test_bad_inputs_are_named_at_their_field() -> None:
    assert _codes(replace(CHILD, birth_date=date(2027, 1, 1)))["birth_date"] == "date_in_future"
    assert _codes(replace(CHILD, gestational_weeks=45))["gestational_weeks"] == "gestational_age_range"
    assert _codes(replace(CHILD, gestational_weeks=21))["gestational_weeks"] == "gestational_age_range"
    assert _codes(replace(CHILD, inclusion_date=date(2024, 1, 1)))["inclusion_date"] == "date_before_birth"
    assert _codes(replace(CHILD, exit_date=date(2026, 1, 1)))["exit_reason"] == "exit_reason_required"
    assert _codes(replace(CHILD, nir="1 84 12 75 108 123 45"))["nir"] == "nir_key"
    assert _codes(replace(CHILD, identity_status="qualifiee"))["identity_status"] == "identity_qualified_needs_source"
    assert "identity_status" not in _codes(replace(CHILD, identity_status="qualifiee", identity_source="INSi 2026-01"))
    bad_guardian = replace(CHILD, guardians=(GuardianData(last_name="", email="pas-un-courriel"),))
    codes = _codes(bad_guardian)
    assert codes["guardians[0].last_name"] == "required" and codes["guardians[0].email"] == "email_invalid"


def test_corsican_nir_with_a_valid_key_passes() -> None:
    # 2A counts as 19 for the key: 97 - (1 85 05 19 004 012 mod 97)
    body = 1850519004012
    key = 97 - body % 97
    assert "nir" not in _codes(replace(CHILD, nir=f"1850520A004012{key:02d}".replace("20A", "2A")))


def test_born_before_the_pathway_is_only_a_warning() -> None:
    problems = validate_child(replace(CHILD, birth_date=date(2022, 6, 1)), TODAY)
    assert [(p.code, p.blocking) for p in problems] == [("born_before_pathway_warning", False)]


def test_prescription_rules() -> None:
    tariff = parse_tariff(_load("RPM"))
    good = PrescriptionData(child_id=1, discipline="psychomotricite", forfait_kind="precoce_0_24",
                            sessions_authorised=20, valid_from=date(2025, 6, 1), valid_until=date(2026, 5, 31),
                            prescribed_on=date(2025, 5, 20))
    assert validate_prescription(good, tariff, CHILD.birth_date, TODAY) == []
    codes = {e.field: e.code for e in validate_prescription(
        replace(good, sessions_authorised=0, valid_until=date(2025, 5, 1), prescribed_on=date(2027, 1, 1)),
        tariff, CHILD.birth_date, TODAY)}
    assert codes == {"sessions_authorised": "sessions_positive", "valid_until": "end_before_start",
                     "prescribed_on": "date_in_future"}
    ergo = replace(good, discipline="ergotherapie")
    assert [e.code for e in validate_prescription(ergo, tariff, CHILD.birth_date, TODAY)] == [
        "discipline_not_in_forfait"]
    assert [e.code for e in validate_prescription(replace(good, forfait_kind="inconnu"), tariff, CHILD.birth_date,
                                                  TODAY)] == ["forfait_unknown"]
