"""A document's Factur-X (CII) XML as rows the console shows: the header (parties, dates, totals) with
cocon_exchange.facturx_summary, and its lines (product, period, quantity, price, amount). Any EN 16931 XML is
read; a field missing is shown empty, an unreadable XML says so instead of failing the page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from cocon_exchange.facturx_summary import NS, read_summary
from cocon_network.server.console.templating import euros_decimal

TYPE_LABELS = {"380": "Facture (380)", "381": "Avoir (381)"}


@dataclass(frozen=True)
class Line:
    number: str
    name: str
    description: str
    day: str
    quantity: str
    unit_price: Decimal | None
    amount: Decimal | None


@dataclass
class FacturxView:
    header: list[tuple[str, str]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    problem: str = ""


def _text(node: ET.Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _day(value: str) -> str:
    try:
        return datetime.strptime(value, "%Y%m%d").strftime("%d/%m/%Y")
    except ValueError:
        return value


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def read_view(xml: str) -> FacturxView:
    if not xml.strip():
        return FacturxView(problem="Ce document n'a pas de données Factur-X enregistrées.")
    try:
        root = ET.fromstring(xml.encode("utf-8"))
        summary = read_summary(xml.encode("utf-8"))
    except (ET.ParseError, ValueError) as error:
        return FacturxView(problem=f"Les données Factur-X de ce document sont illisibles ({error}).")
    transaction = root.find("rsm:SupplyChainTradeTransaction", NS)
    agreement = transaction.find("ram:ApplicableHeaderTradeAgreement", NS) if transaction is not None else None
    settlement = transaction.find("ram:ApplicableHeaderTradeSettlement", NS) if transaction is not None else None
    seller = agreement.find("ram:SellerTradeParty", NS) if agreement is not None else None
    buyer = agreement.find("ram:BuyerTradeParty", NS) if agreement is not None else None
    period = ""
    if settlement is not None:
        start = _text(settlement, "ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString")
        end = _text(settlement, "ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString")
        period = f"du {_day(start)} au {_day(end)}" if start and end else ""
    header = [
        ("Numéro (BT-1)", summary.number),
        ("Type (BT-3)", TYPE_LABELS.get(summary.type_code, summary.type_code)),
        ("Date d'émission (BT-2)", summary.issue_date.strftime("%d/%m/%Y")),
        ("Vendeur (BT-27)", _text(seller, "ram:Name")),
        ("SIRET du vendeur (BT-29)", _text(seller, "ram:GlobalID")),
        ("Activité", _text(seller, "ram:Description")),
        ("Acheteur (BT-44)", _text(buyer, "ram:Name")),
        ("SIRET de l'acheteur", _text(buyer, "ram:GlobalID")),
        ("Période facturée", period),
        ("IBAN du bénéficiaire (BT-84)", _text(settlement, "ram:SpecifiedTradeSettlementPaymentMeans/"
                                                           "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")),
        ("Exonération de TVA (BT-120)", _text(settlement, "ram:ApplicableTradeTax/ram:ExemptionReason")),
        ("Échéance (BT-9)", _day(_text(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/"
                                                   "udt:DateTimeString"))),
        ("Total des lignes (BT-106)", euros_decimal(summary.line_total)),
        ("Total TTC (BT-112)", euros_decimal(summary.grand_total)),
        ("Montant à payer (BT-115)", euros_decimal(summary.due_payable)),
    ]
    if summary.referenced_invoice:
        header.insert(2, ("Facture corrigée (BT-25)", summary.referenced_invoice))
    lines = []
    items = transaction.findall("ram:IncludedSupplyChainTradeLineItem", NS) if transaction is not None else []
    for item in items:
        lines.append(Line(
            number=_text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
            name=_text(item, "ram:SpecifiedTradeProduct/ram:Name"),
            description=_text(item, "ram:SpecifiedTradeProduct/ram:Description"),
            day=_day(_text(item, "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/ram:StartDateTime/"
                                 "udt:DateTimeString")),
            quantity=_text(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
            unit_price=_decimal(_text(item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/"
                                            "ram:ChargeAmount")),
            amount=_decimal(_text(item, "ram:SpecifiedLineTradeSettlement/"
                                        "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")),
        ))
    return FacturxView(header=[(k, v) for k, v in header if v], lines=lines)
