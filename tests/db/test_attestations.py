"""Attestations for the families on a real encrypted practice: what the PDF says (text extracted with pdftotext),
gap-free numbering, reprints as DUPLICATA of the bytes issued, embedded fonts, both signatures, a token without
its PIN, the batch for every child (cancel, one file or one per child)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError

from cocon_desktop.documents import attestation_pdf
from cocon_desktop.documents.signing import validate
from cocon_desktop.domain.attestation import COCON_MENTION, Period, parse_period
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.services import attestations, seances, signing_identities
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.signature_image import import_signature_image, stored_signature
from tests.db.attestation_helpers import make_child, signature_png
from tests.softhsm import Token

TODAY = date(2026, 11, 23)
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as pdftotext reads it, whitespace collapsed (lines wrap anywhere)."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(out.decode("utf-8").split())


@pytest.fixture
def child(practice: Practice) -> int:
    child_id = make_child(practice)
    # outside the attestation: a séance in November, an absence in October
    seances.record_seance(practice.sessions, SeanceData(child_id, date(2026, 11, 5), time(9, 0)))
    seances.record_seance(practice.sessions, SeanceData(child_id, date(2026, 10, 29), time(9, 0),
                                                        kind="absence_excusee", out_of_forfait=True))
    return child_id


@needs_poppler
def test_seances_attestation_says_who_when_what_and_the_cocon_mention(practice: Practice, child: int) -> None:
    import_signature_image(practice.sessions, signature_png())
    result = attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY)
    assert result.attestation.number == "ATT-2026-0001"
    assert (result.attestation.seance_count, result.attestation.signed_pades, result.attestation.signature_image) == (
        4, True, True)
    words = pdf_text(result.pdf)
    for expected in ("ATTESTATION DE SÉANCES", "N° ATT-2026-0001", "Date : 23/11/2026", "Alice Dupont",
                     "Orthophoniste", "RPPS 10001234565", "Léa DUPONT", "née le 01/03/2025", "RPO-2025-0001",
                     "Sarah DUPONT (mère)", "12 rue des Lilas", "du 01/10/2026 au 31/10/2026",
                     "Réseau Périnatalité Occitanie", COCON_MENTION, "Bilan initial", "Total : 4 actes",
                     "Dr Hélène ACHARD", "30 séances accordées", "Au 31/10/2026 : 3 séances réalisées",
                     "27 restantes", "Fait à Toulouse, le 23 novembre 2026"):
        assert expected in words, expected
    for day in ("1 octobre 2026", "8 octobre 2026", "15 octobre 2026", "22 octobre 2026"):
        assert day in words
    for absent in ("Marc", "OUBLI", "29 octobre 2026", "5 novembre 2026", "Absence"):
        assert absent not in words
    check = validate(result.pdf, signing_identities.active_identity(practice.sessions).certificate_pem)
    assert check.ok
    reader = PdfReader(io.BytesIO(result.pdf))
    assert len(reader.pages[-1].images) == 1  # the handwritten signature


@needs_poppler
def test_prise_en_charge_and_annual(practice: Practice, child: int) -> None:
    care = attestations.issue(practice.sessions, child, "prise_en_charge", parse_period("2026-09..2026-12"), TODAY)
    words = pdf_text(care.pdf)
    assert "ATTESTATION DE PRISE EN CHARGE" in words and COCON_MENTION in words
    assert "atteste prendre en charge l'enfant Léa DUPONT" in words
    assert "en orthophonie à compter du 01/09/2026" in words
    assert "Forfait de soins précoces" in words and "prescrit le 25/08/2026 par Dr Hélène ACHARD" in words
    assert "octobre" not in words  # no séance listed
    annual = attestations.issue(practice.sessions, child, "annuelle", parse_period("2026-03"), TODAY)
    assert (annual.attestation.period_start, annual.attestation.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    words = pdf_text(annual.pdf)
    assert "ATTESTATION ANNUELLE 2026" in words and "au cours de l'année 2026" in words
    assert "5 novembre 2026" in words and "Total : 5 actes" in words and COCON_MENTION in words
    with pytest.raises(ValidationError) as invalid:
        attestations.issue(practice.sessions, child, "annuelle", parse_period("2025-06..2026-02"), TODAY)
    assert invalid.value.errors[0].code == "period_not_one_year"


def test_numbering_is_gap_free_per_year(practice: Practice, child: int, monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = [attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY, again=n > 0)
               .attestation.number for n in range(2)]
    with pytest.raises(CoconError) as raised:  # nothing to attest: no number taken
        attestations.issue(practice.sessions, child, "seances", parse_period("2026-07"), TODAY)
    assert raised.value.code == "attestation_no_seance"

    def broken(data: object) -> bytes:
        raise RuntimeError("disk full while rendering")

    with monkeypatch.context() as patch:  # a failure while rendering: the transaction leaves no number behind
        patch.setattr(attestations, "render_attestation_pdf", broken)
        with pytest.raises(RuntimeError):
            attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY, again=True)
    numbers.append(attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY, again=True)
                   .attestation.number)
    numbers.append(attestations.issue(practice.sessions, child, "seances", OCTOBER, date(2027, 1, 4), again=True)
                   .attestation.number)
    assert numbers == ["ATT-2026-0001", "ATT-2026-0002", "ATT-2026-0003", "ATT-2027-0001"]
    listed = attestations.list_attestations(practice.sessions, child)
    assert [a.number for a in listed] == ["ATT-2027-0001", "ATT-2026-0003", "ATT-2026-0002", "ATT-2026-0001"]
    assert listed[0].child_name == "DUPONT Léa" and listed[0].kind_label == "Attestation de séances"


@needs_poppler
def test_reprint_is_the_issued_pdf_marked_duplicata(practice: Practice, child: int) -> None:
    issued = attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY)
    duplicata = attestations.reprint(practice.sessions, "att-2026-0001", date(2026, 12, 2))
    assert duplicata.startswith(issued.pdf) and len(duplicata) > len(issued.pdf)  # the issued bytes, untouched
    assert attestations.original_pdf(practice.sessions, "ATT-2026-0001") == issued.pdf
    original_words, duplicata_words = pdf_text(issued.pdf), pdf_text(duplicata)
    assert "DUPLICATA" not in original_words
    assert "DUPLICATA — copie du document n° ATT-2026-0001 émis le 23/11/2026, réimprimée le 02/12/2026" in \
        duplicata_words
    assert set(original_words.split()) <= set(duplicata_words.split())
    assert len(PdfReader(io.BytesIO(duplicata)).pages) == len(PdfReader(io.BytesIO(issued.pdf)).pages)
    certificate = signing_identities.active_identity(practice.sessions).certificate_pem
    check = validate(duplicata, certificate)
    assert check.intact and check.valid and not check.covers_whole_file  # signed original + the mark after it
    with pytest.raises(CoconError) as raised:
        attestations.reprint(practice.sessions, "ATT-1999-0001", TODAY)
    assert raised.value.code == "attestation_not_found"


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")
def test_every_font_is_embedded(practice: Practice, child: int, tmp_path: Path) -> None:
    issued = attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY)
    for name, pdf in (("issued", issued.pdf), ("duplicata", attestations.reprint(practice.sessions,
                                                                                 issued.attestation.number, TODAY))):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = rows.strip().splitlines()[2:]
        assert fonts and all("DejaVu" in row for row in fonts)
        assert all(re.search(r"\s+yes\s+yes\s+yes\s+", row) for row in fonts), rows


def test_issued_attestations_are_immutable(practice: Practice, child: int) -> None:
    attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY)
    for statement in ("UPDATE attestation SET kind = 'annuelle'", "DELETE FROM attestation"):
        with pytest.raises(SQLDatabaseError, match="immutable"), practice.sessions.begin() as session:
            session.execute(text(statement))


def test_signature_image_is_checked_and_normalised(practice: Practice) -> None:
    for bad in (b"GIF89a not accepted", b"\x89PNG but broken"):
        with pytest.raises(CoconError) as raised:
            import_signature_image(practice.sessions, bad)
        assert raised.value.code == "signature_image_invalid"
    big = Image.new("RGB", (3000, 1000), "white")
    out = io.BytesIO()
    big.save(out, "JPEG")
    stored = import_signature_image(practice.sessions, out.getvalue())
    assert (stored.media_type, stored.width_px, stored.height_px) == ("image/png", 1200, 400)
    again = stored_signature(practice.sessions)
    assert again is not None and again.content == stored.content
    assert stored.content.startswith(b"\x89PNG")


def test_a_token_without_its_pin_signs_with_the_image_only(practice: Practice, child: int,
                                                           softhsm_token: Token) -> None:
    t = softhsm_token
    signing_identities.use_token(practice.sessions, t.module, t.label, t.key_label, t.pin)
    assert attestations.needs_pin(practice.sessions)
    import_signature_image(practice.sessions, signature_png())
    without = attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY)
    assert without.pades_skipped and not without.attestation.signed_pades and without.attestation.signature_image
    assert not validate(without.pdf, t.certificate_pem).signed
    with pytest.raises(CoconError) as raised:  # a wrong PIN stops before any number is taken
        attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY, pin="0000", again=True)
    assert raised.value.code == "pkcs11_wrong_pin"
    signed = attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY, pin=t.pin, again=True)
    assert signed.attestation.number == "ATT-2026-0002" and signed.attestation.signed_pades
    assert validate(signed.pdf, t.certificate_pem).ok


def test_batch_for_every_child_cancel_then_files(practice: Practice, child: int) -> None:
    make_child(practice, "Martin", "Noah", "RPO-2025-0002", days=[date(2026, 10, 2), date(2026, 10, 9)])
    make_child(practice, "Petit", "Inès", "RPO-2025-0003", days=[date(2026, 9, 3)])  # nothing in October
    make_child(practice, "Roux", "Jade", "RPO-2025-0004", days=[date(2026, 9, 4)], exit_date=date(2026, 9, 20))
    seen: list[tuple[int, int]] = []

    def stop_after_first(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 1

    stopped = attestations.issue_batch(practice.sessions, "seances", OCTOBER, TODAY, stop_after_first)
    assert stopped.cancelled and stopped.total == 2 and seen == [(0, 2), (1, 2)]
    assert [r.attestation.number for r in stopped.results] == ["ATT-2026-0001"]
    batch = attestations.issue_batch(practice.sessions, "seances", OCTOBER, TODAY)
    assert not batch.cancelled and batch.already == 1  # Dupont has hers: never a second number for the same care
    assert [(r.attestation.number, r.attestation.inclusion_number) for r in batch.results] == [
        ("ATT-2026-0002", "RPO-2025-0002")]
    per_child = attestations.batch_files(batch, combined=False)
    assert [name for name, _ in per_child] == ["ATT-2026-0002_RPO-2025-0002.pdf"]
    [(name, combined)] = attestations.batch_files(batch, combined=True, label="attestations-2026-10")
    assert name == "attestations-2026-10.pdf"
    pages = sum(len(PdfReader(io.BytesIO(pdf)).pages) for _, pdf in per_child)
    assert len(PdfReader(io.BytesIO(combined)).pages) == pages == 1
    again = attestations.issue_batch(practice.sessions, "seances", OCTOBER, TODAY)
    assert again.results == [] and again.already == 2
    care = attestations.issue_batch(practice.sessions, "prise_en_charge", OCTOBER, TODAY)
    assert care.total == 3  # Petit too (a forfait running in October); Roux left the pathway in September


def test_renderer_alone_is_plain_data_in_bytes_out() -> None:
    from cocon_desktop.documents.attestation_data import AttestationData, AttestedSeance, ChildInfo, Therapist

    data = AttestationData(number="ATT-2026-0042", kind="seances", issue_date=TODAY, period_start=OCTOBER.first,
                           period_end=OCTOBER.last, therapist=Therapist("Alice Dupont", "Orthophoniste"),
                           child=ChildInfo("Léa DUPONT", date(2025, 3, 1), "RPO-1"), network="Réseau",
                           seances=(AttestedSeance(OCTOBER.first + timedelta(days=1), "Séance", 45),))
    pdf = attestation_pdf.render_attestation_pdf(data)
    assert pdf.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_the_same_child_and_period_again_is_refused_with_the_first_number(practice: Practice, child: int) -> None:
    """Issuing again would silently use ATT-2026-0002 for the same care (issue 18, #10): refused, saying which
    attestation exists, so that its duplicata is reprinted; a corrected one needs again=True."""
    first = attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY)
    with pytest.raises(CoconError) as raised:
        attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY + timedelta(days=3))
    assert raised.value.code == "attestation_already_issued"
    assert raised.value.data == {"number": "ATT-2026-0001", "date": "23/11/2026"}
    from cocon_desktop import messages

    assert messages.describe(raised.value).startswith("Déjà émise le 23/11/2026 : ATT-2026-0001 ; réimprimez")
    assert [a.number for a in attestations.list_attestations(practice.sessions, child)] == [first.attestation.number]
    other = attestations.issue(practice.sessions, child, "prise_en_charge", OCTOBER, TODAY)  # another kind: fine
    assert other.attestation.number == "ATT-2026-0002"


@needs_poppler
def test_a_preview_uses_no_number_and_is_marked(practice: Practice, child: int) -> None:
    from cocon_desktop.services.attestation_preview import preview, preview_batch

    words = pdf_text(preview(practice.sessions, child, "seances", OCTOBER, TODAY))
    assert "APERÇU — non émise" in words and "N° (aperçu)" in words and "Léa DUPONT" in words
    assert attestations.list_attestations(practice.sessions) == []
    pdf, count = preview_batch(practice.sessions, "seances", OCTOBER, TODAY)
    assert count == 1 and "APERÇU — non émise" in pdf_text(pdf)
    issued = attestations.issue(practice.sessions, child, "seances", OCTOBER, TODAY)
    assert issued.attestation.number == "ATT-2026-0001"  # the previews took none
    assert "APERÇU" not in pdf_text(issued.pdf)
    assert preview_batch(practice.sessions, "seances", OCTOBER, TODAY) == (b"", 0)  # nothing left to issue
