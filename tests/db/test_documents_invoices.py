"""Issued invoices, end to end on real files: render → Factur-X → PAdES signature → checks with the tools a
network would use (pyHanko, factur-x, poppler's pdftotext and pdffonts). No mock."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import facturx
import pytest
from pypdf import PdfReader

from cocon_desktop.documents.facturx import embed_facturx, read_summary
from cocon_desktop.documents.invoice_data import InvoiceData
from cocon_desktop.documents.invoice_pdf import render_invoice_pdf
from cocon_desktop.documents.pdf_page import SIGNATURE_BOX
from cocon_desktop.documents.signing import render_signed_invoice, sign_pdf, validate
from cocon_desktop.security.certificate import create_self_signed
from tests.document_samples import sample_credit_note, sample_invoice


@dataclass(frozen=True)
class Issued:
    data: InvoiceData
    embedded: bytes  # before the signature
    signed: bytes
    path: Path


@pytest.fixture(scope="module")
def certificate() -> tuple[bytes, bytes]:
    return create_self_signed("Camille Martin EI", "Cabinet de psychomotricité du Vieux-Port", "91234567500017")


@pytest.fixture(scope="module")
def issued(certificate: tuple[bytes, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Issued]:
    folder = tmp_path_factory.mktemp("invoices")
    documents = {"small": sample_invoice(3), "large": sample_invoice(60, number="FAC-2026-0002"),
                 "credit": sample_credit_note()}
    result = {}
    for name, data in documents.items():
        embedded = embed_facturx(render_invoice_pdf(data), data)
        signed = sign_pdf(embedded, *certificate)
        path = folder / f"{data.number}.pdf"
        path.write_bytes(signed)
        result[name] = Issued(data, embedded, signed, path)
    return result


def pdftotext(path: Path, *args: str) -> str:
    command = ["pdftotext", "-layout", "-enc", "UTF-8", *args, str(path), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return re.sub(r"[ \u00a0\u202f]+", " ", text)  # French formatting uses no-break spaces


ALL = ["small", "large", "credit"]


@pytest.mark.parametrize("name", ALL)
def test_signature_is_intact_valid_trusted_and_covers_the_file(name: str, issued: dict[str, Issued],
                                                               certificate: tuple[bytes, bytes]) -> None:
    check = validate(issued[name].signed, certificate[0])
    assert (check.signed, check.intact, check.valid, check.trusted, check.covers_whole_file) == (True,) * 5
    assert check.ok and check.signer == "Camille Martin EI" and check.signed_at is not None


@pytest.mark.parametrize("name", ALL)
def test_embedded_xml_passes_the_xsd_and_matches_the_data(name: str, issued: dict[str, Issued]) -> None:
    filename, xml = facturx.get_xml_from_pdf(issued[name].signed, check_xsd=False)
    assert filename == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    data = issued[name].data
    summary = read_summary(xml)
    assert summary.number == data.number
    assert summary.line_amounts == tuple(line.amount for line in data.lines)
    assert summary.grand_total == summary.due_payable == data.total


def test_signing_keeps_the_factur_x_attachment_byte_identical(issued: dict[str, Issued]) -> None:
    small = issued["small"]
    assert small.signed.startswith(small.embedded)  # an incremental update: nothing before it changed
    assert facturx.get_xml_from_pdf(small.signed, check_xsd=False) == \
        facturx.get_xml_from_pdf(small.embedded, check_xsd=False)


def test_page_holds_every_mandatory_mention(issued: dict[str, Issued]) -> None:
    text = pdftotext(issued["small"].path)
    data = issued["small"].data
    for mention in [
        "FACTURE", "N° FAC-2026-0001", "Date d'émission : 30/11/2026", "du 01/11/2026 au 30/11/2026",
        "Camille Martin EI", "Psychomotricien·ne", "SIRET : 912 345 675 00017", "RPPS : 10001234565",
        "12 rue de la République", "13002 Marseille",
        "Réseau de Périnatalité Méditerranée", "1 rue de l'Exemple", "13000 Marseille",
        "TVA non applicable, article 261-4-1° du CGI",
        "Paiement à 30 jours", "au plus tard le 30/12/2026",
        "Pénalités de retard : trois fois le taux d'intérêt légal",
        "Indemnité forfaitaire pour frais de recouvrement", "40 €",
        "IBAN : FR89 3000 1000 6400 0000 0000 000", "BIC : BDFEFRPP",
        "Total HT 220,00 €", "Net à payer 220,00 €",
        "Signé électroniquement par", "Page 1/1",
    ]:
        assert mention in text, mention
    for line in data.lines:
        assert f"{line.service_date:%d/%m/%Y} {line.inclusion_number} {line.initials}" in text
    assert "Bilan initial" in text and "140,00 €" in text


def test_many_lines_take_several_pages_with_the_header_repeated(issued: dict[str, Issued]) -> None:
    large = issued["large"]
    assert len(PdfReader(large.path).pages) == 2
    text = pdftotext(large.path)
    assert "Page 1/2" in text and "Page 2/2" in text
    assert text.count("N° d'inclusion") == 2  # the table header, on each page
    assert "(suite)" in pdftotext(large.path, "-f", "2", "-l", "2")
    assert "Net à payer 2 500,00 €" in text
    rows = re.findall(r"^(\d+) (\d\d/\d\d/2026) (RPM-\d{4}-\d{5})", text, flags=re.MULTILINE)
    assert [int(r[0]) for r in rows] == list(range(1, 61))


def test_credit_note_quotes_the_corrected_invoice(issued: dict[str, Issued]) -> None:
    text = pdftotext(issued["credit"].path)
    assert "FACTURE D'AVOIR" in text and "N° AV-2026-0001" in text
    assert "Facture corrigée : FAC-2026-0001" in text and "émise le 30/11/2026" in text
    assert "corrige la facture n° FAC-2026-0001 du 30/11/2026" in text
    assert "Montant de l'avoir 40,00 €" in text
    _, xml = facturx.get_xml_from_pdf(issued["credit"].signed, check_xsd=False)
    summary = read_summary(xml)
    assert (summary.type_code, summary.referenced_invoice) == ("381", "FAC-2026-0001")


@pytest.mark.parametrize("name", ALL)
def test_every_font_is_embedded(name: str, issued: dict[str, Issued]) -> None:
    out = subprocess.run(["pdffonts", str(issued[name].path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    for row in rows:
        emb = row[-5]  # columns: name type… encoding emb sub uni object ID
        assert emb == "yes", out
        assert "DejaVu" in row[0]


def test_pdfa3b_declaration_output_intent_and_consistent_metadata(issued: dict[str, Issued]) -> None:
    reader = PdfReader(io.BytesIO(issued["small"].signed))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    tree = ET.fromstring(xmp.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    pdfaid = "{http://www.aiim.org/pdfa/ns/id/}"
    assert tree.findtext(f".//{pdfaid}part") == "3"
    assert tree.findtext(f".//{pdfaid}conformance") == "B"
    fx = "{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}"
    assert tree.findtext(f".//{fx}ConformanceLevel") == "EN 16931"
    assert b"<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in xmp  # the prefix its schema declares
    intents = root["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile
    info = reader.trailer["/Info"]
    assert info["/Producer"] == tree.findtext(".//{http://ns.adobe.com/pdf/1.3/}Producer")
    assert info["/Title"] == tree.findtext(".//{http://purl.org/dc/elements/1.1/}title/*/*")
    assert "/Keywords" not in info  # factur-x puts them in Info only; PDF/A wants both or neither
    attachment = root["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()
    assert attachment["/AFRelationship"] == "/Data"


def test_visible_stamp_on_the_last_page(issued: dict[str, Issued]) -> None:
    reader = PdfReader(io.BytesIO(issued["large"].signed))
    widgets = [annot.get_object() for annot in reader.pages[-1].get("/Annots", [])]
    signature = [w for w in widgets if w.get("/FT") == "/Sig"]
    assert len(signature) == 1
    assert [round(float(v)) for v in signature[0]["/Rect"]] == list(SIGNATURE_BOX)
    assert signature[0]["/F"] & 4  # printed
    assert "/Annots" not in reader.pages[0]
    last_page = pdftotext(issued["large"].path, "-f", "2", "-l", "2")
    assert "Signé électroniquement par" in last_page and "Camille Martin EI" in last_page


def test_a_changed_byte_in_the_signed_range_breaks_the_signature(issued: dict[str, Issued],
                                                                  certificate: tuple[bytes, bytes]) -> None:
    signed = issued["small"].signed
    at = signed.index(b"<dc:title>")  # uncompressed XMP: well inside the first signed range
    tampered = signed[:at + 1] + b"D" + signed[at + 2:]
    assert len(tampered) == len(signed) and tampered != signed
    check = validate(tampered, certificate[0])
    assert check.signed and not check.intact and not check.ok


def test_another_certificate_is_not_trusted(issued: dict[str, Issued]) -> None:
    stranger, _ = create_self_signed("Quelqu'un EI", "", "91234567500017")
    check = validate(issued["small"].signed, stranger)
    assert check.intact and check.valid and not check.trusted and not check.ok


def test_appended_bytes_are_not_covered(issued: dict[str, Issued], certificate: tuple[bytes, bytes]) -> None:
    check = validate(issued["small"].signed + b"\n% appended\n", certificate[0])
    assert not check.covers_whole_file and not check.ok


def test_unsigned_or_unreadable_files(issued: dict[str, Issued], certificate: tuple[bytes, bytes]) -> None:
    assert not validate(issued["small"].embedded, certificate[0]).signed
    assert not validate(b"not a pdf", certificate[0]).ok


def test_render_signed_invoice_does_the_three_steps(certificate: tuple[bytes, bytes]) -> None:
    data = sample_invoice(1, number="FAC-2026-0003")
    signed = render_signed_invoice(data, *certificate)
    assert validate(signed, certificate[0]).ok
    assert read_summary(facturx.get_xml_from_pdf(signed, check_xsd=True)[1]).number == "FAC-2026-0003"
