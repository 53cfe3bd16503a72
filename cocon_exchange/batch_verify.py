"""Verification of a batch file using only the file: what a network runs on receipt (`cocon verify-batch`).

In order: the archive (names, sizes, duplicates: nothing is decompressed from a suspicious archive), the
manifest (JSON, format version, schema, its own consistency and totals), the members it lists (missing or
unexpected ones), the manifest's signature, then each document in the manifest's order (SHA-256, PAdES
signature by the manifest's signer, Factur-X data), then `actes.csv` (SHA-256, format, acts against each
document). Faults are collected in that order, which is the order of the members in the file; a fault that
makes the following checks meaningless stops them. `verify_batch` never raises, whatever the bytes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal
from io import BytesIO
from typing import Any

from cocon_exchange.acts_csv import ACTS_CSV_NAME
from cocon_exchange.batch_checks import BatchFault, FaultList, check_csv, check_document, check_manifest_content
from cocon_exchange.batch_format import FORMAT_VERSION, MANIFEST_NAME, SIGNATURE_NAME
from cocon_exchange.certificates import certificate_fingerprint, certificate_subject
from cocon_exchange.manifest_schema import schema_problem
from cocon_exchange.manifest_signature import verify_detached
from cocon_exchange.pathway_labels import DEFAULT_PATHWAY

MiB = 1024 * 1024
MAX_MEMBER_SIZE = 50 * MiB  # uncompressed, each
MAX_TOTAL_SIZE = 500 * MiB  # uncompressed, all members; also the largest file accepted
MAX_MEMBERS = 5003  # 5,000 documents (the schema's limit), the manifest, its signature and the CSV
_ALLOWED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

__all__ = ["MAX_MEMBER_SIZE", "MAX_TOTAL_SIZE", "BatchCheck", "BatchFault", "verify_batch"]


@dataclass(frozen=True)
class BatchCheck:
    faults: tuple[BatchFault, ...]
    batch_id: str
    network: str
    documents: int
    total: Decimal  # net amount (credit notes negative), as the manifest says
    manifest: dict[str, Any] | None
    signer_pem: bytes = b""  # the certificate the manifest's signature carries (PEM; b"" when unreadable)
    pathway: str = DEFAULT_PATHWAY  # the manifest's `pathway` (issue 22): "cocon" when it has none

    @property
    def signer_fingerprint(self) -> str:
        """The SHA-256 of the signer's certificate (DER), hexadecimal; "" when there is none."""
        return certificate_fingerprint(self.signer_pem) if self.signer_pem else ""

    @property
    def signer_subject(self) -> str:
        return certificate_subject(self.signer_pem) if self.signer_pem else ""

    @property
    def ok(self) -> bool:
        return not self.faults

    @property
    def first_fault(self) -> BatchFault | None:
        return self.faults[0] if self.faults else None


def _unsafe_name(name: str) -> bool:
    """A name that could write outside a folder, or mean different files on different systems."""
    if not name or name.startswith("/") or "\\" in name or any(ord(c) < 32 or c == "\x7f" for c in name):
        return True
    if len(name) > 1 and name[1] == ":":  # a Windows drive: "C:evil"
        return True
    return any(part in ("", ".", "..") for part in name.rstrip("/").split("/"))


def _list_members(archive: zipfile.ZipFile, faults: FaultList) -> dict[str, zipfile.ZipInfo]:
    """The members by name, after the checks that need no decompression; faults stop the verification."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        faults.add("batch_too_many_members", count=len(infos), limit=MAX_MEMBERS)
        return {}
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.orig_filename
        total += info.file_size
        if _unsafe_name(name):
            faults.add("batch_member_name_unsafe", member=ascii(name)[1:-1][:120])
        elif name in members:
            faults.add("batch_member_duplicate", member=name)
        elif info.file_size > MAX_MEMBER_SIZE:
            faults.add("batch_member_too_large", member=name, limit="50 Mo")
        elif info.flag_bits & 0x1 or info.compress_type not in _ALLOWED_METHODS:
            faults.add("batch_member_unreadable", member=name)
        members.setdefault(name, info)
    if total > MAX_TOTAL_SIZE:
        faults.add("batch_too_large", limit="500 Mo")
    return members


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The member's bytes, or None when they cannot be read as declared (bad CRC, wrong size, damage)."""
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_MEMBER_SIZE + 1)
    except Exception:  # zipfile and zlib raise many kinds of errors on a damaged archive
        return None
    return data if len(data) == info.file_size else None


