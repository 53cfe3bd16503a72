"""Reading a Factur-X (CII, EN 16931) XML back: what the batch verification compares with the manifest. The program
writes that XML in cocon_desktop/documents/facturx.py with the same names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
TYPE_CODES = {"invoice": "380", "credit_note": "381"}
FILENAME = "factur-x.xml"


@dataclass(frozen=True)
class XmlSummary:
    """What a Factur-X XML says about the document: enough to compare it with the data it came from."""

    number: str
    type_code: str
    issue_date: date
    line_amounts: tuple[Decimal, ...]
    line_total: Decimal
    grand_total: Decimal
    due_payable: Decimal
    referenced_invoice: str | None


def read_summary(xml: bytes) -> XmlSummary:
    """Number, type, lines and totals of a CII XML (ours or another program's EN 16931 one)."""
    root = ET.fromstring(xml)

    def text(path: str) -> str:
        found = root.find(path, NS)
        if found is None or found.text is None:
            raise ValueError(f"missing {path}")
        return found.text.strip()

    sums = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    sums += "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    reference = root.find("rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
                          "ram:InvoiceReferencedDocument/ram:IssuerAssignedID", NS)
    lines = root.findall("rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/"
                         "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/"
                         "ram:LineTotalAmount", NS)
    return XmlSummary(
        number=text("rsm:ExchangedDocument/ram:ID"), type_code=text("rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=datetime.strptime(text("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"),
                                     "%Y%m%d").date(),
        line_amounts=tuple(Decimal((line.text or "").strip()) for line in lines),
        line_total=Decimal(text(sums + "LineTotalAmount")), grand_total=Decimal(text(sums + "GrandTotalAmount")),
        due_payable=Decimal(text(sums + "DuePayableAmount")),
        referenced_invoice=reference.text.strip() if reference is not None and reference.text else None,
    )
