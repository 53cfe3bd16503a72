"""The batch file ("lot de facturation") sent to a regional network: one ZIP, described in docs/batch-format.md.

Members, in this order: `manifest.json`, `manifest.json.p7s` (detached CMS signature of the manifest's bytes),
`documents/<number>.pdf` (the signed PDFs exactly as issued, in the manifest's order), `actes.csv` (one line
per act, for the network's spreadsheet or coordination tool). Member order, timestamps and permissions
depend only on the content, so the same content gives the same members (the signature aside: ECDSA
signatures are randomised).

Sign convention: the documents themselves (PDF, Factur-X) carry positive amounts, a credit note being
titled so (type code 381). The manifest and the CSV, meant to be summed, write a credit note's amounts
**negative**: the sum of a column is what the network owes. The values given to `build_batch` may carry
either sign: the document's kind decides.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from cocon_exchange import __version__
from cocon_exchange.acts_csv import ACTS_CSV_NAME, acts_csv, signed_amount
from cocon_exchange.manifest_schema import schema_problem
from cocon_exchange.money import CENT
from cocon_exchange.pathway_labels import DEFAULT_PATHWAY, PATHWAY_PATTERN

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.p7s"
DOCUMENTS_FOLDER = "documents/"
CURRENCY = "EUR"
KINDS = ("invoice", "credit_note")
NUMBER_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
NETWORK_PATTERN = re.compile(r"[A-Z0-9]{2,8}")  # the payer: a COCON network (RPM) or a configured one (PCO1)
DEFAULT_PREFIX = "COCON"  # the start of a COCON batch file's name; another pathway's is its `batch_prefix`
PREFIX_PATTERN = re.compile(r"[A-Za-z0-9-]{2,20}")  # domain/pathways.BATCH_PREFIX

__all__ = [
    "ACTS_CSV_NAME", "FORMAT_VERSION", "MANIFEST_NAME", "SIGNATURE_NAME", "BatchAct", "BatchContent",
    "BatchDocument", "BatchPractice", "ManifestSigner", "batch_file_name", "build_batch", "build_manifest",
    "document_file", "manifest_amount", "signed_amount",
]

ManifestSigner = Callable[[bytes], bytes]
"""Manifest bytes → DER CMS detached signature (see manifest_signature.simple_manifest_signer)."""


@dataclass(frozen=True)
class BatchAct:
    """One line of a document: an act of care, named by inclusion number and initials only."""

    document_number: str
    line_no: int
    service_day: date
    inclusion_number: str
    initials: str
    discipline: str  # code: "orthophonie"
    seance_kind: str  # code: "seance", "bilan_initial"
    amount: Decimal


@dataclass(frozen=True)
class BatchDocument:
    number: str
    kind: str  # "invoice" | "credit_note"
    issue_date: date
    corrects_number: str | None  # the invoice a credit note corrects
    total: Decimal  # as printed on the document (either sign accepted, the kind decides)
    pdf: bytes  # the signed PDF as stored
    acts: tuple[BatchAct, ...]


@dataclass(frozen=True)
class BatchPractice:
    name: str
    profession: str
    rpps: str
    adeli: str
    siret: str
    address: str
    # SHA-256 (hex, of the DER) of every certificate of the practice that may have signed a PDF of the batch:
    # a practice that changed identity (a .p12, a CPS card) still batches what its older certificate signed
    signing_certificates: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchContent:
    batch_id: str  # uuid4 text
    network: str
    period_start: date
    period_end: date
    created_at: datetime  # aware
    practice: BatchPractice
    documents: tuple[BatchDocument, ...]
    # the care pathway of every document of the batch: written in the manifest only when it is not COCON's, so
    # that a COCON batch stays what it was before pathways existed (issue 22)
    pathway: str = DEFAULT_PATHWAY


def document_file(number: str) -> str:
    """The member name of a document's PDF: "documents/FAC-2026-0001.pdf"."""
    return f"{DOCUMENTS_FOLDER}{number}.pdf"


def manifest_amount(value: Decimal) -> str:
    """"123.45" / "-40.00": a JSON string, so that no reader turns it into a binary float."""
    return f"{value.quantize(CENT):.2f}"


