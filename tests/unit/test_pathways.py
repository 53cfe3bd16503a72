"""Pathways are data (issue 22, S1): cocon.toml says exactly what the program does today (its networks, its
disciplines, the words of its invoices, Factur-X files and attestations), every shipped pathway file parses, and a
broken file is refused with French sentences naming the field, never another exception."""

from __future__ import annotations

import math
import tomllib
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.platypus import Paragraph, Table

from cocon_desktop import messages, settings
from cocon_desktop.documents import attestation_pdf, facturx, invoice_pdf
from cocon_desktop.documents.attestation_data import AttestationData, AttestedSeance, ChildInfo, Therapist
from cocon_desktop.documents.fonts import register_fonts
from cocon_desktop.documents.formatting import short_date
from cocon_desktop.domain.attestation import COCON_MENTION
from cocon_desktop.domain.disciplines import DISCIPLINES
from cocon_desktop.domain.networks import NETWORKS, Network
from cocon_desktop.domain.pathways import (
    DEFAULT_PATHWAYS,
    Pathway,
    chosen_ids,
    load_pathway_toml,
    parse_pathway,
)
from cocon_desktop.domain.tariffs import parse_tariff
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.services.pathway_store import read_pathways, shipped_pathways
from tests.document_samples import sample_credit_note, sample_invoice
from tests.unit.test_bad_input import FUZZ, VALUES, french, paths, replaced

ROOT = Path(__file__).resolve().parents[2]
PATHWAYS = ROOT / "resources" / "pathways"
TARIFFS = ROOT / "resources" / "tariffs"
COCON = (PATHWAYS / "cocon.toml").read_bytes()

# Today's words, as the documents write them (pinned first: the tests below check that the code still writes them,
# then that cocon.toml's templates give the same)
INVOICE_OBJECT = ("<b>Objet :</b> Soins réalisés dans le cadre du parcours COCON (soins précoces et coordonnés du "
                  "nouveau-né vulnérable), du 01/11/2026 au 30/11/2026.")
CREDIT_NOTE_OBJECT = ("<b>Objet :</b> Annulation ou correction de soins réalisés dans le cadre du parcours COCON "
                      "(soins précoces et coordonnés du nouveau-né vulnérable), du 01/11/2026 au 30/11/2026.")
FACTURX_LINE = "Séance du 01/11/2026, enfant n° d'inclusion RPM-2024-00123 (L. B.), parcours COCON"
PDF_KEYWORDS = "Facture, Factur-X, EN 16931, COCON"
CHILD_TEXT = "l'enfant <b>Léa DUPONT</b>, née le 01/03/2025 (n° d'inclusion COCON RPO-2024-00042)"
OPENING = ("Je soussignée <b>Alice Dupont</b>, orthophoniste, atteste avoir dispensé à l'enfant <b>Léa DUPONT</b>, "
           "née le 01/03/2025 (n° d'inclusion COCON RPO-2024-00042), dans le cadre du parcours COCON (soins "
           "précoces et coordonnés du nouveau-né vulnérable), coordonné par le Réseau Périnatalité Occitanie, les "
           "soins suivants du 01/10/2026 au 31/10/2026 :")
MENTION = "Accompagnement financé intégralement par le parcours COCON — aucune somme n'est due par la famille."


@pytest.fixture(scope="module")
def cocon() -> Pathway:
    return load_pathway_toml(COCON)


def _attestation() -> AttestationData:
    first = date(2026, 10, 1)
    return AttestationData(number="ATT-2026-0042", kind="seances", issue_date=date(2026, 11, 23),
                           period_start=first, period_end=date(2026, 10, 31),
                           therapist=Therapist("Alice Dupont", "Orthophoniste", civility="Mme"),
                           child=ChildInfo("Léa DUPONT", date(2025, 3, 1), "RPO-2024-00042", sex="F"),
                           network=NETWORKS["RPO"].name,
                           seances=(AttestedSeance(first + timedelta(days=1), "Séance", 45),))


