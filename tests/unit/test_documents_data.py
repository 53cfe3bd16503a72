"""Invoice data, its French formatting and its Factur-X XML (in memory: no PDF, no disk)."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import facturx
import pytest

from cocon_desktop.documents import facturx as fx
from cocon_desktop.documents.formatting import grouped, long_date, short_date, siret
from cocon_desktop.documents.invoice_data import (
    VAT_EXEMPTION,
    InvoiceData,
    InvoiceLine,
    InvoiceReference,
    Seller,
    seller_from_profile,
)
from cocon_desktop.domain.money import euros
from tests.document_samples import SAMPLE_PROFILE, sample_credit_note, sample_invoice

NS = fx.NS


def test_french_formatting() -> None:
    assert euros(Decimal("1365.00")) == "1\u202f365,00\u00a0€"
    assert euros(Decimal("40.00")) == "40,00\u00a0€"
    assert short_date(date(2026, 11, 23)) == "23/11/2026"
    assert long_date(date(2026, 11, 23)) == "23 novembre 2026"
    assert grouped("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"
    assert siret("91234567500017") == "912 345 675 00017"


def test_seller_from_the_practice_profile_is_an_ei() -> None:
    seller = seller_from_profile(SAMPLE_PROFILE)
    assert seller.legal_name == "Camille Martin EI"
    assert seller.siren == "912345675"
    assert seller.profession == "Psychomotricien·ne"
    with pytest.raises(ValueError, match="EI"):
        dataclasses.replace(seller, legal_name="Camille Martin")


def test_lines_never_hold_a_child_name() -> None:
    names = {field.name for field in dataclasses.fields(InvoiceLine)}
    assert {"inclusion_number", "initials"} <= names
    assert not {n for n in names if "name" in n}


def test_total_and_amount_rules() -> None:
    invoice = sample_invoice(3)
    assert invoice.total == Decimal("220.00")
    line = invoice.lines[0]
    for bad in (Decimal("40.5"), Decimal("40.001"), Decimal("-40.00"), Decimal("NaN")):
        with pytest.raises(ValueError):
            dataclasses.replace(line, amount=bad)


@pytest.mark.parametrize("change", [
    {"kind": "credit_note"},  # a credit note without the invoice it corrects
    {"corrects": InvoiceReference("FAC-2026-0001", date(2026, 11, 30))},  # an invoice quoting one
    {"lines": ()},
    {"number": "FAC 2026"},
    {"period_end": date(2026, 10, 1)},
    {"period_start": date(2026, 11, 15)},  # lines before the period
])
def test_inconsistent_documents_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(sample_invoice(3), **change)  # type: ignore[arg-type]


def test_seller_identifiers_are_checked() -> None:
    seller = seller_from_profile(SAMPLE_PROFILE)
    with pytest.raises(ValueError):
        dataclasses.replace(seller, siret="912345675")
    with pytest.raises(ValueError):
        Seller(legal_name="A EI", siret="91234567500017", address=seller.address, iban="")


def _find(root: ET.Element, path: str) -> str:
    found = root.find(path, NS)
    assert found is not None and found.text is not None, path
    return found.text


@pytest.mark.parametrize("data", [sample_invoice(3), sample_invoice(60), sample_credit_note()],
                         ids=["3-lines", "60-lines", "credit-note"])
def test_xml_is_en16931_xsd_valid_and_carries_the_data(data: InvoiceData) -> None:
    xml = fx.build_xml(data)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    summary = fx.read_summary(xml)
    assert summary.number == data.number
    assert summary.issue_date == data.issue_date
    assert summary.line_amounts == tuple(line.amount for line in data.lines)
    assert summary.line_total == summary.grand_total == summary.due_payable == data.total
    root = ET.fromstring(xml)
    assert _find(root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") \
        == "urn:cen.eu:en16931:2017"
    ids = [e.text for e in root.findall(".//ram:AssociatedDocumentLineDocument/ram:LineID", NS)]
    assert ids == [str(i) for i in range(1, len(data.lines) + 1)]
    assert {e.text for e in root.findall(".//ram:BilledQuantity", NS)} == {"1"}
    assert {e.text for e in root.findall(".//ram:CategoryCode", NS)} == {"E"}
    assert {e.text for e in root.findall(".//ram:RateApplicablePercent", NS)} == {"0"}


def test_xml_seller_buyer_payment_and_exemption() -> None:
    data = sample_invoice(3)
    root = ET.fromstring(fx.build_xml(data))
    seller = root.find(".//ram:SellerTradeParty", NS)
    assert seller is not None
    assert _find(seller, "ram:Name") == "Camille Martin EI"
    global_id = seller.find("ram:GlobalID", NS)
    assert global_id is not None and (global_id.text, global_id.get("schemeID")) == ("91234567500017", "0009")
    legal = seller.find("ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert legal is not None and (legal.text, legal.get("schemeID")) == ("912345675", "0002")
    assert _find(seller, "ram:PostalTradeAddress/ram:CountryID") == "FR"
    assert _find(root, ".//ram:BuyerTradeParty/ram:Name") == "Réseau de Périnatalité Méditerranée"
    assert _find(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert _find(root, ".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "58"
    assert _find(root, ".//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == data.seller.iban
    assert _find(root, ".//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == "20261230"
    header_tax = root.find(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    assert header_tax is not None
    assert _find(header_tax, "ram:ExemptionReason") == VAT_EXEMPTION
    assert _find(header_tax, "ram:CalculatedAmount") == "0.00"
    assert _find(header_tax, "ram:BasisAmount") == "220.00"
    notes = {_find(n, "ram:SubjectCode"): _find(n, "ram:Content") for n in root.findall(".//ram:IncludedNote", NS)}
    assert "40 €" in notes["PMT"] and "Pénalités" in notes["PMD"]
    values = [e.text for e in root.findall(".//ram:ApplicableProductCharacteristic/ram:Value", NS)]
    assert values[:2] == ["RPM-2024-00123", "L. B."]


def test_credit_note_xml_is_381_and_references_the_invoice() -> None:
    xml = fx.build_xml(sample_credit_note())
    summary = fx.read_summary(xml)
    assert (summary.type_code, summary.referenced_invoice) == ("381", "FAC-2026-0001")
    assert summary.grand_total == Decimal("40.00")  # positive amounts: the type code says "credit"
    root = ET.fromstring(xml)
    assert _find(root, ".//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString") \
        == "20261130"


@pytest.mark.parametrize(("number", "global_id"), [("73282932000074", "73282932000074"), ("732829320", None)],
                         ids=["siret", "siren"])
def test_xml_buyer_carries_the_networks_siret_or_siren(number: str, global_id: str | None) -> None:
    """Paramètres › Réseaux (issue 18): a network's SIRET is its GlobalID (0009) and its SIREN its legal id (0002);
    a SIREN alone is no GlobalID."""
    data = sample_invoice(3)
    data = dataclasses.replace(data, buyer=dataclasses.replace(data.buyer, siret=number))
    xml = fx.build_xml(data)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    buyer = ET.fromstring(xml).find(".//ram:BuyerTradeParty", NS)
    assert buyer is not None
    found = buyer.find("ram:GlobalID", NS)
    assert (None if found is None else (found.text, found.get("schemeID"))) == (
        None if global_id is None else (global_id, "0009"))
    legal = buyer.find("ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert legal is not None and (legal.text, legal.get("schemeID")) == ("732829320", "0002")
