"""verify_batch: what a network runs on receipt. Each kind of tampering gives its own fault, and nothing raises."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st

from cocon_desktop import messages
from cocon_desktop.documents.facturx import embed_facturx
from cocon_desktop.documents.invoice_pdf import render_invoice_pdf
from cocon_desktop.documents.signing import render_signed_invoice, sign_pdf
from cocon_desktop.security.certificate import load_certificates
from cocon_exchange import batch_checks, batch_verify
from cocon_exchange.batch_format import ACTS_CSV_NAME, MANIFEST_NAME, SIGNATURE_NAME, build_batch
from cocon_exchange.batch_verify import BatchCheck, verify_batch
from cocon_exchange.manifest_signature import simple_manifest_signer
from tests.unit.batch_helpers import (
    BATCH_ID,
    Identity,
    content,
    declare_size,
    identity,
    invoice_datas,
    members,
    replace,
    rezip,
    set_flag,
    signed_documents,
)

SECOND = "documents/FAC-2026-0002.pdf"


@pytest.fixture(scope="module")
def who() -> Identity:
    return identity()


@pytest.fixture(scope="module")
def other() -> Identity:
    return identity("Dominique Autre EI")


@pytest.fixture(scope="module")
def batch(who: Identity) -> bytes:
    return build_batch(content(signed_documents(who)), simple_manifest_signer(who.certificate_pem,
                                                                               who.private_key_der))


def _files(batch: bytes) -> dict[str, bytes]:
    return dict(members(batch))


def _resign(batch: bytes, signer: Identity, edit: Callable[[dict[str, Any]], None] | None = None,
            replaced: dict[str, bytes] | None = None) -> bytes:
    """The batch with members replaced, the manifest's hashes updated, edited, and signed again by `signer`."""
    entries = [(name, (replaced or {}).get(name, value)) for name, value in members(batch)]
    files = dict(entries)
    manifest = json.loads(files[MANIFEST_NAME])
    for document in manifest["documents"]:
        document["sha256"] = hashlib.sha256(files[document["file"]]).hexdigest()
    manifest["acts_csv"]["sha256"] = hashlib.sha256(files[ACTS_CSV_NAME]).hexdigest()
    if edit:
        edit(manifest)
    raw = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
    signature = simple_manifest_signer(signer.certificate_pem, signer.private_key_der)(raw)
    return rezip([(n, raw if n == MANIFEST_NAME else signature if n == SIGNATURE_NAME else v) for n, v in entries])


def _codes(check: BatchCheck) -> list[str]:
    return [fault.code for fault in check.faults]


def test_a_good_batch(batch: bytes) -> None:
    check = verify_batch(batch)
    assert check.ok and check.faults == () and check.first_fault is None
    assert (check.batch_id, check.network, check.documents, check.total) == (BATCH_ID, "RPM", 3, Decimal("260.00"))
    assert check.manifest is not None and check.manifest["totals"]["acts"] == 6


def test_a_resigned_untouched_batch_is_still_good(batch: bytes, who: Identity) -> None:
    assert verify_batch(_resign(batch, who)).ok  # the test's own surgery changes nothing by itself


# --- the archive -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"garbage", b"PK\x03\x04" + b"\x00" * 100, bytes(range(256)) * 10])
def test_not_a_zip(data: bytes) -> None:
    check = verify_batch(data)
    assert _codes(check) == ["batch_not_zip"] and check.manifest is None and check.total == Decimal("0.00")
    assert check.first_fault is not None and "ZIP" in check.first_fault.message


