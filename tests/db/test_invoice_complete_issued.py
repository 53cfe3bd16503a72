"""Issue 20, #3 and #4 through the practice: the network's SIRET typed in Paramètres › Réseaux (with its spaces)
reaches the issued, signed invoice — buyer box and Factur-X XML — with the quantity and unit-price columns,
the nature of the operation, VATEX-EU-132-1C and BT-23 (a real SQLCipher practice, real render and signature)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import facturx
from lxml import etree

from cocon_desktop.documents.facturx import NS
from cocon_desktop.services import invoice_documents, invoicing
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice
from tests.db.invoice_helpers import OCTOBER, TODAY, fill


def test_the_issued_invoice_carries_the_networks_siret_and_the_complete_lines(practice: Practice,
                                                                               tmp_path: Path) -> None:
    fill(practice, per_network=1, weeks=2)
    practice.write(invoice_documents.set_network_address, "RPO",
                   NetworkAddress("1 rue Fictive", "31000", "Toulouse", "784 671 695 00087"))
    [issued] = practice.write(invoice_documents.issue_period, "RPO", *OCTOBER, TODAY).value
    pdf = practice.read(invoicing.document_pdf, issued.number)

    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    root = etree.fromstring(xml)
    buyer = root.xpath("//ram:BuyerTradeParty", namespaces=NS)[0]
    assert [(e.text, e.get("schemeID")) for e in buyer.xpath("ram:GlobalID", namespaces=NS)] == \
        [("78467169500087", "0009")]
    assert [(e.text, e.get("schemeID")) for e in buyer.xpath("ram:SpecifiedLegalOrganization/ram:ID",
                                                             namespaces=NS)] == [("784671695", "0002")]
    assert root.xpath("string(//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID)", namespaces=NS) == "S1"
    assert root.xpath("string(//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
                      "ram:ExemptionReasonCode)", namespaces=NS) == "VATEX-EU-132-1C"
    quantities = root.xpath("//ram:BilledQuantity/text()", namespaces=NS)
    prices = root.xpath("//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()", namespaces=NS)
    totals = root.xpath("//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount/text()",
                        namespaces=NS)
    assert len(quantities) == 2 and set(quantities) == {"1"} and prices == totals

    path = tmp_path / "facture.pdf"
    path.write_bytes(pdf)
    text = re.sub(r"[ \u00a0\u202f]+", " ", subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                                                           capture_output=True, text=True, check=True).stdout)
    assert "Qté Prix unitaire Montant" in text
    assert "SIRET : 784 671 695 00087\n" in text and "SIREN : 784 671 695\n" in text
    assert "Nature de l'opération : prestations de services." in text
    for price in prices:
        euros = price.replace(".", ",")
        assert re.search(rf" 1 {euros} € {euros} €$", text, flags=re.MULTILINE), price