def _paragraph_texts(flowables: list[Any]) -> list[str]:
    """The texts of the paragraphs among `flowables`, and of those inside their tables."""
    texts: list[str] = []
    for flowable in flowables:
        if isinstance(flowable, Paragraph):
            texts.append(flowable.text)
        elif isinstance(flowable, Table):
            texts += _paragraph_texts([cell for row in flowable._cellvalues for cell in row])
        elif isinstance(flowable, list):
            texts += _paragraph_texts(flowable)
    return texts


# --- today's words, pinned ------------------------------------------------------------------------------------

def test_the_documents_still_write_todays_cocon_words() -> None:
    register_fonts()
    styles = invoice_pdf._styles()
    assert INVOICE_OBJECT in _paragraph_texts(invoice_pdf._header(sample_invoice(), styles))
    assert CREDIT_NOTE_OBJECT in _paragraph_texts(invoice_pdf._header(sample_credit_note(), styles))
    root = ET.fromstring(facturx.build_xml(sample_invoice()))
    product = next(e for e in root.iter() if e.tag.endswith("}SpecifiedTradeProduct"))
    assert next(e.text for e in product if e.tag.endswith("}Description")) == FACTURX_LINE
    assert facturx.pdf_metadata(sample_invoice())["keywords"] == PDF_KEYWORDS
    data = _attestation()
    assert attestation_pdf._child_text(data) == CHILD_TEXT
    assert attestation_pdf._opening(data, attestation_pdf._styles()).text == OPENING
    assert MENTION in _paragraph_texts(attestation_pdf._mention(attestation_pdf._styles()))


# --- cocon.toml = today's behaviour ---------------------------------------------------------------------------

def test_cocon_payers_are_the_networks(cocon: Pathway) -> None:
    tariffs = {code: parse_tariff(tomllib.loads((TARIFFS / f"{code}.toml").read_text("utf-8")))
               for code in ("RPM", "RPO", "RPNA")}
    from_file = [(p.code, Network(p.code, p.name, p.region, p.coordination_tool,
                                  tariffs[p.tariff].pathway_max_age_years)) for p in cocon.payers.fixed]
    assert from_file == list(NETWORKS.items())  # same codes, names, regions, tools, ages, and the same order
    assert cocon.payers.mode == "fixed" and cocon.payers.codes() == ("RPM", "RPO", "RPNA")
    assert all(tariffs[p.tariff].network == p.code for p in cocon.payers.fixed)


def test_cocon_disciplines_are_the_disciplines(cocon: Pathway) -> None:
    assert list(cocon.disciplines.items()) == list(DISCIPLINES.items())


def test_cocon_templates_give_todays_words(cocon: Pathway) -> None:
    start, end = short_date(date(2026, 11, 1)), short_date(date(2026, 11, 30))
    assert f"<b>Objet :</b> {cocon.invoice_object('Soins', start, end)}" == INVOICE_OBJECT
    assert (f"<b>Objet :</b> {cocon.invoice_object('Annulation ou correction de soins', start, end)}"
            == CREDIT_NOTE_OBJECT)
    assert f"Séance du 01/11/2026, enfant n° d'inclusion RPM-2024-00123 (L. B.), {cocon.invoice.line_frame}" \
        == FACTURX_LINE
    assert f"Facture, Factur-X, EN 16931, {cocon.invoice.keywords}" == PDF_KEYWORDS
    assert cocon.attestation.mention == COCON_MENTION
    assert f"Accompagnement {cocon.attestation.mention}." == MENTION
    reference = f"({cocon.attestation.child_reference} RPO-2024-00042)"
    assert CHILD_TEXT.endswith(reference)
    clause = cocon.attestation_opening(NETWORKS["RPO"].name)
    assert f", {clause}, les soins suivants du 01/10/2026 au 31/10/2026 :" in OPENING
    assert (f"Je soussignée <b>Alice Dupont</b>, orthophoniste, atteste avoir dispensé à {CHILD_TEXT}, {clause}, "
            "les soins suivants du 01/10/2026 au 31/10/2026 :") == OPENING


