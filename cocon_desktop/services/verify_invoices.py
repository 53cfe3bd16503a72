"""`cocon verify`, the invoices and credit notes: each row's PDF hash, its lines, its link in the hash chain (the
numbering is services/number_witness.verify_numbering's, which knows the confirmed resumes), and — with the
signatures — the row bound to its signed PDF: the signature valid for the practice's certificate over the whole
file (nothing appended after it), and the Factur-X XML inside that PDF saying the same number, type, date, lines
(amount, day, inclusion number), total and, for a credit note, the invoice it corrects. A row whose amounts were
rewritten with the chain recomputed, or a row carrying another document's signed PDF, no longer passes
(issue 19, #2)."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cocon_desktop.domain.pathways import Pathway
from cocon_desktop.models import Invoice, InvoiceLine
from cocon_desktop.services.invoicing import GENESIS, chain_hash, lines_digest
from cocon_desktop.services.pathway_files import known_pathways
from cocon_desktop.services.pathway_store import shipped_pathways
from cocon_exchange.facturx_summary import FILENAME, NS, TYPE_CODES, read_summary

SignatureCheck = Callable[[bytes], bool]
Fault = tuple[str, dict[str, Any]]
_LINES = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
_INCLUSION = "N° d'inclusion"


def _reference_labels(known: dict[str, Pathway] | None = None) -> frozenset[str]:
    """The line characteristic naming the child's number: COCON's « N° d'inclusion », or another pathway's
    reference label (« N° de dossier PCO », issue 22 S5) — the practice's own pathways' too when `known` says them."""
    pathways = shipped_pathways() if known is None else known
    return frozenset({_INCLUSION, *(pathway.reference_label for pathway in pathways.values())})


@dataclass(frozen=True)
class Checked:
    count: int
    fault: Fault | None
    chain: list[str]  # every row's link, in order (the anchor names one of them)
    numbering: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, year, sequence), in order


def _xml(pdf: bytes) -> bytes | None:
    import facturx  # pypdf underneath: imported when verifying with the signatures only

    try:
        name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False, filenames=[FILENAME])
    except Exception:  # pypdf's errors on a damaged PDF
        return None
    return xml if name and isinstance(xml, bytes) else None


def _xml_lines(xml: bytes, labels: frozenset[str] | None = None) -> list[tuple[int, date, str]]:
    """(amount in cents, day, inclusion number) of each line, in the XML's order."""
    labels = _reference_labels() if labels is None else labels
    out = []
    for item in ET.fromstring(xml).findall(_LINES, NS):
        amount = item.findtext("ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/"
                               "ram:LineTotalAmount", "", NS)
        day = item.findtext("ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/ram:StartDateTime/"
                            "udt:DateTimeString", "", NS)
        inclusion = ""
        for characteristic in item.findall("ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic", NS):
            if characteristic.findtext("ram:Description", "", NS).strip() in labels:
                inclusion = characteristic.findtext("ram:Value", "", NS).strip()
        out.append((int(Decimal(amount.strip()) * 100), datetime.strptime(day.strip(), "%Y%m%d").date(), inclusion))
    return out


def facturx_fault(invoice: Invoice, lines: Sequence[InvoiceLine], corrects: str | None,
                  labels: frozenset[str] | None = None) -> str | None:
    """What the row says and its signed PDF's Factur-X XML does not (a code), or None when they agree."""
    xml = _xml(bytes(invoice.pdf))
    if xml is None:
        return "facturx_missing"
    try:
        summary, xml_lines = read_summary(xml), _xml_lines(xml, labels)
    except (ValueError, ET.ParseError, ArithmeticError):  # not CII, or a value that does not read
        return "facturx_missing"
    total = Decimal(invoice.total_cents) / 100
    if summary.number != invoice.number:
        return "facturx_mismatch_number"
    if summary.type_code != TYPE_CODES.get(invoice.kind):
        return "facturx_mismatch_kind"
    if summary.issue_date != invoice.issue_date:
        return "facturx_mismatch_date"
    if xml_lines != [(ln.amount_cents, ln.service_day, ln.inclusion_number) for ln in lines]:
        return "facturx_mismatch_lines"
    if not summary.grand_total == summary.line_total == summary.due_payable == total:
        return "facturx_mismatch_total"
    if summary.referenced_invoice != corrects:
        return "facturx_mismatch_reference"
    return None


def check_invoices(session: Session, signature_ok: SignatureCheck | None) -> Checked:
    """Every invoice and credit note, in the order issued; the first fault stops the check."""
    # the rows stream (yield_per): a large practice's PDFs are never all in memory at once
    numbers = {int(i): str(n) for i, n in session.execute(select(Invoice.id, Invoice.number))}
    invoices = session.scalars(select(Invoice).order_by(Invoice.id).execution_options(yield_per=100))
    numbering: list[tuple[str, int, int]] = []
    lines: dict[int, list[InvoiceLine]] = {}
    for line in session.scalars(select(InvoiceLine).order_by(InvoiceLine.invoice_id, InvoiceLine.line_no)):
        lines.setdefault(line.invoice_id, []).append(line)
    previous = GENESIS
    chain: list[str] = []
    labels = _reference_labels(known_pathways(session))
    for checked, invoice in enumerate(invoices):
        where = {"number": invoice.number}
        if invoice.prev_chain != previous:
            return Checked(checked, ("chain_broken", where), chain)
        own = lines.get(invoice.id, [])
        values = [(ln.line_no, ln.seance_id, ln.credited_line_id, ln.service_day, ln.inclusion_number,
                   ln.seance_kind, ln.amount_cents) for ln in own]
        if hashlib.sha256(invoice.pdf).hexdigest() != invoice.pdf_sha256:
            return Checked(checked, ("pdf_altered", where), chain)
        if chain_hash(previous, invoice.number, invoice.kind, invoice.issue_date, invoice.total_cents,
                      invoice.pdf_sha256, lines_digest(values)) != invoice.chain_hash:
            return Checked(checked, ("document_altered", where), chain)
        if sum(line[-1] for line in values) != invoice.total_cents:
            return Checked(checked, ("total_mismatch", where), chain)
        if signature_ok is not None:
            if not signature_ok(bytes(invoice.pdf)):
                return Checked(checked, ("signature_invalid", where), chain)
            fault = facturx_fault(invoice, own, numbers.get(invoice.corrects_id or 0), labels)
            if fault is not None:
                return Checked(checked, (fault, where), chain)
        previous = invoice.chain_hash
        chain.append(invoice.chain_hash)
        numbering.append((invoice.kind, invoice.year, invoice.sequence))
    return Checked(len(chain), None, chain, numbering)
