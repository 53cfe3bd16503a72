"""Each write reachable from Facturation, Synchronisation and the dashboard refreshes every view that shows its data,
in the real window (MainWindow, a real SQLCipher practice, signed invoices, SyncRunner): the status bar's « N à
envoyer », the batch rows, the documents waiting for a batch, the documents and unpaid lists, the dashboard.

The stale-status case of issue 17: after « Exporter… » a batch read « Envoyé » while the status bar still said
« 1 à envoyer », even after a restart. Now the count is the documents in no batch plus the batches « Préparé », and
an exported batch reads « Exporté (à remettre au réseau) » (issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QFileDialog, QMessageBox

from cocon_desktop.clock import FixedClock
from cocon_desktop.services import invoice_documents, network_endpoints
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.invoice_documents import NetworkAddress
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from cocon_desktop.ui.itemmodels.batches_model import COLUMNS
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.sync_page import SyncPage
from cocon_desktop.ui.tasks import SyncRunner, ThreadPoolRunner
from cocon_network.receiver import Receiver
from tests.conftest import STRONG_PASSPHRASE
from tests.db.batch_helpers import issue_october
from tests.db.invoice_helpers import TODAY, fill
from tests.sync_samples import TOKEN
from tests.ui.dashboard_helpers import charts_of, dashboard_data


@pytest.fixture
def confirm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


EXPORTED = "Exporté (à remettre au réseau)"  # neither « Envoyé » (delivered) nor « à envoyer »


def open_window(qtbot: QtBot, practice: Practice, page: str = "dashboard") -> MainWindow:
    window = MainWindow(practice, SyncRunner(), clock=FixedClock(TODAY))
    qtbot.addWidget(window)
    window.show()
    window.show_page(page)
    return window


def states(page: SyncPage) -> list[str]:
    """The « État » of every batch row, as shown."""
    return [page.model.cell(row, COLUMNS.index("state")) for row in range(page.model.rowCount())]


def waiting_documents(page: SyncPage) -> int:
    """The documents waiting for a batch, as the page shows them network by network (« … en attente de lot »)."""
    chosen, count = page.network.currentIndex(), 0
    for index in range(page.network.count()):
        page.network.setCurrentIndex(index)
        count += page.pending_total[0]
    page.network.setCurrentIndex(chosen)
    return count


def status_count(window: MainWindow) -> int:
    """What the status bar says: « N à envoyer », hidden when nothing waits."""
    status = window.pending_status
    if not status.isVisible():
        return 0
    text = status.text()
    assert text.endswith(" à envoyer"), text
    return int(text.split()[0])


def assert_agree(window: MainWindow) -> None:
    """The status bar counts what the Synchronisation page shows waiting: the documents in no batch, and the
    batches « Préparé » (closed, neither sent nor exported)."""
    page = window.sync_page
    assert status_count(window) == waiting_documents(page) + states(page).count("Préparé"), (
        window.pending_status.text(), states(page))


def test_an_exported_batch_reads_exported_and_the_status_bar_agrees_at_once_and_after_a_restart(
        qtbot: QtBot, practice: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issued = issue_october(practice)  # RPO and RPM, three invoices each, in no batch
    assert [len(issued[n]) for n in ("RPO", "RPM")] == [3, 3]
    window = open_window(qtbot, practice, "sync")
    page = window.sync_page
    assert status_count(window) == 6 and states(page) == []
    page.network.setCurrentIndex(page.network.findData("RPO"))
    page.close_button.click()
    assert states(page) == ["Préparé"] and status_count(window) == 3 + 1  # RPM's invoices, and the batch
    assert_agree(window)

    folder = tmp_path / "clé-usb"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    page.export_button.click()
    assert [p.suffix for p in folder.iterdir()] == [".zip"] and page.message.text().startswith("Lot exporté")
    assert states(page) == [EXPORTED]  # handed over for the network's portal
    assert status_count(window) == 3  # at once: the batch no longer counts, RPM's invoices still do
    assert_agree(window)

    data_dir = practice.data_dir
    window.close()  # the window closes the practice
    assert practice.closed
    reopened = open_with_passphrase(data_dir, STRONG_PASSPHRASE)  # the same files, a new handle
    again = open_window(qtbot, reopened, "sync")
    assert reopened is again.practice
    assert states(again.sync_page) == [EXPORTED] and status_count(again) == 3
    assert_agree(again)


def test_sending_a_batch_reads_received_and_the_status_bar_follows(qtbot: QtBot, practice: Practice,
                                                                    receiver: Receiver) -> None:
    issue_october(practice, ("RPO",))
    window = open_window(qtbot, practice, "sync")
    page = window.sync_page
    page.close_button.click()
    assert status_count(window) == 1 and states(page) == ["Préparé"]
    network_endpoints.set_endpoint(practice.sessions, "RPO", receiver.url, TOKEN)
    page.reload()  # written behind the page's back: « Envoyer maintenant » waits for an address
    page.send_button.click()
    assert page.message.text() == "1 lot reçu."
    assert states(page) == ["Reçu"] and status_count(window) == 0 and not window.pending_status.isVisible()
    assert_agree(window)


def test_issuing_invoices_updates_the_count_the_documents_and_the_sync_page(qtbot: QtBot, practice: Practice,
                                                                            confirm: None) -> None:
    fill(practice)
    window = open_window(qtbot, practice, "sync")
    sync = window.sync_page
    assert "Aucun document" in sync.pending_label.text() and status_count(window) == 0  # read before the run
    window.show_page("invoicing")
    invoicing = window.invoicing_page
    tab = invoicing.issue_tab
    assert tab.table.rowCount() == 3 and invoicing.documents_tab.rows == []
    tab.issue_button.click()  # the address is missing: asked, saved, then the run goes on
    form = tab.address_form
    assert form.isVisible()
    form.street.setText("10 rue du Réseau")
    form.postcode.setText("31000")
    form.city.setText("Toulouse")
    form.save_button.click()
    assert "FAC-2026-0001 à FAC-2026-0003" in tab.message.text()
    assert tab.table.rowCount() == 0 and not tab.issue_button.isEnabled()  # the séances are invoiced
    assert [r.number for r in invoicing.documents_tab.rows] == ["FAC-2026-0003", "FAC-2026-0002", "FAC-2026-0001"]
    assert len(invoicing.unpaid_tab.rows) == 3 and "771,00" in invoicing.unpaid_tab.total.text()
    assert status_count(window) == 3  # at once, from the run's Changes
    assert window.refresher.is_stale(sync)  # hidden: it reads when next shown
    window.show_page("sync")
    assert "3 documents en attente de lot" in sync.pending_label.text() and sync.close_button.isEnabled()
    assert_agree(window)


def test_a_credit_note_makes_its_seances_billable_and_waits_for_a_batch(qtbot: QtBot, practice: Practice,
                                                                         confirm: None) -> None:
    issue_october(practice, ("RPO",))
    window = open_window(qtbot, practice, "sync")
    window.sync_page.close_button.click()
    assert status_count(window) == 1
    window.show_page("invoicing")
    invoicing = window.invoicing_page
    assert invoicing.issue_tab.table.rowCount() == 0  # October is invoiced
    docs = invoicing.documents_tab
    invoicing.tabs.setCurrentWidget(docs)
    docs.select("FAC-2026-0001")
    docs.credit_button.click()
    dialog = docs.credit_dialog
    assert dialog is not None
    dialog.check([2, 3])
    dialog.ok_button.click()
    assert not dialog.isVisible() and "Avoir AV-2026-0001" in docs.message.text()
    assert "AV-2026-0001" in [r.number for r in docs.rows]
    assert invoicing.issue_tab.table.rowCount() == 1  # its two séances are billable again
    unpaid = {r.number: r.remaining for r in invoicing.unpaid_tab.rows}
    assert str(unpaid["FAC-2026-0001"]) == "179.00"
    assert status_count(window) == 2  # the batch « Préparé », and the credit note in no batch
    window.show_page("sync")
    assert "1 document en attente de lot" in window.sync_page.pending_label.text()
    assert_agree(window)


def test_a_payment_updates_the_unpaid_list_and_the_dashboard(qtbot: QtBot, practice: Practice) -> None:
    data: dict[str, Any] = dashboard_data(practice)
    window = open_window(qtbot, practice)
    dashboard = window.dashboard_page
    overdue = [item.text for item in dashboard.model.rows if item.text.startswith("Facture FAC-2026-0002")]
    charts_of(dashboard)
    assert len(overdue) == 1 and dashboard.amounts_chart.values(1)[-1] == 218.0
    window.show_page("invoicing")
    invoicing = window.invoicing_page
    unpaid = invoicing.unpaid_tab
    owing = len(data["issued"]) - 1  # one was paid on 20/11
    assert "FAC-2026-0002" in [r.number for r in unpaid.rows] and len(unpaid.rows) == owing
    docs = invoicing.documents_tab
    invoicing.tabs.setCurrentWidget(docs)
    docs.select("FAC-2026-0002")
    docs.payment_button.click()
    dialog = docs.payment_dialog
    assert dialog is not None
    dialog.amount.setText("218,00")
    dialog.reference.setText("VIR-77")
    dialog.save_button.click()
    assert not dialog.isVisible() and "Paiement enregistré : facture FAC-2026-0002, Payée." in docs.message.text()
    assert "FAC-2026-0002" not in [r.number for r in unpaid.rows] and len(unpaid.rows) == owing - 1
    assert docs.status_of("FAC-2026-0002").state == "payee"  # type: ignore[union-attr]
    assert window.refresher.is_stale(dashboard)  # hidden: it reads when next shown
    window.show_page("dashboard")
    assert not any(item.text.startswith("Facture FAC-2026-0002") for item in dashboard.model.rows)
    assert dashboard.amounts_chart.values(1)[-1] == 436.0


def test_closing_a_batch_puts_its_line_on_the_dashboard(qtbot: QtBot, practice: Practice) -> None:
    issue_october(practice, ("RPO",))
    window = open_window(qtbot, practice)
    dashboard = window.dashboard_page
    lines = [item.text for item in dashboard.model.rows]
    assert "RPO : 3 documents émis attendent d'être mis dans un lot." in lines
    window.show_page("sync")
    window.sync_page.close_button.click()
    window.show_page("dashboard")
    lines = [item.text for item in dashboard.model.rows]
    assert not any(line.startswith("RPO : 3 documents émis") for line in lines)
    assert any(line.startswith("Lot RPO du ") and line.endswith("pas encore envoyé au réseau.") for line in lines)


def test_an_address_saved_in_its_dialog_shows_on_the_page(qtbot: QtBot, practice: Practice) -> None:
    window = open_window(qtbot, practice, "sync")
    page = window.sync_page
    assert "Aucune adresse de réception pour le réseau RPO" in page.endpoint_label.text()
    page.endpoint_button.click()
    dialog = page.endpoint_dialog
    assert dialog is not None
    dialog.url.setText("https://reseau.example.org/cocon")
    dialog.token.setText(TOKEN)
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert "https://reseau.example.org/cocon" in page.endpoint_label.text()


def test_an_automatic_look_that_finds_nothing_due_writes_nothing(qtbot: QtBot, practice: Practice) -> None:
    """The outbox is looked at every five minutes: when nothing is due it is a read, and no view reads again."""
    issue_october(practice, ("RPO",))
    window = open_window(qtbot, practice, "sync")
    page = window.sync_page
    page.close_button.click()  # due, but RPO has no address
    announced: list[Changes] = []
    window.runner.subscribe(announced.append)
    assert page.sending.auto() and not page.sending.running
    assert announced == [] and states(page) == ["Préparé"]
    network_endpoints.set_endpoint(practice.sessions, "RPO", "https://127.0.0.1:9", TOKEN)  # nothing listens
    assert page.sending.auto()
    assert announced and announced[-1] & Changes.BATCHES  # a sending was tried: the views read again
    assert page.model.cell(0, COLUMNS.index("attempts")) == "1"


@pytest.mark.slow
def test_in_the_background_the_run_greys_the_tab_then_every_view_follows(qtbot: QtBot, practice: Practice,
                                                                          confirm: None) -> None:
    fill(practice)
    invoice_documents.set_network_address(practice.sessions, "RPO", NetworkAddress("1 rue Fictive", "31000",
                                                                                   "Toulouse"))
    runner = ThreadPoolRunner()
    window = MainWindow(practice, runner, clock=FixedClock(TODAY))
    qtbot.addWidget(window)
    window.show()
    window.show_page("invoicing")
    tab = window.invoicing_page.issue_tab
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=20_000)
    tab.issue_button.click()  # the network's address read first (in the background), then the run
    qtbot.waitUntil(lambda: tab.running, timeout=10_000)
    assert tab.progress.isVisible() and not tab.issue_button.isEnabled()  # not blocked
    qtbot.waitUntil(lambda: "FAC-2026-0001 à FAC-2026-0003" in tab.message.text(), timeout=60_000)
    assert not tab.progress.isVisible()
    qtbot.waitUntil(lambda: status_count(window) == 3 and tab.table.rowCount() == 0, timeout=20_000)
    qtbot.waitUntil(lambda: len(window.invoicing_page.documents_tab.rows) == 3, timeout=20_000)

    window.show_page("sync")
    page = window.sync_page
    qtbot.waitUntil(page.close_button.isEnabled, timeout=20_000)
    page.close_button.click()
    qtbot.waitUntil(lambda: page.current() is not None, timeout=60_000)  # the new batch, selected once listed
    assert states(page) == ["Préparé"] and page.current().state == "prepare"  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: status_count(window) == 1, timeout=20_000)
    page.export(page.model.rows[0].id, practice.data_dir.parent / "export")
    qtbot.waitUntil(lambda: states(page) == [EXPORTED] and not window.pending_status.isVisible(), timeout=20_000)
    assert runner.wait()