def test_cocon_identity(cocon: Pathway) -> None:
    assert (cocon.id, cocon.label, cocon.reference_label) == ("cocon", "COCON", "N° d'inclusion")
    assert cocon.sync and cocon.batch_prefix == "COCON" and cocon.documents == ("invoice",)
    assert cocon.relays == ("pco-tnd",) and cocon.sources


# --- every shipped file ---------------------------------------------------------------------------------------

def test_every_shipped_pathway_parses_and_is_named_after_its_id() -> None:
    files = sorted(PATHWAYS.glob("*.toml"))
    assert [p.stem for p in files] == ["cocon", "pco-tnd"]
    for path in files:
        assert load_pathway_toml(path.read_bytes()).id == path.stem
    assert list(shipped_pathways()) == ["cocon", "pco-tnd"]
    assert read_pathways(PATHWAYS) == shipped_pathways()


def test_pco_tnd_is_a_configured_payer_pathway_exported_not_synced() -> None:
    pco = shipped_pathways()["pco-tnd"]
    assert pco.payers.mode == "configured" and pco.payers.fixed == ()
    assert (pco.payers.code_prefix, pco.payers.tariff, pco.payers.label) == ("PCO", "PCO-TND", "plateforme")
    assert list(pco.disciplines) == ["psychomotricite", "ergotherapie", "psychologie"]
    assert not pco.sync and pco.documents == ("invoice", "bilan_report", "attendance_sheet")
    assert any("SSAA2121015A" in source for source in pco.sources)  # the arrêté of 24 August 2021
    assert any("16 avril 2019" in source for source in pco.sources)
    text = (PATHWAYS / "pco-tnd.toml").read_text("utf-8")
    assert text.count("à confirmer avec votre PCO") >= 3  # what no text read fixes is said to be a guess
    assert pco.attestation_opening("la PCO 13") == (
        "dans le cadre du parcours de bilan et d'intervention précoce pour les troubles du neurodéveloppement "
        "(PCO-TND), coordonné par la PCO 13")


def test_a_folder_with_two_files_of_one_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_bytes(COCON)
    (tmp_path / "b.toml").write_bytes(COCON)
    with pytest.raises(ValidationError) as caught:
        read_pathways(tmp_path)
    assert [(e.field, e.code) for e in caught.value.errors] == [("b.toml", "pathway_id_duplicate")]
    assert "Deux fichiers de parcours portent l'identifiant cocon." in french(caught.value)


# --- the pathways a practice works with -----------------------------------------------------------------------

def test_the_setting_defaults_to_cocon() -> None:
    assert settings.PATHWAYS.default == DEFAULT_PATHWAYS == "cocon"
    assert settings.ALL["pathways"] is settings.PATHWAYS


@pytest.mark.parametrize(("value", "expected"), [
    ("cocon", ("cocon",)),
    ("pco-tnd,cocon", ("cocon", "pco-tnd")),  # in the order of the files
    (" PCO-TND ", ("pco-tnd",)),
    ("pco-tnd,inconnu", ("pco-tnd",)),
    ("inconnu", ("cocon",)),  # names none it knows: COCON, as before the setting existed
    ("", ("cocon",)),
])
def test_chosen_ids(value: str, expected: tuple[str, ...]) -> None:
    assert chosen_ids(value, ("cocon", "pco-tnd")) == expected


def test_chosen_ids_without_cocon_among_the_known() -> None:
    assert chosen_ids("inconnu", ("base",)) == ()


# --- broken files: only ValidationError (or CoconError for unreadable TOML), in French, naming the field --------

