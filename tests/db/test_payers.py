"""The payers typed in Paramètres for a pathway whose payers are configured (issue 22, S3: services/payers.py on a
real encrypted practice): PCO1, PCO2… given once and never again, updated, disabled but never deleted, listed;
every refusal a French sentence next to its field; COCON's networks are fixed by its file and cannot be added."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from cocon_desktop.domain.pathways import FixedPayer, Pathway
from cocon_desktop.domain.payers import next_code
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.messages import MESSAGES, describe, describe_field
from cocon_desktop.models import Payer
from cocon_desktop.services import payers
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.pathway_store import shipped_pathways
from cocon_desktop.services.payers import PayerData
from cocon_desktop.services.practice_handle import Practice

PCO = PayerData(name="  PCO-TND de la Gironde ", street="10 rue des Platanes", postcode="33000", city="Bordeaux",
                siret="356 000 000 00048", reference="CONV-2026-17")


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {error.field: error.code for error in excinfo.value.errors}


def test_add_update_disable_and_list(practice: Practice) -> None:
    done = practice.write(payers.add_payer, "pco-tnd", PCO)
    first = done.value
    assert done.changes == Changes.PROFILE  # the buyers' views read again, as after a network's address
    assert (first.code, first.pathway, first.active) == ("PCO1", "pco-tnd", True)
    assert (first.name, first.siret, first.reference) == ("PCO-TND de la Gironde", "35600000000048", "CONV-2026-17")
    second = payers.add_payer(practice.sessions, "pco-tnd", dataclasses.replace(PCO, name="PCO des Landes",
                                                                              siret="", reference=""))
    assert second.code == "PCO2" and second.siret == ""

    changed = payers.update_payer(practice.sessions, "PCO1", dataclasses.replace(first.data, city="Mérignac",
                                                                               postcode="33700"))
    assert (changed.code, changed.pathway, changed.city, changed.postcode) == ("PCO1", "pco-tnd", "Mérignac",
                                                                                 "33700")
    assert payers.get_payer(practice.sessions, "PCO1") == changed

    disabled = practice.write(payers.disable_payer, "PCO1")
    assert disabled.changes == Changes.PROFILE and disabled.value.active is False
    assert [p.code for p in payers.list_payers(practice.sessions)] == ["PCO1", "PCO2"]  # kept, never deleted
    assert [p.code for p in payers.list_payers(practice.sessions, active_only=True)] == ["PCO2"]
    assert [p.code for p in payers.list_payers(practice.sessions, "cocon")] == []
    assert payers.get_payer(practice.sessions, "PCO1").city == "Mérignac"  # what invoices will name stays
    assert payers.enable_payer(practice.sessions, "PCO1").active is True


def test_codes_are_never_given_twice(practice: Practice) -> None:
    codes = [payers.add_payer(practice.sessions, "pco-tnd", PCO).code for _ in range(3)]
    assert codes == ["PCO1", "PCO2", "PCO3"]
    payers.disable_payer(practice.sessions, "PCO3")
    payers.disable_payer(practice.sessions, "PCO2")
    assert payers.add_payer(practice.sessions, "pco-tnd", PCO).code == "PCO4"  # not PCO2 nor PCO3 again
    for _ in range(6):
        payers.add_payer(practice.sessions, "pco-tnd", PCO)
    listed = [p.code for p in payers.list_payers(practice.sessions, "pco-tnd")]
    assert listed == [f"PCO{n}" for n in range(1, 11)]  # PCO10 after PCO9, not after PCO1
    assert next_code("PCO", ["PCO9", "PCO10", "PCOX", "RPM"]) == "PCO11"


def test_a_bad_siret_is_refused_next_to_its_field_and_nothing_is_written(practice: Practice) -> None:
    for siret, code in (("35600000000049", "payer_siret_checksum"), ("3560000000004", "siret_length"),
                        ("3560000000004A", "siret_length"), ("356000000000480", "siret_length")):
        with pytest.raises(ValidationError) as excinfo:
            payers.add_payer(practice.sessions, "pco-tnd", dataclasses.replace(PCO, siret=siret))
        assert _errors(excinfo) == {"siret": code}
        sentence = describe_field(excinfo.value.errors[0])
        assert sentence.startswith("SIRET : ") and code not in sentence, sentence
    assert "avis de situation" not in MESSAGES["payer_siret_checksum"]  # that is the practice's own SIRET
    assert payers.list_payers(practice.sessions) == []

    payers.add_payer(practice.sessions, "pco-tnd", PCO)
    with pytest.raises(ValidationError) as excinfo:
        payers.update_payer(practice.sessions, "PCO1", dataclasses.replace(PCO, siret="35600000000049"))
    assert _errors(excinfo) == {"siret": "payer_siret_checksum"}
    assert payers.get_payer(practice.sessions, "PCO1").siret == "35600000000048"


def test_every_field_is_checked_at_once(practice: Practice) -> None:
    bad = PayerData(name=" ", street="", postcode="3300", city="Bor\x1bdeaux", siret="", reference="R" * 41)
    with pytest.raises(ValidationError) as excinfo:
        payers.add_payer(practice.sessions, "pco-tnd", bad)
    assert _errors(excinfo) == {"name": "required", "street": "required", "postcode": "postcode_invalid",
                                "city": "text_has_control_characters", "reference": "too_long"}
    assert all(error.code in MESSAGES for error in excinfo.value.errors)
    assert "Adresse : Champ obligatoire." in describe(excinfo.value)
    assert payers.list_payers(practice.sessions) == []


def test_a_pathway_with_fixed_payers_refuses_configured_ones(practice: Practice) -> None:
    with pytest.raises(ValidationError) as excinfo:
        payers.add_payer(practice.sessions, "cocon", PCO)
    assert _errors(excinfo) == {"pathway": "payer_pathway_fixed"}
    assert describe(excinfo.value) == ("Parcours : Les payeurs du parcours COCON sont fixés par son fichier "
                                       "(chaque réseau y figure) : ils ne se saisissent pas ici.")
    with pytest.raises(ValidationError) as excinfo:
        payers.add_payer(practice.sessions, "base", PCO)
    assert _errors(excinfo) == {"pathway": "payer_pathway_unknown"}
    assert payers.list_payers(practice.sessions) == []
    with pytest.raises(CoconError) as missing:
        payers.update_payer(practice.sessions, "RPM", PCO)  # a network is not a row of this table
    assert missing.value.code == "payer_missing" and "RPM" in describe(missing.value)
    with pytest.raises(CoconError):
        payers.disable_payer(practice.sessions, "PCO1")


def _pathway(pathway_id: str, **payer_fields: object) -> Pathway:
    pco = shipped_pathways()["pco-tnd"]
    return dataclasses.replace(pco, id=pathway_id, payers=dataclasses.replace(pco.payers, **payer_fields))


def test_a_code_never_takes_a_fixed_payers_nor_exceeds_eight_characters(practice: Practice) -> None:
    """A made-up fixed pathway whose network is called PCO1: the first PCO gets PCO2. A prefix of six letters
    runs out after 99 payers (the column holds 8 characters) and says so instead of cutting a code."""
    fixed = _pathway("reseau-pco", mode="fixed", code_prefix="", tariff="",
                     fixed=(FixedPayer("PCO1", "Réseau PCO1", "Nulle part", "", "RPM"),))
    available = {"pco-tnd": shipped_pathways()["pco-tnd"], "reseau-pco": fixed}
    assert payers.add_payer(practice.sessions, "pco-tnd", PCO, available).code == "PCO2"

    long_prefix = _pathway("longue", code_prefix="ABCDEF")
    with practice.sessions.begin() as session:  # as if 98 had been added already
        session.add(Payer(code="ABCDEF98", pathway="longue", name="x", active=False, created_at=datetime.now(UTC)))
    assert payers.add_payer(practice.sessions, "longue", PCO, {"longue": long_prefix}).code == "ABCDEF99"
    with pytest.raises(ValidationError) as excinfo:
        payers.add_payer(practice.sessions, "longue", PCO, {"longue": long_prefix})
    assert _errors(excinfo) == {"pathway": "payer_codes_exhausted"}
    assert "ABCDEF" in describe(excinfo.value)
    assert {p.code for p in payers.list_payers(practice.sessions, "longue")} == {"ABCDEF98", "ABCDEF99"}
