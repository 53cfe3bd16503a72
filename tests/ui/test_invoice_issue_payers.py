"""Facturation › Émettre for a PCO (issue 22): the plateformes of the practice's pathways are offered after
COCON's networks, the preview lists the milestones reached with the PCO's dossier number, and the run issues the
PCO's invoice without asking a network's address (its address is its row in Paramètres); a COCON-only practice
sees the networks alone, under « Réseau » as before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QMessageBox

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.domain.payers import PayerData
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import payers
from cocon_desktop.services.dashboard_actions import action_items
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from cocon_desktop.ui.i18n import line_message
from cocon_desktop.ui.itemmodels.action_items_model import count_text
from cocon_desktop.ui.pages.invoicing_page import InvoicingPage
from cocon_desktop.ui.tasks import SyncRunner
from tests.pco_samples import psychomotricienne, record, rpm_child, works_with_pco_tnd
from tests.ui.refresh_helpers import follow_writes

TODAY = date(2026, 11, 23)
PCO = PayerData(name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux",
                siret="35600000000048", reference="CONV-2026-17")


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    with psychomotricienne(data_dir, recovery) as opened:
        yield opened


def make_page(qtbot: QtBot, practice: Practice) -> InvoicingPage:
    runner = SyncRunner()
    page = InvoicingPage(runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    follow_writes(runner, page)
    page.set_practice(practice)
    page.show()
    return page


def codes(page: InvoicingPage) -> list[str]:
    combo = page.issue_tab.network
    return [str(combo.itemData(i)) for i in range(combo.count())]


def test_a_cocon_only_practice_is_offered_the_networks_alone(qtbot: QtBot, practice: Practice) -> None:
    payers.add_payer(practice.sessions, "pco-tnd", PCO)  # typed, but PCO-TND is not among its pathways
    page = make_page(qtbot, practice)
    assert codes(page) == list(NETWORKS)
    assert page.issue_tab.payer_label.text() == "Réseau"


def test_a_pco_milestone_is_previewed_and_issued_from_the_page(qtbot: QtBot, practice: Practice,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    works_with_pco_tnd(practice)
    payers.add_payer(practice.sessions, "pco-tnd", PCO)
    child_id = rpm_child(practice, TODAY)
    practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20), reference="PCO33-2026-0042"))
    record(practice, child_id, date(2026, 10, 21), "bilan_initial")
    page = make_page(qtbot, practice)
    tab = page.issue_tab
    assert codes(page) == [*NETWORKS, "PCO1"] and tab.payer_label.text() == "Payeur"
    assert tab.network.itemText(len(NETWORKS)) == "PCO1 — PCO-TND de la Gironde"
    assert tab.month.currentText() == "Octobre 2026"
    assert tab.table.rowCount() == 0  # the RPM's October: the bilan is the PCO's, not the network's

    tab.network.setCurrentIndex(tab.network.findData("PCO1"))
    assert tab.table.rowCount() == 1
    assert [tab.table.horizontalHeaderItem(c).text() for c in range(1, 4)] == [
        "N° de dossier PCO", "Jalons atteints le", "Versements"]
    assert tab.table.item(0, 1).text() == "PCO33-2026-0042" and "140,00" in tab.total.text()

    asked: list[str] = []

    def question(*args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    tab.issue_button.click()
    assert not tab.address_form.isVisible()  # no network address asked for a PCO
    assert len(asked) == 1 and "140,00" in asked[0]
    assert tab.message.text() == "1 facture émise et signée : FAC-2026-0001."
    assert tab.table.rowCount() == 0
    assert tab.total.text() == "Aucun versement à facturer pour ce payeur et ce mois."
    assert [row.number for row in page.documents_tab.rows] == ["FAC-2026-0001"]


def test_a_disabled_plateforme_leaves_the_choice(qtbot: QtBot, practice: Practice) -> None:
    works_with_pco_tnd(practice)
    payers.add_payer(practice.sessions, "pco-tnd", PCO)
    page = make_page(qtbot, practice)
    tab = page.issue_tab
    tab.network.setCurrentIndex(tab.network.findData("PCO1"))
    practice.write(payers.disable_payer, "PCO1")
    page.reload()
    assert codes(page) == list(NETWORKS) and tab.selected_network() in NETWORKS


def test_a_dashboard_line_opens_the_pco_s_month_to_invoice(qtbot: QtBot, practice: Practice) -> None:
    """« PCO1 : 1 versement d'octobre 2026 reste à facturer. » on the dashboard, and the Facturation page opened on
    PCO1 and October by it — even before the page had read its payers."""
    works_with_pco_tnd(practice)
    payers.add_payer(practice.sessions, "pco-tnd", PCO)
    child_id = rpm_child(practice, TODAY)
    practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20), reference="PCO33-2026-0042"))
    record(practice, child_id, date(2026, 10, 21), "bilan_initial")
    items = [item for item in action_items(practice.sessions, TODAY) if item.kind == "milestones_to_invoice"]
    assert [line_message(item.code, dict(item.data)) for item in items] == [
        "PCO1 : 1 versement d'octobre 2026 reste à facturer."]
    assert count_text(items[0]) == "1 versement"

    runner = SyncRunner()
    page = InvoicingPage(runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.issue_tab.choose("PCO1")  # not offered yet: the page has not read its payers
    page.show()
    page.set_practice(practice)
    assert page.issue_tab.selected_network() == "PCO1"
    assert page.issue_tab.table.rowCount() == 1 and page.issue_tab.table.item(0, 1).text() == "PCO33-2026-0042"