def _broken(change: dict[str, Any] | None = None, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    data = tomllib.loads(COCON.decode())
    for key in drop:
        data.pop(key)
    data.update(change or {})
    return data


def _errors(data: Any) -> dict[str, str]:
    """field → code of every problem; and each has its French sentence naming the field."""
    with pytest.raises(ValidationError) as caught:
        parse_pathway(data)
    sentence = french(caught.value)
    for error in caught.value.errors:
        assert f"{error.field} : " in sentence
    return {e.field: e.code for e in caught.value.errors}


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"format": 2}, "format", "pathway_format_unknown"),
    ({"format": True}, "format", "pathway_format_unknown"),
    ({"format": "1"}, "format", "pathway_format_unknown"),
    ({"id": "COCON"}, "id", "pathway_id_invalid"),
    ({"id": "c"}, "id", "pathway_id_invalid"),
    ({"id": "cocon/../x"}, "id", "pathway_id_invalid"),
    ({"id": 7}, "id", "pathway_id_invalid"),
    ({"label": ""}, "label", "required"),
    ({"label": ["COCON"]}, "label", "pathway_text_expected"),
    ({"frame": "x" * 301}, "frame", "too_long"),
    ({"sources": "un texte"}, "sources", "tariff_list_expected"),
    ({"sources": [3]}, "sources[0]", "pathway_text_expected"),
    ({"sync": "oui"}, "sync", "pathway_bool_expected"),
    ({"batch_prefix": "COCON 2"}, "batch_prefix", "pathway_batch_prefix_invalid"),
    ({"documents": ["facture"]}, "documents", "pathway_document_unknown"),
    ({"relays": ["cocon"]}, "relays", "pathway_id_invalid"),
    ({"reference_pattern": "RPM-("}, "reference_pattern", "pathway_pattern_invalid"),
    ({"payers": {"mode": "mixed", "label": "réseau"}}, "payers.mode", "pathway_payer_mode_unknown"),
    ({"payers": {"label": "réseau", "fixed": []}}, "payers.mode", "required"),
    ({"payers": {"mode": "fixed", "label": "réseau", "fixed": []}}, "payers.fixed", "pathway_no_payer"),
    ({"payers": {"mode": "fixed", "label": "réseau", "fixed": {"code": "RPM"}}}, "payers.fixed",
     "tariff_list_expected"),
    ({"payers": {"mode": "fixed", "label": "réseau", "fixed": [{"code": "rpm", "name": "R", "tariff": "RPM"}]}},
     "payers.fixed[0].code", "pathway_payer_code_invalid"),
    ({"payers": {"mode": "fixed", "label": "réseau", "fixed": [{"code": "RPM", "tariff": "RPM"}]}},
     "payers.fixed[0].name", "required"),
    ({"payers": {"mode": "fixed", "label": "réseau", "fixed": [{"code": "RPM", "name": "R", "tariff": "rpm.toml"}]}},
     "payers.fixed[0].tariff", "pathway_tariff_invalid"),
    ({"payers": {"mode": "fixed", "label": "réseau", "fixed": [{"code": "RPM", "name": "R", "tariff": "RPM"},
                                                               {"code": "RPM", "name": "S", "tariff": "RPM"}]}},
     "payers.fixed[1].code", "pathway_payer_duplicate"),
    ({"payers": {"mode": "configured", "label": "plateforme", "tariff": "PCO-TND"}}, "payers.code_prefix",
     "required"),
    ({"payers": {"mode": "configured", "label": "plateforme", "code_prefix": "PCO-", "tariff": "PCO-TND"}},
     "payers.code_prefix", "pathway_code_prefix_invalid"),
    ({"payers": {"mode": "configured", "label": "plateforme", "code_prefix": "PCO", "tariff": "PCO-TND-NATIONAL"}},
     "payers.tariff", "pathway_tariff_invalid"),
    ({"payers": "RPM"}, "payers", "tariff_table_expected"),
    ({"disciplines": {}}, "disciplines", "pathway_no_discipline"),
    ({"disciplines": {"danse": "Danse"}}, "disciplines", "discipline_unknown"),
    ({"disciplines": {"orthophonie": 3}}, "disciplines.orthophonie", "pathway_text_expected"),
    ({"invoice": {"object": "{quoi} du {start}", "line_frame": "x", "keywords": "x"}}, "invoice.object",
     "pathway_template_invalid"),
    ({"invoice": {"object": "{what} du {start:>10}", "line_frame": "x", "keywords": "x"}}, "invoice.object",
     "pathway_template_invalid"),
    ({"invoice": {"object": "{what} du {start!r}", "line_frame": "x", "keywords": "x"}}, "invoice.object",
     "pathway_template_invalid"),
    ({"invoice": {"object": "{what.__class__}", "line_frame": "x", "keywords": "x"}}, "invoice.object",
     "pathway_template_invalid"),
    ({"invoice": {"object": "{what} {", "line_frame": "x", "keywords": "x"}}, "invoice.object",
     "pathway_template_invalid"),
    ({"invoice": {"object": "{}", "line_frame": "x", "keywords": "x"}}, "invoice.object",
     "pathway_template_invalid"),
    ({"invoice": {"object": "{what}", "keywords": "x"}}, "invoice.line_frame", "required"),
    ({"attestation": {"opening": "coordonné par {what}", "mention": "x", "child_reference": "x"}},
     "attestation.opening", "pathway_template_invalid"),
    ({"attestation": {"opening": "{payer}", "child_reference": "x"}}, "attestation.mention", "required"),
    ({"attestation": []}, "attestation", "tariff_table_expected"),
    ({"disciplines": ["orthophonie"]}, "disciplines", "tariff_table_expected"),
])
def test_broken_pathway_names_the_field(change: dict[str, Any], field: str, code: str) -> None:
    assert _errors(_broken(change)).get(field) == code


