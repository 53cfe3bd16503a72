"""The practice's own pathway and tariff files (issue 22, services/pathway_files.py): read from the folder
`parcours/` of its data folder, named when the practice is opened; a wrong file is left out with a French sentence
naming it and never stops the practice from opening (COCON works as before); an id the program ships or another
file took is refused; the files are read once per folder, each practice its own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from cocon_desktop.domain.pathways import parse_pathway
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.messages import describe
from cocon_desktop.paths import resources_dir
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import pathway_files, practice_handle
from cocon_desktop.services.enrolments import pathway_tariff
from cocon_desktop.services.pathway_files import extra_files, known_pathways, known_tariffs, pathway_problems
from cocon_desktop.services.pathway_store import enabled_pathways, set_enabled_pathways, shipped_pathways
from cocon_desktop.services.payer_buyers import payer_name, payer_party
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay, relay_targets
from cocon_desktop.services.tariff_store import load_tariffs, shipped_tariffs
from tests.base_samples import BASE_PATHWAY, BASE_TARIFF, write_base_files
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.pco_samples import rpm_child

SHIPPED = ["cocon", "pco-tnd"]


def _open(data_dir: Path) -> Practice:
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    return practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, profile, RecoveryKey.generate(),
                                           params=FAST_KDF)


@pytest.fixture
def with_base(tmp_path: Path) -> Iterator[Practice]:
    """A practice whose folder parcours/ holds BASE's files (written before it is opened)."""
    write_base_files(tmp_path / "base")
    opened = _open(tmp_path / "base")
    yield opened
    opened.close()


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, "utf-8")


def test_wrong_files_are_left_out_each_named_and_the_practice_opens(tmp_path: Path) -> None:
    data_dir = tmp_path / "cabinet"
    extra = data_dir / "parcours"
    _write(extra, "abime.toml", "id = \"abime\"\nlabel = \n")  # not TOML
    _write(extra, "pco.toml", BASE_PATHWAY.replace('id = "base"', 'id = "pco-tnd"'))  # a shipped id
    _write(extra, "sans-tarif.toml", BASE_PATHWAY.replace('id = "base"', 'id = "sans-tarif"'))  # BASE.toml absent
    _write(extra, "reseau.toml", BASE_PATHWAY.replace('id = "base"', 'id = "reseau"').replace('code = "BASE"',
                                                                                              'code = "RPM"'))
    _write(extra, "tarifs/RPM.toml", (resources_dir() / "tariffs" / "RPM.toml").read_text("utf-8"))  # shipped id
    _write(extra, "tarifs/vide.toml", "format = 2\n")  # TOML, not a tariff
    _write(extra, "tarifs/zz-enorme.toml", "# " + "x" * 1_000_000)  # over 1 MB: not read
    with _open(data_dir) as practice:
        assert list(known_pathways(practice.sessions)) == SHIPPED
        assert set(load_tariffs(practice.sessions)) == set(shipped_tariffs())
        assert [p.id for p in practice.read(enabled_pathways)] == ["cocon"]  # COCON works as before
        problems = {problem.file: describe(problem.error) for problem in pathway_problems(practice.sessions)}
        texts = [pathway_files.problem_text(problem) for problem in pathway_problems(practice.sessions)]
    assert list(problems) == ["parcours/tarifs/RPM.toml", "parcours/tarifs/vide.toml",
                              "parcours/tarifs/zz-enorme.toml", "parcours/abime.toml",
                              "parcours/pco.toml", "parcours/reseau.toml", "parcours/sans-tarif.toml"]
    assert problems["parcours/reseau.toml"] == ("Le code de payeur RPM est déjà celui d'un payeur d'un autre "
                                                "parcours : donnez-en un autre (code).")
    assert problems["parcours/tarifs/RPM.toml"] == ("Le tarif « RPM » est déjà livré avec le programme : donnez un "
                                                    "autre identifiant (tariff) à ce fichier.")
    assert problems["parcours/pco.toml"] == ("Le parcours « pco-tnd » est déjà livré avec le programme : donnez un "
                                             "autre identifiant (id) à ce fichier.")
    assert problems["parcours/sans-tarif.toml"] == ("Ce parcours nomme le tarif « BASE », qui n'existe pas : "
                                                    "ajoutez son fichier dans parcours/tarifs.")
    assert problems["parcours/abime.toml"].startswith("Ce fichier de parcours n'est pas un fichier TOML lisible : ")
    assert "tariff" in problems["parcours/tarifs/vide.toml"]  # each key at fault, named
    assert problems["parcours/tarifs/zz-enorme.toml"] == "Ce fichier ne peut pas être lu : fichier de plus de 1 Mo."
    assert texts[4] == ("parcours/pco.toml n'est pas utilisé. Le parcours « pco-tnd » est déjà livré avec le "
                        "programme : donnez un autre identifiant (id) à ce fichier.")


def test_a_second_file_with_the_same_id_is_refused(tmp_path: Path) -> None:
    write_base_files(tmp_path)
    _write(tmp_path / "parcours", "copie.toml", BASE_PATHWAY)  # after base.toml: the second is left out
    _write(tmp_path / "parcours", "tarifs/copie.toml", BASE_TARIFF)
    files = extra_files(tmp_path / "parcours")
    assert list(files.pathways) == ["base"] and list(files.tariffs) == ["BASE"]
    assert [(p.file, p.error.code) for p in files.problems] == [
        ("parcours/tarifs/copie.toml", "tariff_id_taken"), ("parcours/copie.toml", "pathway_id_taken")]


