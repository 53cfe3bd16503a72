"""PDF details an auditor's tools look at (issue 20, #5), on real generated PDFs checked with tools nobody here
wrote: qpdf (header, catalog, structure), poppler's pdffonts (subset tags) and pdfsig (signature), pyHanko (the
CMS's certificates, validation), and the XMP packet read as XML (PDF/A-3b identification)."""

from __future__ import annotations

import io
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from cocon_desktop.documents.attestation_data import AttestationData, AttestedSeance, ChildInfo, Therapist
from cocon_desktop.documents.attestation_pdf import render_attestation_pdf
from cocon_desktop.documents.facturx import embed_facturx
from cocon_desktop.documents.invoice_pdf import render_invoice_pdf
from cocon_desktop.documents.signing import ATTESTATION_REASON, sign_pdf
from cocon_desktop.documents.signing_pkcs11 import sign_pdf_pkcs11
from cocon_desktop.security.certificate import create_self_signed
from cocon_exchange.pdf_signature import asn1_certificates
from tests.document_samples import sample_invoice
from tests.softhsm import Token

WHEN = datetime(2026, 12, 7, 7, 30, tzinfo=ZoneInfo("UTC"))  # 08 h 30 in Paris (winter time)
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


def _attestation() -> AttestationData:
    first = date(2026, 10, 1)
    return AttestationData(number="ATT-2026-0042", kind="seances", issue_date=date(2026, 11, 23),
                           period_start=first, period_end=date(2026, 10, 31),
                           therapist=Therapist("Alice Dupont", "Orthophoniste"),
                           child=ChildInfo("Léa DUPONT", date(2025, 3, 1), "RPO-1"), network="Réseau",
                           seances=(AttestedSeance(first + timedelta(days=1), "Séance", 45),))


@pytest.fixture(scope="module")
def certificate() -> tuple[bytes, bytes]:
    return create_self_signed("Camille Martin EI", "Cabinet de psychomotricité du Vieux-Port", "91234567500017")