@pytest.mark.parametrize("key", ["format", "id", "label", "frame", "reference_label", "batch_prefix", "payers",
                                 "disciplines", "invoice", "attestation"])
def test_a_missing_key_is_named(key: str) -> None:
    errors = _errors(_broken(drop=(key,)))
    assert errors[key] == "required"
    assert all(field == key or field.startswith(f"{key}.") for field in errors)  # and what it would have held


def test_every_problem_is_named_at_once() -> None:
    errors = _errors(_broken({"format": 3, "id": "X", "sync": 1, "disciplines": {"danse": "Danse"}}))
    assert errors == {"format": "pathway_format_unknown", "id": "pathway_id_invalid",
                      "sync": "pathway_bool_expected", "disciplines": "discipline_unknown"}


def test_the_sentences_are_french() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_pathway(_broken({"payers": {"mode": "mixed", "label": "réseau"}, "id": "COCON"}))
    sentence = french(caught.value)
    assert "payers.mode : Mode de payeur inconnu : mixed" in sentence
    assert "id : Identifiant de parcours invalide : COCON" in sentence


def pathway_or_french(call: Any) -> Pathway | None:
    try:
        result = call()
    except CoconError as error:
        french(error)
        return None
    assert isinstance(result, Pathway)
    return result


@pytest.mark.parametrize("value", [[], "cocon", 3, None, math.nan])
def test_a_pathway_that_is_not_a_table(value: Any) -> None:
    assert pathway_or_french(lambda: parse_pathway(value)) is None


def test_unreadable_toml_is_a_french_error() -> None:
    for raw in (b"\xff\xfe", b"format = ", COCON[:-20] + b"[[["):
        with pytest.raises(CoconError) as caught:
            load_pathway_toml(raw)
        assert caught.value.code == "pathway_file_invalid" and french(caught.value)


@FUZZ
@given(st.data())
def test_pathway_one_value_replaced_anywhere(data: st.DataObject) -> None:
    good = tomllib.loads(COCON.decode())
    where = data.draw(st.sampled_from(paths(good)))
    pathway_or_french(lambda: parse_pathway(replaced(good, where, data.draw(VALUES))))


@FUZZ
@given(st.data())
def test_pathway_text_cut_or_mangled(data: st.DataObject) -> None:
    text = COCON.decode()
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    piece = data.draw(st.sampled_from(["", "=", "[", "]]", "\"", "{", "}", "{what", "1e999", "nan", "[payers]\n",
                                       "2026-01-01T10:00:00", "{}", "[[payers.fixed]]\n"]))
    pathway_or_french(lambda: load_pathway_toml((text[:start] + piece + text[end:]).encode()))


def test_a_value_of_five_thousand_digits_is_quoted_without_failing() -> None:
    errors = _errors(_broken({"id": 10 ** 5000}))
    assert errors == {"id": "pathway_id_invalid"}
    assert messages.text("pathway_id_invalid", {"value": "…"}).startswith("Identifiant de parcours invalide : …")
