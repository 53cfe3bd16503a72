"""The checks of batch_verify that read a schema-valid manifest: its consistency, each document, `actes.csv`."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import facturx
from cryptography.hazmat.primitives import serialization

from cocon_exchange.acts_csv import CsvAct, CsvFormatError, read_acts_csv
from cocon_exchange.batch_format import document_file
from cocon_exchange.certificates import load_certificates
from cocon_exchange.facturx_summary import FILENAME as FACTURX_FILENAME
from cocon_exchange.facturx_summary import TYPE_CODES, read_summary
from cocon_exchange.fault_texts import fault_text
from cocon_exchange.money import euros
from cocon_exchange.pdf_signature import embedded_signer_certificate, validate


@dataclass(frozen=True)
class BatchFault:
    code: str
    message: str  # French, one sentence
    document: str = ""  # the document's number when the fault concerns one


@dataclass
class FaultList:
    """The faults found so far, in the order of the file."""

    items: list[BatchFault] = field(default_factory=list)

    def add(self, code: str, document: str = "", **data: Any) -> None:
        self.items.append(BatchFault(code, fault_text(code, {"document": document, **data}), document))


def _dates_problem(manifest: dict[str, Any]) -> str:
    try:
        start = date.fromisoformat(manifest["period"]["start"])
        end = date.fromisoformat(manifest["period"]["end"])
        created = datetime.fromisoformat(manifest["created_at"])
        for document in manifest["documents"]:
            date.fromisoformat(document["issue_date"])
    except ValueError:
        return "date impossible"
    if start > end:
        return "période qui finit avant de commencer"
    if created.utcoffset() is None:
        return "date de création sans décalage horaire"
    return ""


def check_manifest_content(manifest: dict[str, Any], faults: FaultList) -> bool:
    """What the schema cannot say; False when the manifest cannot be used to check the rest."""
    problem = _dates_problem(manifest)
    seen: set[str] = set()
    for document in manifest["documents"]:
        number = document["number"]
        if number.casefold() in seen:
            problem = problem or f"document {number} en double"
        seen.add(number.casefold())
        if document["file"] != document_file(number):
            problem = problem or f"fichier {document['file']} pour le document {number}"
    if problem:
        faults.add("batch_manifest_invalid", detail=problem)
        return False
    documents = manifest["documents"]
    totals = manifest["totals"]
    expected = {
        "documents": len(documents), "invoices": sum(1 for d in documents if d["kind"] == "invoice"),
        "credit_notes": sum(1 for d in documents if d["kind"] == "credit_note"),
        "acts": sum(d["acts"] for d in documents),
    }
    labels = {"documents": "documents", "invoices": "factures", "credit_notes": "avoirs", "acts": "actes"}
    details = [f"{totals[key]} {labels[key]} annoncés, {value} listés" for key, value in expected.items()
               if totals[key] != value]
    net = sum((Decimal(d["amount"]) for d in documents), Decimal("0.00"))
    if Decimal(totals["amount"]) != net:
        details.append(f"total {euros(Decimal(totals['amount']))} annoncé, {euros(net)} pour les documents")
    if details:
        faults.add("batch_totals_mismatch", detail=" ; ".join(details))
    return True


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pem_sha256(certificate_pem: bytes) -> str:
    return _sha256(load_certificates(certificate_pem)[0].public_bytes(serialization.Encoding.DER))


def _check_signature(number: str, pdf: bytes, certificate_pem: bytes, earlier: frozenset[str],
                     faults: FaultList) -> None:
    check = validate(pdf, certificate_pem)
    if check.signed and not check.trusted and earlier:
        # signed by an earlier certificate of the practice, which the signed manifest lists by its SHA-256
        own = embedded_signer_certificate(pdf)
        if own is not None and _pem_sha256(own) in earlier:
            check = validate(pdf, own)
    if not check.signed:
        faults.add("batch_pdf_not_signed", number)
    elif not (check.intact and check.valid):
        faults.add("batch_pdf_signature_invalid", number)
    elif not check.covers_whole_file:
        faults.add("batch_pdf_signature_partial", number)
    elif not check.trusted:
        faults.add("batch_pdf_signer_mismatch", number, signer=check.signer or "?")


def _facturx_xml(pdf: bytes) -> bytes | None:
    try:
        name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False, filenames=[FACTURX_FILENAME])
    except Exception:  # pypdf's errors on a damaged PDF
        return None
    return xml if name and isinstance(xml, bytes) else None


def _check_facturx(document: dict[str, Any], pdf: bytes, faults: FaultList) -> tuple[Decimal, ...] | None:
    number = document["number"]
    xml = _facturx_xml(pdf)
    try:
        summary = read_summary(xml) if xml is not None else None
    except Exception:  # XML that is not well formed, or misses a total: the same for the network
        summary = None
    if summary is None:
        faults.add("batch_facturx_missing", number)
        return None
    amount = abs(Decimal(document["amount"]))
    details = []
    if summary.number != number:
        details.append(f"numéro {summary.number}")
    if summary.type_code != TYPE_CODES[document["kind"]]:
        details.append(f"code de type {summary.type_code} au lieu de {TYPE_CODES[document['kind']]}")
    if summary.issue_date.isoformat() != document["issue_date"]:
        details.append(f"date d'émission {summary.issue_date:%d/%m/%Y}")
    if summary.grand_total != amount:
        details.append(f"total {euros(summary.grand_total)} au lieu de {euros(amount)}")
    if (summary.referenced_invoice or None) != document["corrects"]:
        details.append(f"facture corrigée {summary.referenced_invoice or 'absente'}")
    if len(summary.line_amounts) != document["acts"]:
        details.append(f"{len(summary.line_amounts)} lignes au lieu de {document['acts']}")
    if details:
        faults.add("batch_facturx_mismatch", number, detail=" ; ".join(details)[:300])
    return summary.line_amounts


def check_document(document: dict[str, Any], pdf: bytes, certificate_pem: bytes,
                   faults: FaultList, earlier: frozenset[str] = frozenset()) -> tuple[Decimal, ...] | None:
    """Hash, PAdES signature (when the manifest's signer is known), Factur-X data; the Factur-X line amounts."""
    number = document["number"]
    if _sha256(pdf) != document["sha256"]:
        faults.add("batch_pdf_hash_mismatch", number)
        return None
    if certificate_pem:
        _check_signature(number, pdf, certificate_pem, earlier, faults)
    return _check_facturx(document, pdf, faults)


def _acts_problem(document: dict[str, Any], acts: list[CsvAct], xml_lines: tuple[Decimal, ...] | None) -> str:
    if len(acts) != document["acts"]:
        return f"{len(acts)} actes au lieu de {document['acts']}"
    if any(act.kind != document["kind"] for act in acts):
        return "type de document différent"
    if len({act.line_no for act in acts}) != len(acts):
        return "numéro de ligne en double"
    total = sum((act.amount for act in acts), Decimal("0.00"))
    if total != Decimal(document["amount"]):
        return f"somme {euros(total)} au lieu de {euros(Decimal(document['amount']))}"
    ordered = tuple(abs(act.amount) for act in sorted(acts, key=lambda a: a.line_no))
    if xml_lines is not None and ordered != xml_lines:
        return "montants des lignes différents de ceux de la facture"
    return ""


def check_csv(manifest: dict[str, Any], data: bytes, xml_lines: dict[str, tuple[Decimal, ...]],
              faults: FaultList) -> None:
    """Hash, format, and the acts of each document against the manifest and the document's Factur-X lines."""
    if _sha256(data) != manifest["acts_csv"]["sha256"]:
        faults.add("batch_csv_hash_mismatch")
        return
    try:
        acts = read_acts_csv(data)
    except CsvFormatError as error:
        faults.add("batch_csv_invalid", row=error.row, detail=error.detail)
        return
    by_document: dict[str, list[CsvAct]] = defaultdict(list)
    for act in acts:
        by_document[act.document].append(act)
    listed = {document["number"] for document in manifest["documents"]}
    for document in manifest["documents"]:
        problem = _acts_problem(document, by_document.get(document["number"], []),
                                xml_lines.get(document["number"]))
        if problem:
            faults.add("batch_csv_mismatch", document["number"], detail=problem)
    for number in by_document:
        if number not in listed:
            faults.add("batch_csv_mismatch", number[:60], detail="document absent du manifeste")
