"""A duplicata keeps the original's signature valid for outside validators (issue 20, #2): pyHanko's default
validation (difference analysis on) and poppler's `pdfsig` judge the issued attestation and its duplicata alike,
and the duplicata is visibly marked on every page (rendered by `pdftoppm`, and in the copy QtPdf shows)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfgen.canvas import Canvas

from cocon_desktop.documents.duplicata import mark_duplicata, printable
from cocon_desktop.documents.signing import ATTESTATION_REASON, sign_pdf
from cocon_desktop.domain.attestation import Period
from cocon_desktop.security.certificate import create_self_signed
from cocon_desktop.services import attestations, signing_identities
from cocon_desktop.services.practice_handle import Practice
from tests.db.attestation_helpers import make_child

pytestmark = pytest.mark.skipif(any(shutil.which(tool) is None for tool in ("pdfsig", "pdftoppm")),
                                reason="poppler-utils is not installed")

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


def pyhanko_verdicts(pdf: bytes, certificate_pem: bytes) -> list[PdfSignatureStatus]:
    """pyHanko's default validation of every signed field (difference analysis on), the practice's certificate
    trusted, nothing fetched."""
    from cocon_exchange.pdf_signature import asn1_certificates

    context = ValidationContext(trust_roots=asn1_certificates(certificate_pem), allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf))
    return [validate_pdf_signature(signature, context) for signature in reader.embedded_signatures]


def pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=True).stdout


def pages(pdf: bytes, tmp_path: Path, *, hide_annotations: bool = False) -> list[Image.Image]:
    """Every page as pdftoppm renders it (36 dpi), with or without the annotations (QtPdf draws none)."""
    path = tmp_path / "rendered.pdf"
    path.write_bytes(pdf)
    for old in tmp_path.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "36", "-png", *(["-hide-annotations"] if hide_annotations else []),
                    str(path), str(tmp_path / "page")], check=True)
    return [Image.open(png).convert("RGB") for png in sorted(tmp_path.glob("page-*.png"))]


def reddened(original: Image.Image, marked: Image.Image) -> int:
    """How many pixels of the page the red mark changed (redder than before, not just different)."""
    before, after = original.tobytes(), marked.tobytes()
    assert len(before) == len(after)
    changed = 0
    for i in range(0, len(before), 3):
        r1, g1, b1, r2, g2, b2 = before[i], before[i + 1], before[i + 2], after[i], after[i + 1], after[i + 2]
        changed += (r2 - g2) - (r1 - g1) > 20 and (r2 - b2) - (r1 - b1) > 20
    return changed


def assert_still_valid(original: bytes, duplicata: bytes, certificate_pem: bytes, tmp_path: Path) -> None:
    (before,) = pyhanko_verdicts(original, certificate_pem)
    assert before.bottom_line and before.docmdp_ok is not False and "UNTOUCHED" in before.summary()
    (after,) = pyhanko_verdicts(duplicata, certificate_pem)  # the mark's fields are not signed: one signature
    details = after.pretty_print_details()  # type: ignore[no-untyped-call]
    assert after.intact and after.valid and after.trusted and after.docmdp_ok, details
    assert after.modification_level == ModificationLevel.FORM_FILLING and after.bottom_line
    assert "The signature is judged VALID." in details and "INVALID" not in details
    for report in (pdfsig(original, tmp_path), pdfsig(duplicata, tmp_path)):
        assert report.count("Signature Validation: Signature is Valid.") == 1, report
        assert "Signature Field Name: Signature1" in report and "Invalid" not in report, report
    assert "Total document signed" in pdfsig(original, tmp_path)


def test_attestation_duplicata_keeps_the_signature_valid_and_is_marked(practice: Practice, tmp_path: Path) -> None:
    child = make_child(practice)
    issued = attestations.issue(practice.sessions, child, "seances", OCTOBER, date(2026, 11, 23))
    duplicata = attestations.reprint(practice.sessions, issued.attestation.number, date(2026, 12, 2))
    assert duplicata.startswith(issued.pdf)
    certificate = signing_identities.active_identity(practice.sessions).certificate_pem
    assert_still_valid(issued.pdf, duplicata, certificate, tmp_path)
    report = pdfsig(duplicata, tmp_path)
    marks = re.findall(r"Signature Field Name: (DUPLICATA-\d+)\n\s+The signature form field is not signed", report)
    assert len(marks) == len(pages(issued.pdf, tmp_path)), report
    for original, marked in zip(pages(issued.pdf, tmp_path), pages(duplicata, tmp_path), strict=True):
        assert reddened(original, marked) > 2000  # the big diagonal word, not a speck
    # the copy the window shows and prints (QtPdf draws no annotation) carries the mark as page content
    shown = pages(attestations.for_printing(duplicata), tmp_path, hide_annotations=True)
    for original, marked in zip(pages(issued.pdf, tmp_path, hide_annotations=True), shown, strict=True):
        assert reddened(original, marked) > 2000


def test_every_page_is_marked_and_a_duplicata_can_be_marked_again(tmp_path: Path) -> None:
    out = io.BytesIO()
    canvas = Canvas(out)
    for number in (1, 2, 3):
        canvas.drawString(100, 700, f"page {number}")
        canvas.showPage()
    canvas.save()
    certificate, key = create_self_signed("Alice Dupont EI", "Cabinet", "91234567500017")
    signed = sign_pdf(out.getvalue(), certificate, key, reason=ATTESTATION_REASON)
    once = mark_duplicata(signed, "ATT-2026-0007", date(2026, 11, 2), date(2026, 12, 1))
    twice = mark_duplicata(once, "ATT-2026-0007", date(2026, 11, 2), date(2026, 12, 3))
    assert_still_valid(signed, once, certificate, tmp_path)
    assert_still_valid(signed, twice, certificate, tmp_path)
    names = re.findall(r"Signature Field Name: (DUPLICATA\S*)", pdfsig(twice, tmp_path))
    assert names == ["DUPLICATA-1", "DUPLICATA-2", "DUPLICATA-3", "DUPLICATA2-1", "DUPLICATA2-2", "DUPLICATA2-3"]
    for original, marked in zip(pages(signed, tmp_path), pages(once, tmp_path), strict=True):
        assert reddened(original, marked) > 2000
    assert printable(once) != once  # the widgets' appearances drawn in the page for QtPdf


def test_an_attestation_without_electronic_signature_is_marked_the_same_way(tmp_path: Path) -> None:
    """Issued with the image only (a token without its PIN): no form yet, the mark's fields make one."""
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(100, 700, "attestation")
    canvas.showPage()
    canvas.save()
    duplicata = mark_duplicata(out.getvalue(), "ATT-2026-0008", date(2026, 11, 2), date(2026, 12, 1))
    assert duplicata.startswith(out.getvalue())
    report = pdfsig(duplicata, tmp_path)
    assert "DUPLICATA-1" in report and "The signature form field is not signed" in report and "Valid" not in report
    ((original,), (marked,)) = pages(out.getvalue(), tmp_path), pages(duplicata, tmp_path)
    assert reddened(original, marked) > 2000