def _reject(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_manifest(data: bytes, faults: FaultList) -> dict[str, Any] | None:
    try:
        manifest = json.loads(data.decode("utf-8"), object_pairs_hook=_reject, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        faults.add("batch_manifest_not_json")
        return None
    if not isinstance(manifest, dict):
        faults.add("batch_manifest_not_json")
        return None
    version = manifest.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        faults.add("batch_format_unsupported", version=repr(version)[:20], supported=FORMAT_VERSION)
        return None
    problem = schema_problem(manifest)
    if problem:
        faults.add("batch_manifest_invalid", detail=problem)
        return None
    return manifest


def _members_listed(manifest: dict[str, Any]) -> list[str]:
    return [MANIFEST_NAME, SIGNATURE_NAME, *(d["file"] for d in manifest["documents"]), ACTS_CSV_NAME]


def _check(data: bytes, faults: FaultList, signer: list[bytes], documents: bool) -> dict[str, Any] | None:
    """The faults of `data`, and its manifest once it is known to follow the schema; the manifest signature's
    certificate is appended to `signer`. Without `documents`, each PDF is checked against its SHA-256 only."""
    if len(data) > MAX_TOTAL_SIZE:
        faults.add("batch_too_large", limit="500 Mo")
        return None
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except Exception:  # BadZipFile, but also OSError, ValueError, EOFError… on crafted bytes
        faults.add("batch_not_zip")
        return None
    with archive:
        members = _list_members(archive, faults)
        if faults.items:
            return None
        if MANIFEST_NAME not in members:
            faults.add("batch_member_missing", member=MANIFEST_NAME)
            return None
        manifest_data = _read(archive, members[MANIFEST_NAME])
        if manifest_data is None:
            faults.add("batch_member_unreadable", member=MANIFEST_NAME)
            return None
        manifest = _parse_manifest(manifest_data, faults)
        if manifest is None:
            return None
        if not check_manifest_content(manifest, faults):
            return manifest
        listed = _members_listed(manifest)
        for name in listed:
            if name not in members:
                faults.add("batch_member_missing", member=name)
        expected = set(listed)
        for name in members:
            if name not in expected:
                faults.add("batch_member_unexpected", member=ascii(name)[1:-1][:120])

        def read(name: str) -> bytes | None:
            if name not in members:
                return None  # already reported as missing
            content = _read(archive, members[name])
            if content is None:
                faults.add("batch_member_unreadable", member=name)
            return content

        signature = read(SIGNATURE_NAME)
        certificate_pem = b""
        if signature is not None:
            verdict = verify_detached(manifest_data, signature)
            certificate_pem = verdict.certificate_pem
            signer.append(certificate_pem)
            if verdict.problem in ("unreadable", "not_detached", "digest", "no_certificate"):
                faults.add("batch_signature_unreadable")
            elif verdict.problem == "altered":
                faults.add("batch_signature_invalid")
            elif verdict.problem:
                faults.add("batch_signature_untrusted", signer=verdict.signer)
        line_amounts: dict[str, tuple[Decimal, ...]] = {}
        earlier = frozenset(manifest["practice"].get("signing_certificates", ()))
        for document in manifest["documents"]:
            pdf = read(document["file"])
            if pdf is not None and not documents:
                if hashlib.sha256(pdf).hexdigest() != document["sha256"]:
                    faults.add("batch_pdf_hash_mismatch", document["number"])
            elif pdf is not None:
                amounts = check_document(document, pdf, certificate_pem, faults, earlier)
                if amounts is not None:
                    line_amounts[document["number"]] = amounts
        csv_data = read(ACTS_CSV_NAME)
        if csv_data is not None:
            check_csv(manifest, csv_data, line_amounts, faults)
    return manifest


def verify_batch(data: bytes, *, documents: bool = True) -> BatchCheck:
    """Every check of the batch file `data`; `ok` when there is no fault. Never raises on any input.

    `documents=False`: every check but each PDF's signature and Factur-X data (its SHA-256 is checked: the signed
    manifest vouches for every byte) — what a network checks before its receipt, the rest after."""
    faults = FaultList()
    manifest: dict[str, Any] | None = None
    signer: list[bytes] = []
    try:
        manifest = _check(bytes(data), faults, signer, documents)
    except Exception:  # a last resort: whatever happened, the answer is a fault, not a crash
        faults.add("batch_unreadable")
    result = _result(faults, manifest)
    return replace(result, signer_pem=signer[0]) if signer and _readable(signer[0]) else result


def _readable(certificate_pem: bytes) -> bool:
    try:
        certificate_fingerprint(certificate_pem)
    except Exception:  # never raises, whatever the bytes
        return False
    return True


def _result(faults: FaultList, manifest: dict[str, Any] | None) -> BatchCheck:
    if manifest is None:
        return BatchCheck(tuple(faults.items), "", "", 0, Decimal("0.00"), None)
    try:
        total = Decimal(manifest["totals"]["amount"])
    except Exception:  # cannot happen with a schema-valid manifest; kept so that nothing ever raises
        total = Decimal("0.00")
    return BatchCheck(tuple(faults.items), str(manifest["batch_id"]), str(manifest["network"]),
                      len(manifest["documents"]), total, manifest,
                      pathway=str(manifest.get("pathway", DEFAULT_PATHWAY)))
