"""The batch file: a ZIP that a network opens with a spreadsheet, a JSON reader and a signature checker."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from asn1crypto import cms
from jsonschema import Draft202012Validator

from cocon_desktop.security.certificate import load_certificates
from cocon_exchange.acts_csv import HEADER
from cocon_exchange.batch_format import (
    ACTS_CSV_NAME,
    FORMAT_VERSION,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    BatchContent,
    BatchDocument,
    batch_file_name,
    build_batch,
)
from cocon_exchange.manifest_schema import manifest_schema, schema_problem
from cocon_exchange.manifest_signature import simple_manifest_signer, verify_detached
from tests.unit.batch_helpers import BATCH_ID, CREATED_AT, Identity, content, identity, members, signed_documents


@pytest.fixture(scope="module")
def who() -> Identity:
    return identity()


@pytest.fixture(scope="module")
def batch_content(who: Identity) -> BatchContent:
    return content(signed_documents(who))


@pytest.fixture(scope="module")
def batch(who: Identity, batch_content: BatchContent) -> bytes:
    return build_batch(batch_content, simple_manifest_signer(who.certificate_pem, who.private_key_der))


@pytest.fixture(scope="module")
def manifest(batch: bytes) -> dict[str, object]:
    value: dict[str, object] = json.loads(dict(members(batch))[MANIFEST_NAME])
    return value


def _csv_rows(batch: bytes) -> list[list[str]]:
    data = dict(members(batch))[ACTS_CSV_NAME]
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_layout_and_determinism(who: Identity, batch_content: BatchContent, batch: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(batch)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == [MANIFEST_NAME, SIGNATURE_NAME, "documents/FAC-2026-0001.pdf",
                                          "documents/FAC-2026-0002.pdf", "documents/AV-2026-0001.pdf", ACTS_CSV_NAME]
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert {i.date_time for i in infos} == {(2026, 12, 8, 9, 30, 14)}  # ZIP keeps even seconds
    again = build_batch(batch_content, simple_manifest_signer(who.certificate_pem, who.private_key_der))
    first, second = members(batch), members(again)
    assert [m for m in first if m[0] != SIGNATURE_NAME] == [m for m in second if m[0] != SIGNATURE_NAME]
    # the PDFs are the stored ones, byte for byte
    assert [v for n, v in first if n.startswith("documents/")] == [d.pdf for d in batch_content.documents]


def test_manifest(batch: bytes, batch_content: BatchContent, manifest: dict[str, object]) -> None:
    raw = dict(members(batch))[MANIFEST_NAME]
    assert raw == (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
    assert manifest["format_version"] == FORMAT_VERSION and manifest["batch_id"] == BATCH_ID
    assert manifest["network"] == "RPM" and manifest["currency"] == "EUR"
    assert manifest["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert datetime.fromisoformat(str(manifest["created_at"])) == CREATED_AT
    assert manifest["created_at"] == "2026-12-08T09:30:15+01:00"
    assert manifest["practice"] == {"name": "Camille Martin EI", "profession": "psychomotricien",
                                    "rpps": "10001234565", "adeli": "", "siret": "91234567500017",
                                    "address": "12 rue de la République, 13002 Marseille",
                                    "signing_certificates": []}
    documents = manifest["documents"]
    assert isinstance(documents, list)
    assert [(d["number"], d["kind"], d["issue_date"], d["corrects"], d["amount"], d["acts"]) for d in documents] == [
        ("FAC-2026-0001", "invoice", "2026-11-30", None, "220.00", 3),
        ("FAC-2026-0002", "invoice", "2026-11-30", None, "80.00", 2),
        ("AV-2026-0001", "credit_note", "2026-12-07", "FAC-2026-0001", "-40.00", 1),  # negative: it is deducted
    ]
    files = dict(members(batch))
    for entry, document in zip(documents, batch_content.documents, strict=True):
        assert entry["file"] == f"documents/{document.number}.pdf"
        assert entry["sha256"] == hashlib.sha256(files[entry["file"]]).hexdigest()
    assert manifest["totals"] == {"documents": 3, "invoices": 2, "credit_notes": 1, "amount": "260.00", "acts": 6}
    assert manifest["acts_csv"] == {"file": ACTS_CSV_NAME,
                                    "sha256": hashlib.sha256(files[ACTS_CSV_NAME]).hexdigest()}


def test_schema_is_a_valid_draft_2020_12_schema_and_describes_the_manifest(manifest: dict[str, object]) -> None:
    schema = manifest_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(manifest)
    assert schema_problem(manifest) == ""


@pytest.mark.parametrize(("change", "where"), [
    (lambda m: m["documents"][2].update(amount="40.00"), "$.documents[2].amount"),  # a positive credit note
    (lambda m: m["documents"][0].update(corrects="FAC-2026-0009"), "$.documents[0].corrects"),
    (lambda m: m["documents"][0].update(file="../x.pdf"), "$.documents[0].file"),
    (lambda m: m["documents"][1].update(sha256="ABC"), "$.documents[1].sha256"),
    (lambda m: m.update(extra=1), "$"),
    (lambda m: m.pop("totals"), "$"),
    (lambda m: m.update(format_version=2), "$.format_version"),
    (lambda m: m["totals"].update(amount="260,00"), "$.totals.amount"),
])
def test_schema_refuses(manifest: dict[str, object], change: object, where: str) -> None:
    changed = json.loads(json.dumps(manifest))
    change(changed)  # type: ignore[operator]
    assert schema_problem(changed).startswith(where + " ")


def test_acts_csv_opens_in_a_french_spreadsheet(batch: bytes) -> None:
    data = dict(members(batch))[ACTS_CSV_NAME]
    assert data.count(b"\r\n") == 7 and data.count(b"\n") == 7  # CRLF only
    rows = _csv_rows(batch)
    assert tuple(rows[0]) == HEADER
    assert rows[0] == ["numero_document", "type", "date_emission", "document_corrige", "ligne", "date_acte",
                       "numero_inclusion", "initiales", "discipline", "nature", "montant"]
    assert rows[3] == ["FAC-2026-0001", "facture", "2026-11-30", "", "3", "2026-11-03", "RPM-2025-00789",
                       "J.-P. R.", "psychomotricite", "bilan_initial", "140,00"]
    assert rows[-1] == ["AV-2026-0001", "avoir", "2026-12-07", "FAC-2026-0001", "1", "2026-11-01",
                        "RPM-2024-00123", "L. B.", "psychomotricite", "seance", "-40,00"]
    # the montant column sums to the net amount the network owes
    assert sum(Decimal(row[-1].replace(",", ".")) for row in rows[1:]) == Decimal("260.00")


def test_csv_cells_are_never_formulas(who: Identity, batch_content: BatchContent) -> None:
    first = batch_content.documents[0]
    acts = (dataclasses.replace(first.acts[0], initials="=1+1", inclusion_number="@SUM(A1)"), *first.acts[1:])
    changed = dataclasses.replace(batch_content, documents=(dataclasses.replace(first, acts=acts),))
    rows = _csv_rows(build_batch(changed, simple_manifest_signer(who.certificate_pem, who.private_key_der)))
    assert rows[1][6:8] == ["'@SUM(A1)", "'=1+1"]


def test_manifest_signature(who: Identity, batch: bytes) -> None:
    files = dict(members(batch))
    signature = files[SIGNATURE_NAME]
    signed_data = cms.ContentInfo.load(signature)["content"]
    assert signed_data["encap_content_info"]["content"].native is None  # detached
    assert signed_data["signer_infos"][0]["digest_algorithm"]["algorithm"].native == "sha256"
    check = verify_detached(files[MANIFEST_NAME], signature)
    assert check.ok and check.signer == "Camille Martin EI"
    assert load_certificates(check.certificate_pem) == load_certificates(who.certificate_pem)
    assert verify_detached(files[MANIFEST_NAME] + b" ", signature).problem == "altered"
    assert verify_detached(files[MANIFEST_NAME], b"garbage").problem == "unreadable"
    assert verify_detached(files[MANIFEST_NAME], signature[:-10]).problem == "unreadable"


def test_file_name(batch_content: BatchContent) -> None:
    assert batch_file_name(batch_content) == "COCON-RPM-2026-11-1a2b3c4d.zip"


def test_a_credit_note_given_with_a_negative_total_is_the_same(who: Identity, batch_content: BatchContent,
                                                               manifest: dict[str, object]) -> None:
    note = batch_content.documents[2]
    negative = dataclasses.replace(note, total=-note.total,
                                   acts=tuple(dataclasses.replace(a, amount=-a.amount) for a in note.acts))
    changed = dataclasses.replace(batch_content, documents=(*batch_content.documents[:2], negative))
    batch = build_batch(changed, simple_manifest_signer(who.certificate_pem, who.private_key_der))
    assert json.loads(dict(members(batch))[MANIFEST_NAME]) == manifest


def _broken(batch_content: BatchContent, how: str) -> BatchContent:
    first = batch_content.documents[0]
    document: BatchDocument = first
    content_changes: dict[str, object] = {}
    if how == "acts_do_not_sum":
        document = dataclasses.replace(first, total=Decimal("221.00"))
    elif how == "unsafe_number":
        document = dataclasses.replace(first, number="../FAC")
    elif how == "invoice_correcting":
        document = dataclasses.replace(first, corrects_number="FAC-2025-0001")
    elif how == "three_decimals":
        document = dataclasses.replace(first, total=Decimal("220.001"))
    elif how == "twice":
        content_changes["documents"] = (first, first)
    elif how == "naive_time":
        content_changes["created_at"] = CREATED_AT.replace(tzinfo=None)
    elif how == "empty":
        content_changes["documents"] = ()
    elif how == "bad_siret":
        content_changes["practice"] = dataclasses.replace(batch_content.practice, siret="123")
    elif how == "bad_batch_id":
        content_changes["batch_id"] = "lot-1"
    content_changes.setdefault("documents", (document, *batch_content.documents[1:]))
    return dataclasses.replace(batch_content, **content_changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("how", ["acts_do_not_sum", "unsafe_number", "invoice_correcting", "three_decimals", "twice",
                                 "naive_time", "empty", "bad_siret", "bad_batch_id"])
def test_inconsistent_content_is_refused_before_signing(batch_content: BatchContent, how: str) -> None:
    signed: list[bytes] = []

    def sign(data: bytes) -> bytes:
        signed.append(data)
        return b""

    with pytest.raises(ValueError):
        build_batch(_broken(batch_content, how), sign)
    assert signed == []