def _check_amount(value: Decimal, what: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value != value.quantize(CENT):
        raise ValueError(f"{what}: a finite amount with at most two decimals is required, got {value!r}")


def _check_document(document: BatchDocument) -> None:
    where = f"document {document.number!r}"
    if not NUMBER_PATTERN.fullmatch(document.number):
        raise ValueError(f"{where}: a number of letters, digits, '.', '_' or '-' is required")
    if document.kind not in KINDS:
        raise ValueError(f"{where}: unknown kind {document.kind!r}")
    if (document.kind == "credit_note") != (document.corrects_number is not None):
        raise ValueError(f"{where}: a credit note, and only a credit note, corrects an invoice")
    if not document.pdf or not document.acts:
        raise ValueError(f"{where}: a PDF and at least one act are required")
    _check_amount(document.total, where)
    for act in document.acts:
        _check_amount(act.amount, f"{where}, line {act.line_no}")
        if act.document_number != document.number:
            raise ValueError(f"{where}: line {act.line_no} belongs to {act.document_number!r}")
    if sum((abs(act.amount) for act in document.acts), Decimal("0.00")) != abs(document.total):
        raise ValueError(f"{where}: its acts do not sum to its total {document.total}")
    if len({act.line_no for act in document.acts}) != len(document.acts):
        raise ValueError(f"{where}: two acts have the same line number")


def check_content(content: BatchContent) -> None:
    """ValueError when the content cannot make a batch that verifies (a bug of the caller, not a user error)."""
    if str(uuid.UUID(content.batch_id)) != content.batch_id:
        raise ValueError(f"batch id {content.batch_id!r}: the lower-case text of a UUID is required")
    if not NETWORK_PATTERN.fullmatch(content.network):
        raise ValueError(f"network {content.network!r}: 2 to 8 capital letters or digits are required")
    if not PATHWAY_PATTERN.fullmatch(content.pathway):
        raise ValueError(f"pathway {content.pathway!r}: 2 to 20 lower-case letters, digits or '-' are required")
    if content.period_start > content.period_end:
        raise ValueError("the period ends before it starts")
    if content.created_at.tzinfo is None or content.created_at.utcoffset() is None:
        raise ValueError("created_at must be an aware datetime")
    if not content.documents:
        raise ValueError("a batch holds at least one document")
    numbers = [d.number for d in content.documents]
    if len(set(numbers)) != len(numbers):
        raise ValueError("a document appears twice in the batch")
    for document in content.documents:
        _check_document(document)


def _compact(identifier: str) -> str:
    return "".join(identifier.split())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _document_entry(document: BatchDocument) -> dict[str, Any]:
    return {
        "number": document.number, "kind": document.kind, "issue_date": document.issue_date.isoformat(),
        "corrects": document.corrects_number,
        "amount": manifest_amount(signed_amount(document.kind, document.total)),
        "file": document_file(document.number), "sha256": _sha256(document.pdf), "acts": len(document.acts),
    }


def build_manifest(content: BatchContent, csv_bytes: bytes) -> dict[str, Any]:
    """The manifest as a JSON-ready dict (see the schema in schemas/batch-manifest.schema.json)."""
    documents = content.documents
    net = sum((signed_amount(d.kind, d.total) for d in documents), Decimal("0.00"))
    practice = content.practice
    manifest: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "generator": f"COCON Desktop {__version__}",
        "batch_id": content.batch_id,
        "network": content.network,
        "period": {"start": content.period_start.isoformat(), "end": content.period_end.isoformat()},
        "created_at": content.created_at.isoformat(timespec="seconds"),
        "currency": CURRENCY,
        "practice": {"name": practice.name, "profession": practice.profession, "rpps": _compact(practice.rpps),
                     "adeli": _compact(practice.adeli), "siret": _compact(practice.siret),
                     "address": practice.address,
                     "signing_certificates": sorted(set(practice.signing_certificates))},
        "documents": [_document_entry(d) for d in documents],
        "totals": {
            "documents": len(documents),
            "invoices": sum(1 for d in documents if d.kind == "invoice"),
            "credit_notes": sum(1 for d in documents if d.kind == "credit_note"),
            "amount": manifest_amount(net),
            "acts": sum(len(d.acts) for d in documents),
        },
        "acts_csv": {"file": ACTS_CSV_NAME, "sha256": _sha256(csv_bytes)},
    }
    if content.pathway != DEFAULT_PATHWAY:  # absent means COCON: a COCON manifest keeps its bytes
        manifest["pathway"] = content.pathway
    return manifest


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """UTF-8, sorted keys, indent 2, final newline: the bytes the signature covers."""
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _zip(members: Sequence[tuple[str, bytes]], moment: datetime) -> bytes:
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the platform, so that the bytes do not depend on it
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=9)
    return out.getvalue()


def build_batch(content: BatchContent, sign_manifest: ManifestSigner) -> bytes:
    """The batch file (ZIP bytes). ValueError when the content is inconsistent (acts not summing to a total…)."""
    check_content(content)
    csv_bytes = acts_csv(content.documents)
    manifest_data = build_manifest(content, csv_bytes)
    problem = schema_problem(manifest_data)
    if problem:  # e.g. a SIRET that is not 14 digits: the network would refuse the file
        raise ValueError(f"the manifest would not follow its schema: {problem}")
    manifest = manifest_bytes(manifest_data)
    members = [(MANIFEST_NAME, manifest), (SIGNATURE_NAME, sign_manifest(manifest))]
    members += [(document_file(d.number), d.pdf) for d in content.documents]
    members.append((ACTS_CSV_NAME, csv_bytes))
    return _zip(members, content.created_at)


def batch_file_name(content: BatchContent, prefix: str = DEFAULT_PREFIX) -> str:
    """"COCON-RPM-2026-10-1a2b3c4d.zip": the pathway's prefix, the payer, the month the period starts, the first 8
    hex digits of the batch id ("PCO-TND-PCO1-2026-11-….zip" for a PCO of PCO-TND)."""
    if not PREFIX_PATTERN.fullmatch(prefix):
        raise ValueError(f"batch file prefix {prefix!r}: 2 to 20 letters, digits or '-' are required")
    short = content.batch_id.replace("-", "")[:8]
    return f"{prefix}-{content.network}-{content.period_start:%Y-%m}-{short}.zip"