def test_each_practice_reads_its_own_folder_once(with_base: Practice, tmp_path: Path) -> None:
    other = _open(tmp_path / "autre")
    try:
        assert list(known_pathways(with_base.sessions)) == [*SHIPPED, "base"]
        assert list(known_pathways(other.sessions)) == SHIPPED
        assert "BASE" in known_tariffs(with_base.sessions) and "BASE" not in known_tariffs(other.sessions)
        assert "BASE" in load_tariffs(with_base.sessions) and "BASE" not in load_tariffs(other.sessions)
        assert pathway_problems(with_base.sessions) == pathway_problems(other.sessions) == ()
    finally:
        other.close()
    folder = tmp_path / "base" / "parcours"
    assert extra_files(folder) is extra_files(folder)  # cached by folder
    # sessions made without the practice's folder (a tool, a benchmark) know the shipped files alone
    assert list(known_pathways(sessionmaker(with_base.engine))) == SHIPPED
    assert shipped_pathways() is shipped_pathways() and "base" not in shipped_pathways()


def test_the_practice_chooses_a_pathway_of_its_folder(with_base: Practice) -> None:
    chosen = with_base.write(set_enabled_pathways, ["base", "cocon"]).value
    assert [p.id for p in chosen] == ["cocon", "base"]
    assert [p.id for p in with_base.read(enabled_pathways)] == ["cocon", "base"]


def test_a_pathway_says_whose_children_it_takes(with_base: Practice) -> None:
    known = known_pathways(with_base.sessions)
    assert known["base"].relay_from == ("cocon",)
    assert relay_targets(known) == ("pco-tnd", "base")  # PCO-TND from cocon.toml, BASE from its own file
    without = {**known, "base": replace(known["base"], relay_from=())}
    assert relay_targets(without) == ("pco-tnd",)
    with pytest.raises(ValidationError) as refused:  # BASE not chosen by the practice yet
        relay(with_base.sessions, RelayRequest(rpm_child(with_base), "BASE", date(2026, 10, 20), pathway="base"))
    assert [(e.field, e.code) for e in refused.value.errors] == [("pathway", "relay_pathway_disabled")]


def test_a_fixed_payer_of_the_file_is_a_buyer(with_base: Practice) -> None:
    party = payer_party(with_base.sessions, "BASE")
    assert party is not None
    assert (party.buyer.name, party.buyer.siret, party.buyer.reference) == (
        "Association BASE Nouvelle-Aquitaine", "35600000000048", "BASE-CONV-12")
    assert party.invoice_words.reference_label == "N° de suivi BASE"
    assert party.invoice_words.object_template == ("Séances d'éveil réalisées dans le cadre du parcours BASE "
                                                   "(bébés suivis en Nouvelle-Aquitaine), du {start} au {end}.")
    assert party.credit_words.object_template.startswith("Annulation de séances d'éveil réalisées")
    assert payer_party(with_base.sessions, "RPM") is None  # a COCON network keeps its address setting
    assert payer_name(with_base.sessions, "BASE") == "Association BASE Nouvelle-Aquitaine"
    assert payer_name(with_base.sessions, "RPO") == "Réseau Périnatalité Occitanie"
    with pytest.raises(CoconError) as unknown:
        payer_name(with_base.sessions, "XYZ")
    assert describe(unknown.value) == "Ce payeur (XYZ) n'existe pas."
    tariffs = load_tariffs(with_base.sessions)
    known = known_pathways(with_base.sessions)
    assert pathway_tariff(tariffs, "base", "RPM", known, "BASE") is tariffs["BASE"]
    assert pathway_tariff(tariffs, "base", "RPM") is None  # the shipped pathways alone do not know BASE


def test_a_fixed_payer_without_address_cannot_be_invoiced(tmp_path: Path) -> None:
    _write(tmp_path / "cabinet" / "parcours", "base.toml", "\n".join(
        line for line in BASE_PATHWAY.splitlines() if not line.startswith(("street", "postcode", "city"))))
    _write(tmp_path / "cabinet" / "parcours", "tarifs/BASE.toml", BASE_TARIFF)
    with _open(tmp_path / "cabinet") as practice, pytest.raises(CoconError) as missing:
        payer_party(practice.sessions, "BASE")
    assert describe(missing.value) == ("L'adresse de Association BASE Nouvelle-Aquitaine manque dans le fichier de "
                                       "son parcours (street, postcode, city) : la facture ne peut pas être établie.")


def test_the_file_format_additions() -> None:
    import tomllib

    base = tomllib.loads(BASE_PATHWAY)
    pathway = parse_pathway(base)
    assert (pathway.invoice.what, pathway.invoice.credit_what) == ("Séances d'éveil",
                                                                   "Annulation de séances d'éveil")
    assert pathway.payers.fixed[0].has_address and pathway.payers.fixed[0].siret == "35600000000048"
    cocon = shipped_pathways()["cocon"]
    assert (cocon.invoice.what, cocon.invoice.credit_what, cocon.relay_from) == (
        "Soins", "Annulation ou correction de soins", ())
    assert shipped_pathways()["pco-tnd"].invoice.what == "Bilan et interventions précoces"
    fixed = dict(base["payers"]["fixed"][0], siret="35600000000049")
    with pytest.raises(ValidationError) as wrong:
        parse_pathway({**base, "relay_from": ["Cocon!"], "payers": {**base["payers"], "fixed": [fixed]}})
    assert [(e.field, e.code) for e in wrong.value.errors] == [
        ("relay_from", "pathway_id_invalid"), ("payers.fixed[0].siret", "pathway_siret_invalid")]
