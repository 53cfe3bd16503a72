"""Factur-X: the invoice as CII XML (profile EN 16931), embedded in the PDF, which becomes PDF/A-3b.

The XML is built from the same `InvoiceData` as the page, so both carry the same lines and totals. VAT
category "E" (exempt, article 261-4-1° du CGI), rate 0. Identifiers follow the French usage of the
reform: SIREN as legal registration (BT-30, ISO 6523 scheme 0002), SIRET as seller identifier (BT-29,
scheme 0009), SIREN as tax registration (BT-32, "FC") since an exempt seller has no VAT number and
rule BR-E-02 asks for one of them.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from typing import Any

import facturx

from cocon_desktop.documents.formatting import short_date
from cocon_desktop.documents.invoice_data import BUSINESS_PROCESS, InvoiceData, PostalAddress
from cocon_desktop.documents.pdf_page import pdf_1_7_header
from cocon_exchange.facturx_summary import FILENAME as FILENAME
from cocon_exchange.facturx_summary import NS as NS
from cocon_exchange.facturx_summary import TYPE_CODES as TYPE_CODES
from cocon_exchange.facturx_summary import XmlSummary as XmlSummary
from cocon_exchange.facturx_summary import read_summary as read_summary

GUIDELINE = "urn:cen.eu:en16931:2017"
SEPA_CREDIT_TRANSFER = "58"
# The Factur-X XMP extension schema declares the prefix "fx": pyHanko re-serialises the XMP when it signs,
# through ElementTree, whose prefixes are global; without this the properties come out as "ns0:".
XMP_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

for _prefix, _uri in [*NS.items(), ("fx", XMP_NAMESPACE)]:
    ET.register_namespace(_prefix, _uri)


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, _q(name), attrib)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _date(parent: ET.Element, name: str, day: date, kind: str = "udt") -> None:
    _sub(_sub(parent, name), f"{kind}:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _address(parent: ET.Element, address: PostalAddress) -> None:
    node = _sub(parent, "ram:PostalTradeAddress")
    _sub(node, "ram:PostcodeCode", address.postcode)
    _sub(node, "ram:LineOne", address.street)
    if address.line_two:
        _sub(node, "ram:LineTwo", address.line_two)
    _sub(node, "ram:CityName", address.city)
    _sub(node, "ram:CountryID", address.country)


def _seller(agreement: ET.Element, data: InvoiceData) -> None:
    seller = data.seller
    party = _sub(agreement, "ram:SellerTradeParty")
    _sub(party, "ram:GlobalID", seller.siret, schemeID="0009")
    _sub(party, "ram:Name", seller.legal_name)
    if seller.profession:
        _sub(party, "ram:Description", seller.profession + (f", RPPS {seller.rpps}" if seller.rpps else "")
             + (f", ADELI {seller.adeli}" if seller.adeli else ""))
    legal = _sub(party, "ram:SpecifiedLegalOrganization")
    _sub(legal, "ram:ID", seller.siren, schemeID="0002")
    if seller.trade_name:
        _sub(legal, "ram:TradingBusinessName", seller.trade_name)
    if seller.phone or seller.email:
        contact = _sub(party, "ram:DefinedTradeContact")
        _sub(contact, "ram:PersonName", seller.legal_name)
        if seller.phone:
            _sub(_sub(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", seller.phone)
        if seller.email:
            _sub(_sub(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", seller.email)
    _address(party, seller.address)
    if seller.email:
        _sub(_sub(party, "ram:URIUniversalCommunication"), "ram:URIID", seller.email, schemeID="EM")
    _sub(_sub(party, "ram:SpecifiedTaxRegistration"), "ram:ID", seller.siren, schemeID="FC")


def _buyer(agreement: ET.Element, data: InvoiceData) -> None:
    buyer = data.buyer
    party = _sub(agreement, "ram:BuyerTradeParty")
    if len(buyer.siret) == 14:  # a SIRET (ICD 0009); a network may give only its SIREN (9 digits, below)
        _sub(party, "ram:GlobalID", buyer.siret, schemeID="0009")
    _sub(party, "ram:Name", buyer.name)
    if buyer.siret:
        _sub(_sub(party, "ram:SpecifiedLegalOrganization"), "ram:ID", buyer.siret[:9], schemeID="0002")
    _address(party, buyer.address)


def _line(transaction: ET.Element, index: int, data: InvoiceData) -> None:
    line = data.lines[index - 1]
    item = _sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _sub(_sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(index))
    product = _sub(item, "ram:SpecifiedTradeProduct")
    words = data.words
    _sub(product, "ram:Name", line.kind if line.milestone else f"{line.kind} — {line.discipline}")
    _sub(product, "ram:Description", f"{line.kind} du {short_date(line.service_date)}, enfant "
                                     f"{words.reference_phrase} {line.inclusion_number} ({line.initials}), "
                                     f"{words.line_frame}")
    for label, value in ((words.reference_label, line.inclusion_number), ("Initiales", line.initials)):
        characteristic = _sub(product, "ram:ApplicableProductCharacteristic")
        _sub(characteristic, "ram:Description", label)
        _sub(characteristic, "ram:Value", value)
    price = _sub(_sub(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    _sub(price, "ram:ChargeAmount", _amount(line.unit_price))  # BT-146
    # BT-129 (unit C62, "one"): BT-131 = BT-129 × BT-146, checked by InvoiceLine
    _sub(_sub(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", str(line.quantity), unitCode="C62")
    settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
    tax = _sub(settlement, "ram:ApplicableTradeTax")
    _sub(tax, "ram:TypeCode", "VAT")
    _sub(tax, "ram:CategoryCode", "E")
    _sub(tax, "ram:RateApplicablePercent", "0")
    period = _sub(settlement, "ram:BillingSpecifiedPeriod")
    _date(period, "ram:StartDateTime", line.service_date)
    _date(period, "ram:EndDateTime", line.service_date)
    summation = _sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _sub(summation, "ram:LineTotalAmount", _amount(line.amount))


def _settlement(transaction: ET.Element, data: InvoiceData) -> None:
    seller, total = data.seller, _amount(data.total)
    settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
    _sub(settlement, "ram:PaymentReference", data.number)
    _sub(settlement, "ram:InvoiceCurrencyCode", data.currency)
    means = _sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _sub(means, "ram:TypeCode", SEPA_CREDIT_TRANSFER)
    _sub(means, "ram:Information", "Virement SEPA")
    account = _sub(means, "ram:PayeePartyCreditorFinancialAccount")
    _sub(account, "ram:IBANID", seller.iban)
    _sub(account, "ram:AccountName", seller.legal_name)
    if seller.bic:
        _sub(_sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", seller.bic)
    tax = _sub(settlement, "ram:ApplicableTradeTax")
    _sub(tax, "ram:CalculatedAmount", "0.00")
    _sub(tax, "ram:TypeCode", "VAT")
    _sub(tax, "ram:ExemptionReason", data.vat_exemption)
    _sub(tax, "ram:BasisAmount", total)
    _sub(tax, "ram:CategoryCode", "E")
    _sub(tax, "ram:ExemptionReasonCode", data.vat_exemption_code)  # BT-121, beside the text (BT-120)
    _sub(tax, "ram:RateApplicablePercent", "0")
    period = _sub(settlement, "ram:BillingSpecifiedPeriod")
    _date(period, "ram:StartDateTime", data.period_start)
    _date(period, "ram:EndDateTime", data.period_end)
    terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
    if data.corrects is not None:
        description = (f"Avoir à déduire de la facture {data.corrects.number} ; si elle a été réglée, remboursement "
                       f"au plus tard le {short_date(data.payment.due_date)}.")
    else:
        description = (f"Paiement à {data.payment.days} jours par virement, au plus tard le "
                       f"{short_date(data.payment.due_date)}.")
    _sub(terms, "ram:Description", description)
    _date(terms, "ram:DueDateDateTime", data.payment.due_date)
    sums = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(sums, "ram:LineTotalAmount", total)
    _sub(sums, "ram:TaxBasisTotalAmount", total)
    _sub(sums, "ram:TaxTotalAmount", "0.00", currencyID=data.currency)
    _sub(sums, "ram:GrandTotalAmount", total)
    _sub(sums, "ram:DuePayableAmount", total)
    if data.corrects is not None:
        reference = _sub(settlement, "ram:InvoiceReferencedDocument")
        _sub(reference, "ram:IssuerAssignedID", data.corrects.number)
        _date(reference, "ram:FormattedIssueDateTime", data.corrects.issue_date, kind="qdt")


def build_xml(data: InvoiceData) -> bytes:
    """The CII XML (CrossIndustryInvoice, EN 16931 guideline) of an invoice or a credit note, UTF-8."""
    root = ET.Element(_q("rsm:CrossIndustryInvoice"))
    context = _sub(root, "rsm:ExchangedDocumentContext")
    _sub(_sub(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", BUSINESS_PROCESS)  # BT-23
    _sub(_sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)
    document = _sub(root, "rsm:ExchangedDocument")
    _sub(document, "ram:ID", data.number)
    _sub(document, "ram:TypeCode", TYPE_CODES[data.kind])
    _date(document, "ram:IssueDateTime", data.issue_date)
    notes = [(data.vat_exemption, "AAI"), (f"Nature de l'opération : {data.nature_of_operation.lower()}", "AAI"),
             (data.payment.late_penalty_text, "PMD"),
             (data.payment.recovery_fee_text, "PMT"), (data.payment.discount_text, "AAB")]
    if data.corrects is not None and data.reason:
        notes.insert(0, (f"Motif de l'avoir : {data.reason}", "AAI"))
    for content, subject in notes:
        note = _sub(document, "ram:IncludedNote")
        _sub(note, "ram:Content", content)
        _sub(note, "ram:SubjectCode", subject)
    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    for index in range(1, len(data.lines) + 1):
        _line(transaction, index, data)
    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    if data.buyer.reference:
        _sub(agreement, "ram:BuyerReference", data.buyer.reference)
    _seller(agreement, data)
    _buyer(agreement, data)
    _sub(transaction, "ram:ApplicableHeaderTradeDelivery")
    _settlement(transaction, data)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def pdf_metadata(data: InvoiceData) -> dict[str, str]:
    """The PDF's title, author, subject and keywords, in French (factur-x would write them in English)."""
    return {
        "author": data.seller.legal_name,
        "title": f"{data.title} {data.number}",
        "subject": f"{data.title} {data.number} du {short_date(data.issue_date)}, {data.seller.legal_name} "
                   f"à {data.buyer.name}",
        "keywords": f"{data.title}, Factur-X, EN 16931, {data.words.keywords}",
    }


class _InMemoryPdf(io.BytesIO):
    """factur-x reads the PDF from this object, then writes the result back into it: the first write starts a
    new content. This keeps the invoice in memory (factur-x's own `generate_from_binary` uses a temp file)."""

    _rewritten = False

    def write(self, data: Any) -> int:
        if not self._rewritten:
            self._rewritten = True
            self.seek(0)
            self.truncate()
        return super().write(data)


def embed_facturx(pdf: bytes, data: InvoiceData) -> bytes:
    """The PDF with factur-x.xml attached (AFRelationship Data) and PDF/A-3b XMP metadata.

    The XML is checked against the EN 16931 XSD first (factur-x raises on any error). The XMP stays
    uncompressed so that a later PAdES signature covers a readable metadata stream. Nothing touches the disk."""
    buffer = _InMemoryPdf(pdf)
    facturx.generate_from_file(
        buffer, build_xml(data), flavor="factur-x", level="en16931", check_xsd=True, pdf_metadata=pdf_metadata(data),
        lang="fr-FR", xmp_compression=False,
    )
    return pdf_1_7_header(buffer.getvalue())
