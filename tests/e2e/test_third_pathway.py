"""A third pathway from files alone (issue 22, « Done when »): a made-up « BASE » — one fixed payer, paid per
séance, its own invoice texts — written into the practice's folder `parcours/` (no file of the program touched),
chosen with `cocon pathways --set`, a child of the RPM relayed to it, séances recorded and BASE's invoice issued by
real `cocon` processes; the invoice passes the checks the suite applies to every invoice (Factur-X XSD, EN 16931
schematron, qpdf, the PAdES signature) and carries BASE's buyer, words and amounts, never COCON's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop.services import children, invoice_documents, practice_handle
from cocon_desktop.services.attestation_content import relay_frame
from cocon_desktop.services.child_relay import relay_info
from cocon_desktop.services.invoice_documents import NetworkAddress
from tests.base_samples import write_base_files
from tests.conftest import STRONG_PASSPHRASE
from tests.db.test_milestone_invoices import _checked, _lines, _xpath
from tests.e2e.test_cli import cocon
from tests.e2e.test_cli_relay import psychomotricienne_practice
from tests.pco_samples import INCLUSION, record, rpm_child

pytestmark = pytest.mark.slow  # cocon processes

TODAY = date(2026, 11, 23)
DOSSIER = "BASE-33-0099"

def _practice(folder: Path) -> None:
    """BASE's files in the folder parcours/ (written first: this process reads a folder once), a psychomotricienne
    of the RPM (its invoicing address given), a child of the RPM with séances on 15 and 23 October."""
    write_base_files(folder)
    with psychomotricienne_practice(folder) as practice:
        practice.write(invoice_documents.set_network_address, "RPM",
                       NetworkAddress("1 rue de l'Exemple", "13000", "Marseille"))
        child_id = rpm_child(practice, TODAY)
        for day in (date(2026, 10, 15), date(2026, 10, 23)):
            record(practice, child_id, day)


def test_a_made_up_pathway_from_files_alone(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    _practice(folder)
    stdin = f"{STRONG_PASSPHRASE}\n"
    base = ("--data-dir", folder, "--passphrase-stdin")

    chosen = cocon(*base, "pathways", "--set", "cocon,base", stdin=stdin, today=TODAY)
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.splitlines() == ["cocon  COCON", "base  BASE"]
    assert chosen.stderr == ""  # no file left out

    relayed = cocon(*base, "children", "relay", "--child", INCLUSION, "--payer", "BASE", "--from", "2026-10-20",
                    "--dossier", DOSSIER, stdin=stdin, today=TODAY)
    assert relayed.returncode == 0, relayed.stderr
    assert relayed.stdout.splitlines() == [
        "Relais de RPM-2025-0007 vers BASE (Association BASE Nouvelle-Aquitaine) à partir du 20/10/2026 : parcours "
        "COCON clos le 19/10/2026.",
        "  Forfait BASE d'éveil 0–36 mois, du 20/10/2026 au 19/10/2027.",
        "  Séances déplacées sur le forfait de BASE : 1 ; hors forfait : 0."]
    for day, kind in (("2026-10-21", "bilan_initial"), ("2026-10-26", "seance")):
        added = cocon(*base, "seance", "add", "--child", INCLUSION, "--date", day, "--time", "10:00", "--kind", kind,
                      stdin=stdin, today=TODAY)
        assert added.returncode == 0, added.stderr
        assert "sur le forfait" in added.stdout

    dry = cocon(*base, "invoice", "--payer", "BASE", "--period", "2026-10", "--dry-run", stdin=stdin, today=TODAY)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [f"{DOSSIER}  3 actes  180,00\u00a0€",
                                    "1 facture serait émise, total 180,00\u00a0€."]
    issued = cocon(*base, "invoice", "--payer", "BASE", "--period", "2026-10", stdin=stdin, today=TODAY)
    assert issued.returncode == 0, issued.stderr
    assert issued.stdout.startswith("FAC-2026-0001  180,00\u00a0€")
    again = cocon(*base, "invoice", "--payer", "BASE", "--period", "2026-10", stdin=stdin, today=TODAY)
    assert again.returncode == 0 and "FAC-" not in again.stdout  # nothing twice
    rpm = cocon(*base, "invoice", "--network", "RPM", "--period", "2026-10", stdin=stdin, today=TODAY)
    assert rpm.returncode == 0, rpm.stderr
    assert rpm.stdout.startswith("FAC-2026-0002  39,00\u00a0€")  # COCON keeps its séance of 15 October alone
    verified = cocon(*base, "verify", stdin=stdin, today=TODAY)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    with practice_handle.open_with_passphrase(folder, STRONG_PASSPHRASE) as practice:
        assert [line[1:5] for line in _lines(practice, "FAC-2026-0001")] == [
            ("bilan_initial", date(2026, 10, 21), DOSSIER, 9500), ("seance", date(2026, 10, 23), DOSSIER, 4250),
            ("seance", date(2026, 10, 26), DOSSIER, 4250)]
        assert [line[1:4] for line in _lines(practice, "FAC-2026-0002")] == [
            ("seance", date(2026, 10, 15), INCLUSION)]
        root, text = _checked(practice, "FAC-2026-0001", tmp_path)
        child_id = practice.read(children.find_by_inclusion, INCLUSION).id
        with practice.sessions() as session:  # the family's attestation after the relay: BASE's words
            frame = relay_frame(session, child_id)
        shown = practice.read(relay_info, child_id)  # what the child's file says of the relay
    assert shown is not None and (shown.payer, shown.payer_name, shown.pathway_label) == (
        "BASE", "Association BASE Nouvelle-Aquitaine", "BASE")
    assert frame is not None
    assert (frame.opening, frame.mention, frame.child_reference, frame.reference) == (
        "dans le cadre du parcours BASE (bébés suivis en Nouvelle-Aquitaine), coordonné par Association BASE "
        "Nouvelle-Aquitaine", "financé par l'association BASE — aucune somme n'est due par la famille",
        "n° de suivi BASE", DOSSIER)
    buyer = "//ram:BuyerTradeParty"
    assert _xpath(root, f"{buyer}/ram:Name/text()") == ["Association BASE Nouvelle-Aquitaine"]
    assert _xpath(root, f"{buyer}/ram:GlobalID/text()") == ["35600000000048"]
    assert _xpath(root, f"{buyer}/ram:PostalTradeAddress/ram:CityName/text()") == ["Bordeaux"]
    assert _xpath(root, "//ram:BuyerReference/text()") == ["BASE-CONV-12"]
    descriptions = _xpath(root, "//ram:SpecifiedTradeProduct/ram:Description/text()")
    assert len(descriptions) == 3 and all(d.endswith(", parcours BASE") for d in descriptions), descriptions
    assert set(_xpath(root, "//ram:ApplicableProductCharacteristic/ram:Description/text()")) == \
        {"N° de suivi BASE", "Initiales"}
    assert _xpath(root, "//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount/text()") == ["95.00", "42.50", "42.50"]
    assert _xpath(root, "//ram:DuePayableAmount/text()") == ["180.00"]
    for words in ("FACTURE", "Association BASE Nouvelle-Aquitaine", "5 cours de l'Intendance", "33000 Bordeaux",
                  "Référence : BASE-CONV-12",
                  "Objet : Séances d'éveil réalisées dans le cadre du parcours BASE (bébés suivis en",
                  "N° de suivi BASE", DOSSIER, "Net à payer 180,00 €"):
        assert words in text, words
    assert "COCON" not in text and "inclusion" not in text
    assert Decimal("180.00") == Decimal(_xpath(root, "//ram:GrandTotalAmount/text()")[0])


def test_a_wrong_file_is_said_and_the_practice_still_opens(tmp_path: Path) -> None:
    folder = tmp_path / "cabinet"
    write_base_files(folder)
    psychomotricienne_practice(folder).close()
    (folder / "parcours" / "tarifs" / "BASE.toml").write_text("format = 2\ntariff = \"BASE\"\n", "utf-8")
    base = ("--data-dir", folder, "--passphrase-stdin")
    shown = cocon(*base, "pathways", stdin=f"{STRONG_PASSPHRASE}\n", today=TODAY)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == ["cocon  COCON"]  # COCON works as before
    assert shown.stderr.splitlines() == [
        "parcours/tarifs/BASE.toml n'est pas utilisé. Parcours : Champ obligatoire. versions : Ce fichier de tarifs "
        "ne contient aucune version.",
        "parcours/base.toml n'est pas utilisé. Ce parcours nomme le tarif « BASE », qui n'existe pas : ajoutez son "
        "fichier dans parcours/tarifs."]
