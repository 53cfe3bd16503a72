"""`cocon demo --pathways cocon,pco-tnd` (issue 22, « a demo child relayed from COCON to a PCO gets a bilan invoice
and a package milestone invoice »): the demo made by a real `cocon` process, then its PCO invoices checked as the
suite checks every invoice — the signature (pyHanko), the Factur-X XML with the PCO as buyer and the milestone as
the line — and the next milestone left to invoice, issued by `cocon invoice --payer PCO1`."""

from __future__ import annotations

from pathlib import Path

import facturx
import pytest
from lxml import etree
from sqlalchemy import select

from cocon_desktop import settings
from cocon_desktop.documents.facturx import NS
from cocon_desktop.documents.signing import validate
from cocon_desktop.models import Child, Enrolment, Invoice, InvoiceLine
from cocon_desktop.services import invoicing, practice_handle, settings_store
from cocon_desktop.services.demo_pco import DEMO_PCO, DOSSIER
from cocon_desktop.services.signing_identities import all_certificates
from tests.e2e.test_cli import assert_french_failure, cocon

pytestmark = pytest.mark.slow  # cocon processes


def _pco_lines(folder: Path) -> list[tuple[str, str, str, str]]:
    """(invoice number, milestone code, amount, day) of every PCO1 invoice line, by number."""
    with practice_handle.open_with_passphrase(folder, "demo") as practice, practice.sessions() as session:
        rows = session.execute(select(Invoice.number, InvoiceLine.seance_kind, InvoiceLine.amount_cents,
                                              InvoiceLine.service_day)
                               .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
                               .where(Invoice.network == "PCO1").order_by(Invoice.number))
        return [(number, kind, f"{cents / 100:.2f}", f"{day}") for number, kind, cents, day in rows]


def test_the_pco_demo_relays_a_child_and_invoices_its_milestones(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    made = cocon("--data-dir", folder, "demo", "--pathways", "cocon,pco-tnd")
    assert made.returncode == 0, made.stderr

    with practice_handle.open_with_passphrase(folder, "demo") as practice:
        assert settings_store.get(practice.sessions, settings.PATHWAYS) == "cocon,pco-tnd"
        with practice.sessions() as session:
            enrolment = session.scalars(select(Enrolment)).one()
            child = session.get(Child, enrolment.child_id)
            assert child is not None and child.network == "RPM" and child.exit_reason == "relais_pco"
            assert (enrolment.payer, enrolment.reference) == ("PCO1", DOSSIER)
            bilan_number = session.scalar(select(Invoice.number).where(Invoice.network == "PCO1"))
        assert bilan_number is not None
        pdf = invoicing.document_pdf(practice.sessions, bilan_number)
        assert validate(pdf, all_certificates(practice.sessions)[0]).intact
    _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    tree = etree.fromstring(xml)
    assert tree.findtext(".//ram:BuyerTradeParty/ram:Name", namespaces=NS) == DEMO_PCO.name
    assert "Bilan" in (tree.findtext(".//ram:SpecifiedTradeProduct/ram:Name", namespaces=NS) or "")
    assert [kind for _, kind, _, _ in _pco_lines(folder)] == ["jalon_bilan"]  # September's, issued by the demo

    stdin = "demo\n"
    preview = cocon("--data-dir", folder, "--passphrase-stdin", "invoice", "--payer", "PCO1", "--period",
                    "2026-10", "--dry-run", stdin=stdin)
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.splitlines() == [f"{DOSSIER}  1 versement  680,00\u00a0€",
                                           "1 facture serait émise, total 680,00\u00a0€."]
    issued = cocon("--data-dir", folder, "--passphrase-stdin", "invoice", "--payer", "PCO1", "--period", "2026-10",
                   stdin=stdin)
    assert issued.returncode == 0, issued.stderr
    lines = _pco_lines(folder)
    assert [(kind, amount) for _, kind, amount, _ in lines] == [("jalon_bilan", "140.00"),
                                                                ("jalon_versement_2", "680.00")]
    assert lines[1][3].startswith("2026-10-")  # the day the 18th intervention was done


def test_the_demo_refuses_a_pathway_it_does_not_offer(tmp_path: Path) -> None:
    refused = cocon("--data-dir", tmp_path / "cabinet", "demo", "--pathways", "pco-tnd")
    assert_french_failure(refused, "La démonstration propose « cocon » ou « cocon,pco-tnd » (en petite taille "
                                   "seulement), pas « pco-tnd ».")
    assert not (tmp_path / "cabinet").exists()
