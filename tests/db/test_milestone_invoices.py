"""A demo child relayed from COCON to a PCO gets a bilan invoice and a package milestone invoice (issue 22, S5):
issued through the practice (real render, Factur-X, PAdES signature) and checked as the suite checks every invoice —
the Factur-X XSD, the EN 16931 schematron, qpdf --check, the signature with pyHanko, the chain —, with the PCO as
buyer and the milestone as the line; nothing is invoiced twice, a credit note makes a milestone billable again,
and the network's run never picks the PCO's séances or milestones."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from lxml import etree
from sqlalchemy import select

from cocon_desktop.documents.facturx import NS
from cocon_desktop.documents.signing import validate
from cocon_desktop.domain.payers import PayerData
from cocon_desktop.errors import CoconError
from cocon_desktop.models import InvoiceLine
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import (
    forfaits,
    invoice_documents,
    invoicing,
    payers,
    practice_handle,
)
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, cancel_relay, relay
from cocon_desktop.services.signing_identities import all_certificates
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.test_invoice_complete import _schematron_failures
from tests.pco_samples import record, rpm_child, works_with_pco_tnd

TODAY = date(2026, 11, 23)
D = date(2026, 10, 20)  # the PCO's first day
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
DOSSIER = "PCO33-2026-0042"
PCO = PayerData(name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux",
                siret="35600000000048", reference="CONV-2026-17")
# 18 interventions after the bilan of 21 October, on working days (11 November is a holiday)
INTERVENTIONS = [date(2026, 10, d) for d in (22, 23, 26, 27, 28, 29, 30)] + \
                [date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10, 12, 13, 16, 17)]


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    """A psychomotricienne of the RPM, working with PCO-TND too, with the Gironde's PCO (PCO1)."""
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    opened = practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, profile, recovery, params=FAST_KDF)
    works_with_pco_tnd(opened)
    assert payers.add_payer(opened.sessions, "pco-tnd", PCO).code == "PCO1"
    opened.write(invoice_documents.set_network_address, "RPM",
                 NetworkAddress("1 rue de l'Exemple", "13000", "Marseille"))
    yield opened
    opened.close()


_seance = record


@pytest.fixture
def relayed(practice: Practice) -> tuple[int, int]:
    """A child followed in COCON (a séance on 5 October), relayed to PCO1 on 20 October, its bilan on the 21st:
    (child id, the COCON séance's id)."""
    child_id = rpm_child(practice, TODAY)
    cocon = _seance(practice, child_id, date(2026, 10, 5))
    practice.write(relay, RelayRequest(child_id, "PCO1", D, reference=DOSSIER))
    _seance(practice, child_id, date(2026, 10, 21), "bilan_initial")
    return child_id, cocon


def _issue(practice: Practice, payer: str, period: tuple[date, date]) -> list[invoicing.IssuedDocument]:
    return list(practice.write(invoice_documents.issue_period, payer, *period, TODAY).value)


def _lines(practice: Practice, number: str) -> list[tuple[object, ...]]:
    with practice.sessions() as session:
        return [tuple(row) for row in session.execute(
            select(InvoiceLine.seance_id, InvoiceLine.seance_kind, InvoiceLine.service_day,
                   InvoiceLine.inclusion_number, InvoiceLine.amount_cents, InvoiceLine.prescription_id.is_not(None))
            .join(invoicing.Invoice, invoicing.Invoice.id == InvoiceLine.invoice_id)
            .where(invoicing.Invoice.number == number).order_by(InvoiceLine.line_no))]


def _checked(practice: Practice, number: str, tmp_path: Path) -> tuple[etree._Element, str]:
    """The document's Factur-X XML and page text, after the checks the suite applies to every invoice."""
    pdf = practice.read(invoicing.document_pdf, number)
    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    # the EN 16931 schematron: only the warning every invoice of the suite has (empty delivery block)
    assert _schematron_failures(xml, tmp_path) == [("PEPPOL-EN16931-R008", "warning")]
    path = tmp_path / f"{number}.pdf"
    path.write_bytes(pdf)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=True).stdout
    assert "No syntax or stream encoding errors found" in check
    signature = validate(pdf, all_certificates(practice.sessions)[0])
    assert signature.ok and signature.covers_whole_file
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return etree.fromstring(xml), re.sub(r"[ \u00a0\u202f]+", " ", text)


def _xpath(root: etree._Element, path: str) -> list[str]:
    return [str(value) for value in root.xpath(path, namespaces=NS)]