@pytest.fixture(scope="module")
def files(certificate: tuple[bytes, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf_details")
    data = sample_invoice(3)
    attestation = render_attestation_pdf(_attestation())
    documents = {
        "invoice": sign_pdf(embed_facturx(render_invoice_pdf(data), data), *certificate, when=WHEN),
        "attestation": sign_pdf(attestation, *certificate, when=WHEN, reason=ATTESTATION_REASON),
        "attestation_unsigned": attestation,
    }
    paths = {}
    for name, pdf in documents.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(pdf)
    return paths


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("name", ["invoice", "attestation", "attestation_unsigned"])
def test_header_and_catalog_say_pdf_1_7_and_qpdf_finds_no_error(name: str, files: dict[str, Path]) -> None:
    """PDF/A-3 is built on PDF 1.7: pyHanko's revision set /Version /2.0 (ISO 32002, for the P-256 key)."""
    path = files[name]
    assert path.read_bytes()[:8] == b"%PDF-1.7"
    check = _run("qpdf", "--check", str(path))
    assert "PDF Version: 1.7" in check and "No syntax or stream encoding errors found" in check
    catalog = _run("qpdf", "--show-object=trailer", str(path))
    root = re.search(r"/Root (\d+) 0 R", catalog)
    assert root is not None
    root_object = _run("qpdf", f"--show-object={root.group(1)}", str(path))
    version = re.search(r"/Version /([\d.]+)", root_object)
    if name == "attestation_unsigned":
        assert version is None  # the header says it
    else:
        assert version is not None and version.group(1) == "1.7"
        assert "/2.0" not in root_object and "/ISO_" not in root_object
        assert "/ESIC << /BaseVersion /1.7" in root_object  # PAdES on PDF 1.7


@pytest.mark.parametrize("name", ["invoice", "attestation"])
def test_every_font_subset_has_its_own_tag(name: str, files: dict[str, Path]) -> None:
    """The page's DejaVuSans and the stamp's are two subsets: reportlab called both AAAAAA+DejaVuSans."""
    rows = _run("pdffonts", str(files[name])).splitlines()[2:]
    names = [row.split()[0] for row in rows]
    assert len(names) >= 4  # regular and bold, on the page and in the stamp
    assert all(re.fullmatch(r"[A-Z]{6}\+DejaVuSans(-Bold)?", font) for font in names), names
    assert len(set(names)) == len(names), names
    assert not any(font.startswith("AAAAAA+") for font in names)
    assert all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # embedded, subset, ToUnicode


@pytest.mark.parametrize("name", ["invoice", "attestation"])
def test_the_signature_carries_the_certificate_once_and_validates(name: str, files: dict[str, Path],
                                                                  certificate: tuple[bytes, bytes]) -> None:
    reader = PdfFileReader(io.BytesIO(files[name].read_bytes()))
    (signature,) = reader.embedded_signatures
    certificates = [c.chosen for c in signature.signed_data["certificates"]]
    assert len(certificates) == 1
    assert certificates[0].dump() == asn1_certificates(certificate[0])[0].dump()
    context = ValidationContext(trust_roots=asn1_certificates(certificate[0]))
    status = validate_pdf_signature(signature, context)  # pyHanko's default validation, diff analysis included
    assert status.bottom_line and status.coverage.name == "ENTIRE_FILE"
    pdfsig = subprocess.run(["pdfsig", str(files[name])], capture_output=True, text=True).stdout
    assert "Signature Validation: Signature is Valid." in pdfsig and "Total document signed" in pdfsig


@pytest.mark.parametrize("name", ["invoice", "attestation"])
def test_the_stamp_gives_the_time_in_paris_and_says_so(name: str, files: dict[str, Path]) -> None:
    text = re.sub(r"\s+", " ", _run("pdftotext", "-enc", "UTF-8", str(files[name]), "-"))
    assert "le 07/12/2026 à 08 h 30 (heure de Paris)" in text


def _pdf_date(text: str) -> datetime:
    """A PDF date (ISO 32000-1, 7.9.4) with its offset: D:YYYYMMDDHHmmSS+HH'mm' or D:YYYYMMDDHHmmSSZ."""
    match = re.fullmatch(r"D:(\d{14})(?:Z|([+-])(\d\d)'(\d\d)'?)", text)
    assert match is not None, text
    offset = f"{match[2]}{match[3]}{match[4]}" if match[2] else "+0000"
    return datetime.strptime(f"{match[1]}{offset}", "%Y%m%d%H%M%S%z")


def _xmp(path: Path) -> ET.Element:
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    return ET.fromstring(reader.root["/Metadata"].data)


@pytest.mark.parametrize("name", ["attestation", "attestation_unsigned"])
def test_attestations_are_pdfa_3b_with_metadata_matching_the_info_dictionary(name: str,
                                                                             files: dict[str, Path]) -> None:
    path = files[name]
    xmp = _xmp(path)
    pdfaid = "{http://www.aiim.org/pdfa/ns/id/}"
    assert xmp.findtext(f".//{pdfaid}part") == "3" and xmp.findtext(f".//{pdfaid}conformance") == "B"
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    (intent,) = reader.root["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    metadata = reader.root.raw_get("/Metadata").get_object()
    assert metadata["/Subtype"] == "/XML" and "/Filter" not in metadata  # readable, as PDF/A wants
    info = reader.trailer["/Info"]
    dc, pdf, xmp_ns = "{http://purl.org/dc/elements/1.1/}", "{http://ns.adobe.com/pdf/1.3/}", \
        "{http://ns.adobe.com/xap/1.0/}"
    assert xmp.findtext(f".//{dc}title/{RDF}Alt/{RDF}li") == info["/Title"] == "Attestation de séances ATT-2026-0042"
    assert xmp.findtext(f".//{dc}creator/{RDF}Seq/{RDF}li") == info["/Author"] == "Alice Dupont"
    assert xmp.findtext(f".//{dc}description/{RDF}Alt/{RDF}li") == info["/Subject"]
    assert xmp.findtext(f".//{pdf}Producer") == info["/Producer"]
    assert xmp.findtext(f".//{xmp_ns}CreatorTool") == info["/Creator"] == "COCON Desktop"
    created = datetime.fromisoformat(xmp.findtext(f".//{xmp_ns}CreateDate") or "")
    assert created == datetime.fromisoformat(xmp.findtext(f".//{xmp_ns}ModifyDate") or "")
    assert _pdf_date(info["/CreationDate"]) == created == _pdf_date(info["/ModDate"])


def test_a_token_signature_too_keeps_pdf_1_7_and_one_certificate(softhsm_token: Token, tmp_path: Path) -> None:
    """The same writer signs with a PKCS#11 token's key (ECDSA P-256 there too)."""
    t = softhsm_token
    data = sample_invoice(3)
    path = tmp_path / "token.pdf"
    path.write_bytes(sign_pdf_pkcs11(embed_facturx(render_invoice_pdf(data), data), t.module, t.label, t.key_label,
                                     t.pin))
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    assert path.read_bytes()[:8] == b"%PDF-1.7" and reader.root["/Version"] == "/1.7"
    (signature,) = reader.embedded_signatures
    certificates = [c.chosen.dump() for c in signature.signed_data["certificates"]]
    assert len(set(certificates)) == len(certificates) == 1, [c.chosen.subject.human_friendly
                                                              for c in signature.signed_data["certificates"]]
    assert "No syntax or stream encoding errors found" in _run("qpdf", "--check", str(path))