def test_truncated(batch: bytes) -> None:
    assert _codes(verify_batch(batch[: len(batch) // 2])) == ["batch_not_zip"]
    assert _codes(verify_batch(batch[:-30])) == ["batch_not_zip"]


@pytest.mark.parametrize("name", ["../evil.pdf", "documents/../../evil.pdf", "/etc/cron.d/x", "documents\\x.pdf",
                                  "C:evil.pdf", "documents//x.pdf", "a\x01b"])
def test_unsafe_names(batch: bytes, name: str) -> None:
    check = verify_batch(rezip([*members(batch), (name, b"x")]))
    assert _codes(check) == ["batch_member_name_unsafe"]


def test_duplicate_member(batch: bytes) -> None:
    entries = members(batch)
    check = verify_batch(rezip([*entries, (ACTS_CSV_NAME, b"other")]))
    assert _codes(check) == ["batch_member_duplicate"]
    assert ACTS_CSV_NAME in check.faults[0].message


def test_huge_declared_size_is_refused_without_decompressing(batch: bytes) -> None:
    check = verify_batch(declare_size(batch, SECOND, 60 * 1024 * 1024))
    assert _codes(check) == ["batch_member_too_large"] and SECOND in check.faults[0].message


def test_huge_total_declared_size(batch: bytes) -> None:
    extras = [(f"extra{i}.bin", b"x") for i in range(11)]
    data = rezip([*members(batch), *extras])
    for name, _ in extras:
        data = declare_size(data, name, 49 * 1024 * 1024)
    assert _codes(verify_batch(data)) == ["batch_too_large"]


def test_a_real_zip_bomb(batch: bytes) -> None:
    bomb = b"\x00" * (60 * 1024 * 1024)  # 60 MB of zeros, 60 KB compressed
    assert _codes(verify_batch(rezip([*members(batch), ("bomb.bin", bomb)]))) == ["batch_member_too_large"]


def test_encrypted_member(batch: bytes) -> None:
    assert _codes(verify_batch(set_flag(batch, ACTS_CSV_NAME, 0x1))) == ["batch_member_unreadable"]


def test_damaged_compressed_data(batch: bytes) -> None:
    data = bytearray(batch)
    start = 30 + len(MANIFEST_NAME)  # the manifest is the first member, without extra field
    data[start + 40] ^= 0xFF
    check = verify_batch(bytes(data))
    assert _codes(check) == ["batch_member_unreadable"] and MANIFEST_NAME in check.faults[0].message


@pytest.mark.parametrize("name", [MANIFEST_NAME, SIGNATURE_NAME, SECOND, ACTS_CSV_NAME])
def test_missing_member(batch: bytes, name: str) -> None:
    check = verify_batch(rezip([(n, v) for n, v in members(batch) if n != name]))
    assert _codes(check) == ["batch_member_missing"]
    assert name in check.faults[0].message


def test_unexpected_member(batch: bytes) -> None:
    check = verify_batch(rezip([*members(batch), ("documents/FAC-2026-0099.pdf", b"%PDF-1.7")]))
    assert _codes(check) == ["batch_member_unexpected"]


# --- the manifest and its signature ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'{"a": 1, "a": 2}', b'{"x": NaN}', b"\xff\xfe{}",
                                 b"[" * 100000 + b"]" * 100000])
def test_manifest_not_json(batch: bytes, raw: bytes) -> None:
    assert _codes(verify_batch(replace(batch, MANIFEST_NAME, raw))) == ["batch_manifest_not_json"]


def test_unknown_format_version(batch: bytes) -> None:
    manifest = json.loads(_files(batch)[MANIFEST_NAME])
    manifest["format_version"] = 2
    check = verify_batch(replace(batch, MANIFEST_NAME, json.dumps(manifest).encode()))
    assert _codes(check) == ["batch_format_unsupported"] and "format 2" in check.faults[0].message


def test_manifest_against_the_schema(batch: bytes) -> None:
    manifest = json.loads(_files(batch)[MANIFEST_NAME])
    del manifest["totals"]
    check = verify_batch(replace(batch, MANIFEST_NAME, json.dumps(manifest).encode()))
    assert _codes(check) == ["batch_manifest_invalid"] and check.manifest is None


def test_manifest_edited_without_signing_again(batch: bytes) -> None:
    raw = _files(batch)[MANIFEST_NAME].replace(b'"80.00"', b'"90.00"').replace(b'"260.00"', b'"270.00"')
    check = verify_batch(replace(batch, MANIFEST_NAME, raw))
    assert check.first_fault is not None and check.first_fault.code == "batch_signature_invalid"


def test_manifest_amount_edited_and_signed_again(batch: bytes, who: Identity) -> None:
    """An insider with the key: the totals, then the Factur-X data and the acts, still tell."""
    def edit(manifest: dict[str, Any]) -> None:
        manifest["documents"][1]["amount"] = "90.00"

    assert _codes(verify_batch(_resign(batch, who, edit)))[0] == "batch_totals_mismatch"

    def edit_with_totals(manifest: dict[str, Any]) -> None:
        edit(manifest)
        manifest["totals"]["amount"] = "270.00"

    check = verify_batch(_resign(batch, who, edit_with_totals))
    assert _codes(check) == ["batch_facturx_mismatch", "batch_csv_mismatch"]
    assert {f.document for f in check.faults} == {"FAC-2026-0002"}
    assert "FAC-2026-0002" in check.faults[0].message and "80,00" in check.faults[0].message


def test_manifest_signed_by_another_certificate(batch: bytes, other: Identity) -> None:
    check = verify_batch(_resign(batch, other))
    assert _codes(check) == ["batch_pdf_signer_mismatch"] * 3
    assert check.first_fault is not None and check.first_fault.document == "FAC-2026-0001"
    assert "Camille Martin EI" in check.first_fault.message


def test_signature_garbage(batch: bytes) -> None:
    assert _codes(verify_batch(replace(batch, SIGNATURE_NAME, b"\x30\x03\x02\x01\x01")))[0] == \
        "batch_signature_unreadable"


# --- the documents ---------------------------------------------------------------------------------------------

def test_one_byte_of_a_pdf(batch: bytes) -> None:
    pdf = bytearray(_files(batch)[SECOND])
    pdf[len(pdf) // 2] ^= 0x01
    check = verify_batch(replace(batch, SECOND, bytes(pdf)))
    assert _codes(check) == ["batch_pdf_hash_mismatch"]
    assert check.faults[0].document == "FAC-2026-0002" and "FAC-2026-0002" in check.faults[0].message


def test_pdf_changed_after_signing_with_the_manifest_updated(batch: bytes, who: Identity) -> None:
    pdf = _files(batch)[SECOND]
    at = pdf.find(b"COCON")
    changed = pdf[:at] + b"COCOM" + pdf[at + 5:]
    check = verify_batch(_resign(batch, who, replaced={SECOND: changed}))
    assert _codes(check) == ["batch_pdf_signature_invalid"] and check.faults[0].document == "FAC-2026-0002"


def test_content_appended_after_the_pdf_signature(batch: bytes, who: Identity) -> None:
    check = verify_batch(_resign(batch, who, replaced={SECOND: _files(batch)[SECOND] + b"\n% ajout\n"}))
    assert _codes(check) == ["batch_pdf_signature_partial"]


def test_pdf_signed_by_another_certificate(batch: bytes, who: Identity, other: Identity) -> None:
    data = invoice_datas()[1]
    pdf = render_signed_invoice(data, other.certificate_pem, other.private_key_der)
    check = verify_batch(_resign(batch, who, replaced={SECOND: pdf}))
    assert _codes(check) == ["batch_pdf_signer_mismatch"] and "Dominique Autre EI" in check.faults[0].message


def test_pdf_signed_by_an_earlier_certificate_the_manifest_lists(batch: bytes, who: Identity,
                                                                  other: Identity) -> None:
    """A practice that changed identity: the manifest, signed by the new certificate, vouches for the earlier
    one by its SHA-256; a PDF signed by it passes, and the same PDF fails when the list names another."""
    pdf = render_signed_invoice(invoice_datas()[1], other.certificate_pem, other.private_key_der)
    earlier = hashlib.sha256(load_certificates(other.certificate_pem)[0].public_bytes(Encoding.DER)).hexdigest()

    def vouch(fingerprint: str) -> Callable[[dict[str, Any]], None]:
        def edit(manifest: dict[str, Any]) -> None:
            manifest["practice"]["signing_certificates"] = [fingerprint]
        return edit

    assert verify_batch(_resign(batch, who, vouch(earlier), replaced={SECOND: pdf})).ok
    check = verify_batch(_resign(batch, who, vouch("0" * 64), replaced={SECOND: pdf}))
    assert _codes(check) == ["batch_pdf_signer_mismatch"]
    check = verify_batch(_resign(batch, who, vouch("pas-une-empreinte"), replaced={SECOND: pdf}))
    assert _codes(check) == ["batch_manifest_invalid"]


def test_unsigned_pdf(batch: bytes, who: Identity) -> None:
    data = invoice_datas()[1]
    check = verify_batch(_resign(batch, who, replaced={SECOND: embed_facturx(render_invoice_pdf(data), data)}))
    assert _codes(check) == ["batch_pdf_not_signed"]


def test_pdf_without_factur_x(batch: bytes, who: Identity) -> None:
    pdf = sign_pdf(render_invoice_pdf(invoice_datas()[1]), who.certificate_pem, who.private_key_der)
    check = verify_batch(_resign(batch, who, replaced={SECOND: pdf}))
    assert _codes(check) == ["batch_facturx_missing"]


def test_pdf_of_another_invoice(batch: bytes, who: Identity) -> None:
    """A signed, genuine invoice of the practice, but not the one the manifest lists under that number."""
    check = verify_batch(_resign(batch, who, replaced={SECOND: _files(batch)["documents/FAC-2026-0001.pdf"]}))
    assert _codes(check) == ["batch_facturx_mismatch", "batch_csv_mismatch"]


# --- the acts ----------------------------------------------------------------------------------------------------

def test_csv_edited(batch: bytes) -> None:
    csv = _files(batch)[ACTS_CSV_NAME].replace(b";140,00", b";150,00")
    assert _codes(verify_batch(replace(batch, ACTS_CSV_NAME, csv))) == ["batch_csv_hash_mismatch"]


def test_csv_edited_and_signed_again(batch: bytes, who: Identity) -> None:
    csv = _files(batch)[ACTS_CSV_NAME].replace(b";140,00", b";150,00")
    check = verify_batch(_resign(batch, who, replaced={ACTS_CSV_NAME: csv}))
    assert _codes(check) == ["batch_csv_mismatch"] and check.faults[0].document == "FAC-2026-0001"
    assert "230,00" in check.faults[0].message


@pytest.mark.parametrize(("csv", "row"), [
    (b"numero;type\r\n", 1),
    ("\ufeffnumero_document;type;date_emission;document_corrige;ligne;date_acte;numero_inclusion;initiales;"
     "discipline;nature;montant\r\nFAC-2026-0001;facture;2026-11-30;;1;2026-11-01;X;A. B.;orthophonie;seance;"
     "40.00\r\n".encode(), 2),
    (b"\xef\xbb\xbf\xff\xfe", 1),
])
def test_csv_malformed(batch: bytes, who: Identity, csv: bytes, row: int) -> None:
    check = verify_batch(_resign(batch, who, replaced={ACTS_CSV_NAME: csv}))
    assert _codes(check) == ["batch_csv_invalid"] and f"ligne {row}" in check.faults[0].message


# --- robustness --------------------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise(data: bytes) -> None:
    check = verify_batch(data)
    assert not check.ok and check.first_fault is not None and check.first_fault.message


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_single_byte_flips_never_raise(batch: bytes, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(batch) - 1))
    flipped = bytearray(batch)
    flipped[position] ^= data.draw(st.integers(1, 255))
    check = verify_batch(bytes(flipped))
    assert isinstance(check, BatchCheck)
    assert all(fault.message and not fault.message.startswith("batch_") for fault in check.faults)


def test_inputs_that_are_not_bytes() -> None:
    assert not verify_batch(bytearray(b"PK")).ok  # type: ignore[arg-type]
    assert not verify_batch(memoryview(b"PK")).ok  # type: ignore[arg-type]
    assert not verify_batch("PK").ok  # type: ignore[arg-type]


def test_every_fault_code_has_a_french_sentence() -> None:
    codes: set[str] = set()
    for module in (batch_verify, batch_checks):
        tree = ast.parse(Path(str(module.__file__)).read_text("utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                codes.add(str(node.args[0].value))
    assert len(codes) >= 20
    assert sorted(codes - messages.MESSAGES.keys()) == []
    for code in codes:
        assert re.fullmatch(r"batch_[a-z_]+", code)


def test_only_stored_or_deflated_members_are_read(batch: bytes) -> None:
    """DEFLATE is what every ZIP reader has; a bzip2 or LZMA member is refused before any decompression."""
    data = bytearray(batch)
    # the compression method of the first member in its central directory entry: 12 = bzip2
    central = data.find(b"PK\x01\x02")
    data[central + 10] = 12
    assert _codes(verify_batch(bytes(data)))[0] == "batch_member_unreadable"