def test_a_relayed_child_gets_a_bilan_invoice_then_the_second_payment(practice: Practice, relayed: tuple[int, int],
                                                                      tmp_path: Path) -> None:
    [bilan] = _issue(practice, "PCO1", OCTOBER)
    assert bilan.total == Decimal("140.00")
    assert _lines(practice, bilan.number) == [(None, "jalon_bilan", date(2026, 10, 21), DOSSIER, 14000, True)]
    root, text = _checked(practice, bilan.number, tmp_path)
    buyer = "//ram:BuyerTradeParty"
    assert _xpath(root, f"{buyer}/ram:Name/text()") == ["PCO-TND de la Gironde"]
    assert _xpath(root, f"{buyer}/ram:GlobalID/text()") == ["35600000000048"]
    assert _xpath(root, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID/text()") == ["356000000"]
    assert _xpath(root, f"{buyer}/ram:PostalTradeAddress/ram:CityName/text()") == ["Bordeaux"]
    assert _xpath(root, "//ram:BuyerReference/text()") == ["CONV-2026-17"]
    assert _xpath(root, "//ram:SpecifiedTradeProduct/ram:Name/text()") == ["Bilan — Psychomotricité — 1er versement"]
    [description] = _xpath(root, "//ram:SpecifiedTradeProduct/ram:Description/text()")
    assert description == ("Bilan — Psychomotricité — 1er versement du 21/10/2026, enfant n° de dossier PCO "
                           f"{DOSSIER} (N. R.), forfait précoce PCO-TND")
    assert _xpath(root, "//ram:ApplicableProductCharacteristic/ram:Description/text()") == \
        ["N° de dossier PCO", "Initiales"]
    assert _xpath(root, "//ram:DuePayableAmount/text()") == ["140.00"]
    for words in ("FACTURE", "PCO-TND de la Gironde", "10 rue des Platanes", "33000 Bordeaux",
                  "SIRET : 356 000 000 00048", "Référence : CONV-2026-17", "Objet : Bilan et interventions précoces",
                  "N° de dossier", DOSSIER, "Net à payer 140,00 €"):
        assert words in text, words
    assert "COCON" not in text and "inclusion" not in text

    assert _issue(practice, "PCO1", OCTOBER) == []  # the bilan is not invoiced twice
    child_id = relayed[0]
    for day in INTERVENTIONS[:-1]:
        _seance(practice, child_id, day)
    assert _issue(practice, "PCO1", NOVEMBER) == []  # 17 interventions: the 2nd payment is not reached yet
    _seance(practice, child_id, INTERVENTIONS[-1])
    [pco] = [line.status for line in forfaits.child_forfaits(practice.sessions, child_id, TODAY)
             if line.prescription.data.forfait_kind == "pco_interv_0_6"]
    assert (pco.amount_authorised, pco.amount_used) == (Decimal("1500.00"), Decimal("820.00"))  # 140 + 680
    [second] = _issue(practice, "PCO1", NOVEMBER)
    assert second.number == "FAC-2026-0002" and second.total == Decimal("680.00")
    assert _lines(practice, second.number) == [(None, "jalon_versement_2", date(2026, 11, 17), DOSSIER, 68000,
                                                True)]
    root, text = _checked(practice, second.number, tmp_path)
    assert _xpath(root, "//ram:SpecifiedTradeProduct/ram:Name/text()") == \
        ["Forfait d'intervention précoce — Psychomotricité — 2ᵉ versement"]
    assert _xpath(root, "//ram:BuyerTradeParty/ram:Name/text()") == ["PCO-TND de la Gironde"]
    assert "Net à payer 680,00 €" in text
    assert _issue(practice, "PCO1", OCTOBER) == [] and _issue(practice, "PCO1", NOVEMBER) == []
    assert invoice_documents.verify_practice(practice).ok


def test_a_credit_note_makes_the_milestone_billable_again(practice: Practice, relayed: tuple[int, int],
                                                         tmp_path: Path) -> None:
    [bilan] = _issue(practice, "PCO1", OCTOBER)
    with pytest.raises(CoconError) as refused:  # the relay cannot be undone under an invoiced milestone
        cancel_relay(practice.sessions, relayed[0])
    assert refused.value.code == "relay_invoiced" and refused.value.data["number"] == bilan.number
    note = practice.write(invoice_documents.issue_credit_note, bilan.number, None, TODAY).value
    assert note.number == "AV-2026-0001" and note.total == Decimal("140.00")
    root, text = _checked(practice, note.number, tmp_path)
    assert _xpath(root, "//ram:SpecifiedTradeProduct/ram:Name/text()") == ["Bilan — Psychomotricité — 1er versement"]
    assert _xpath(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == [bilan.number]
    assert "Annulation ou correction de bilan" in text
    assert "le cabinet rembourse ce montant à PCO-TND de la Gironde par virement" in " ".join(text.split())
    [again] = _issue(practice, "PCO1", OCTOBER)  # billable again, once, with a new number of the one series
    assert again.number == "FAC-2026-0002"
    assert _lines(practice, again.number) == [(None, "jalon_bilan", date(2026, 10, 21), DOSSIER, 14000, True)]
    assert _issue(practice, "PCO1", OCTOBER) == []
    assert invoice_documents.verify_practice(practice).ok


def test_the_networks_run_never_picks_the_pcos_seances_or_milestones(practice: Practice,
                                                                     relayed: tuple[int, int]) -> None:
    child_id, cocon = relayed
    for day in INTERVENTIONS:
        _seance(practice, child_id, day)
    [rpm] = _issue(practice, "RPM", OCTOBER)  # the COCON séance of 5 October alone
    assert [line[:2] for line in _lines(practice, rpm.number)] == [(cocon, "seance")]
    assert _issue(practice, "RPM", NOVEMBER) == []
    assert {line[1] for d in _issue(practice, "PCO1", OCTOBER) + _issue(practice, "PCO1", NOVEMBER)
            for line in _lines(practice, d.number)} == {"jalon_bilan", "jalon_versement_2"}
    assert _issue(practice, "RPM", OCTOBER) == [] and _issue(practice, "RPM", NOVEMBER) == []
