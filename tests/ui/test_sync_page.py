"""Synchronisation: closing a batch, sending it to the real reference receiver on 127.0.0.1 (and failing to, when
it is stopped), export, verification of a batch file, the address of reception, the automatic sending and the
status bar's « N à envoyer » — on a real encrypted practice with signed invoices, SyncRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from cocon_desktop.services import batches, network_endpoints, outbox, signing_identities
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.itemmodels.batches_model import COLUMNS
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.sync_page import SyncPage
from cocon_desktop.ui.pages.sync_sending import AUTO_SYNC_INTERVAL_MS
from cocon_desktop.ui.tasks import SyncRunner, ThreadPoolRunner
from cocon_exchange.batch_verify import verify_batch
from cocon_network.receiver import Receiver
from tests.db.batch_helpers import issue_october
from tests.softhsm import Token
from tests.sync_samples import TOKEN, tamper
from tests.ui.refresh_helpers import follow_writes

ERROR_COLOUR = "#b00020"


@pytest.fixture
def issued(practice: Practice) -> Practice:
    """Three signed October invoices to RPO (the practice's network), in no batch."""
    issue_october(practice, ("RPO",))
    return practice


def make_page(qtbot: QtBot, practice: Practice) -> SyncPage:
    runner = SyncRunner()
    page = SyncPage(runner)
    qtbot.addWidget(page)
    follow_writes(runner, page)  # as in the window: the page reads again after a write
    page.set_practice(practice)
    page.show()
    return page


def cell(page: SyncPage, row: int, column: str) -> str:
    return page.model.cell(row, COLUMNS.index(column))


def set_address(qtbot: QtBot, page: SyncPage, url: str, token: str) -> None:
    page.endpoint_button.click()
    dialog = page.endpoint_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.url.setText(url)
    dialog.token.setText(token)
    dialog.save_button.click()
    assert not dialog.isVisible(), dialog.url_error()


def closed_page(qtbot: QtBot, practice: Practice) -> SyncPage:
    page = make_page(qtbot, practice)
    page.close_button.click()
    assert cell(page, 0, "state") == "Préparé"
    return page


def test_closing_a_batch_shows_it_prepared_and_the_status_bar_follows(qtbot: QtBot, issued: Practice) -> None:
    window = MainWindow(issued, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    status = window.pending_status
    assert status.isVisible() and status.text() == "3 à envoyer"  # three invoices in no batch
    status.click()
    page = window.sync_page
    assert window.pages.currentWidget() is page
    assert page.selected_network() == "RPO"
    assert "3 documents en attente de lot" in page.pending_label.text()
    assert page.close_button.text() == "Clore un lot (3 documents)" and page.close_button.isEnabled()
    assert page.model.rowCount() == 0
    page.close_button.click()
    assert page.model.rowCount() == 1
    assert cell(page, 0, "state") == "Préparé" and cell(page, 0, "network") == "RPO"
    assert cell(page, 0, "documents") == "3"
    assert "Lot clos pour le réseau RPO : 3 documents" in page.message.text()
    assert page.current() is not None and "Préparé" in page.details.text()  # the new batch is selected
    assert not page.close_button.isEnabled() and "Aucun document" in page.pending_label.text()
    assert status.text() == "1 à envoyer"  # the batch, until it is sent or exported
    window.lock()
    assert page.practice is None and not page.sending.timer.isActive()


def test_send_now_gets_the_receipt_from_the_receiver(qtbot: QtBot, issued: Practice, receiver: Receiver) -> None:
    page = closed_page(qtbot, issued)
    set_address(qtbot, page, receiver.url, TOKEN)
    assert receiver.url in page.endpoint_label.text()
    stored = network_endpoints.endpoint(issued.sessions, "RPO")
    assert stored is not None and stored.token == TOKEN
    page.send_button.click()
    assert page.message.text() == "1 lot reçu."
    assert not page.progress.isVisible() and page.send_button.isEnabled()
    batch = batches.list_batches(issued.sessions)[0]
    assert batch.state == "recu" and batch.receipt_id
    assert cell(page, 0, "state") == "Reçu" and cell(page, 0, "receipt").startswith(batch.receipt_id[:8] + "…")
    receipt_index = page.model.index(0, COLUMNS.index("receipt"))
    assert batch.receipt_id in page.model.data(receipt_index, Qt.ItemDataRole.ToolTipRole)
    page.select(batch.id)
    assert f"Accusé de réception du réseau : {batch.receipt_id}" in page.details.text()
    assert receiver.store.batch_ids() == [batch.batch_id] and receiver.statuses() == [201]  # stored once
    assert outbox.waiting(issued.sessions) == []


def test_with_the_receiver_stopped_the_error_shows_and_the_batch_waits(qtbot: QtBot, issued: Practice,
                                                                        receiver: Receiver) -> None:
    page = closed_page(qtbot, issued)
    set_address(qtbot, page, receiver.url, TOKEN)
    receiver.stop()
    page.send_button.click()
    assert page.message.text().startswith("1 en attente : Envoi impossible pour l'instant")
    assert ERROR_COLOUR in page.message.styleSheet()
    assert cell(page, 0, "state") == "Préparé" and cell(page, 0, "attempts") == "1"
    assert "Envoi impossible" in cell(page, 0, "last_attempt") and cell(page, 0, "next_attempt")
    page.select(page.model.rows[0].id)
    assert "Erreur : Envoi impossible pour l'instant" in page.details.text()
    assert [item.attempts for item in outbox.waiting(issued.sessions)] == [1]
    assert page.send_button.isEnabled()


def test_export_writes_a_file_that_verifies(qtbot: QtBot, issued: Practice, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    page = closed_page(qtbot, issued)
    assert page.export_button.isEnabled()  # the new batch is selected
    page.table.clearSelection()
    assert not page.export_button.isEnabled()
    page.select(page.model.rows[0].id)
    folder = tmp_path / "clé-usb"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    page.export_button.click()
    files = list(folder.iterdir())
    assert len(files) == 1 and files[0].name.startswith("COCON-RPO-") and files[0].suffix == ".zip"
    assert page.message.text() == f"Lot exporté : {files[0]} — à remettre au réseau (son portail, un dépôt)."
    check = verify_batch(files[0].read_bytes())
    assert check.ok and check.documents == 3 and check.network == "RPO"
    assert cell(page, 0, "state") == "Exporté (à remettre au réseau)"


def test_verifying_a_batch_file_says_valid_or_shows_the_first_fault(qtbot: QtBot, issued: Practice,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    page = closed_page(qtbot, issued)
    name, data = batches.batch_file(issued.sessions, page.model.rows[0].id)
    good, bad = tmp_path / name, tmp_path / "altéré.zip"
    good.write_bytes(data)
    bad.write_bytes(tamper(data, "documents/FAC-2026-0002.pdf"))
    chosen = {"path": str(good)}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (chosen["path"], "*.zip"))
    page.verify_button.click()
    assert page.message.text().startswith(f"Lot valide : {name} — réseau RPO, 3 documents")
    assert ERROR_COLOUR not in page.message.styleSheet()
    chosen["path"] = str(bad)
    page.verify_button.click()
    fault = verify_batch(bad.read_bytes()).first_fault
    assert fault is not None and "FAC-2026-0002" in fault.message
    assert page.message.text() == f"Lot invalide : altéré.zip — {fault.message}"
    assert ERROR_COLOUR in page.message.styleSheet() and page.verify_button.isEnabled()


def test_the_address_dialog_refuses_plain_http_and_keeps_what_was_typed(qtbot: QtBot, issued: Practice) -> None:
    page = make_page(qtbot, issued)
    page.endpoint_button.click()
    dialog = page.endpoint_dialog
    assert dialog is not None
    dialog.url.setText("http://example.org")
    dialog.token.setText("secret-42")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.url_error().startswith("Adresse de réception invalide : http://example.org")
    assert dialog.url.text() == "http://example.org" and dialog.token.text() == "secret-42"
    assert network_endpoints.endpoint(issued.sessions, "RPO") is None
    dialog.url.setText("https://reseau.example.org/cocon/")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert "https://reseau.example.org/cocon" in page.endpoint_label.text()
    assert "secret-42" not in page.endpoint_label.text() + page.message.text()
    page.endpoint_button.click()  # again: the URL is shown, the token never
    again = page.endpoint_dialog
    assert again is not None and again.url.text() == "https://reseau.example.org/cocon"
    assert again.token.text() == "" and "laisser vide pour le garder" in again.token.placeholderText()
    again.save_button.click()  # empty token: the stored one is kept
    stored = network_endpoints.endpoint(issued.sessions, "RPO")
    assert stored is not None and stored.token == "secret-42"


def test_automatic_sending_sends_what_is_due_once_at_a_time(qtbot: QtBot, issued: Practice,
                                                            receiver: Receiver) -> None:
    page = closed_page(qtbot, issued)
    sending = page.sending
    assert sending.timer.isActive() and sending.timer.interval() == AUTO_SYNC_INTERVAL_MS
    finished: list[object] = []
    sending.finished.connect(finished.append)
    assert sending.auto() and finished == [None]  # no address yet: nothing tried, nothing said
    assert batches.list_batches(issued.sessions)[0].attempts == 0 and not page.message.text().startswith("1")
    set_address(qtbot, page, receiver.url, TOKEN)
    sending.running = True  # a run is going: no second one
    assert not sending.auto()
    sending.running = False
    assert sending.auto()
    assert cell(page, 0, "state") == "Reçu" and page.message.text() == "1 lot reçu."
    assert receiver.statuses() == [201]
    assert sending.auto() and finished[-1] is None  # nothing due any more
    assert receiver.statuses() == [201]


def test_a_token_identity_asks_for_its_pin(qtbot: QtBot, practice: Practice, softhsm_token: Token,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    t = softhsm_token
    signing_identities.use_token(practice.sessions, t.module, t.label, t.key_label, t.pin)
    issue_october(practice, ("RPO",), pin=t.pin)
    asked: list[str] = []

    def answer(*args: object, **kwargs: object) -> tuple[str, bool]:
        asked.append(str(args[2]))
        return (t.pin if len(asked) > 1 else "0000"), True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    page = make_page(qtbot, practice)
    page.close_button.click()
    assert len(asked) == 2 and "Code PIN incorrect" in asked[1]
    assert cell(page, 0, "state") == "Préparé"


def test_cancel_stops_between_batches(qtbot: QtBot, practice: Practice, receiver: Receiver) -> None:
    issue_october(practice)  # RPO and RPM
    page = make_page(qtbot, practice)
    for network in ("RPO", "RPM"):
        page.network.setCurrentIndex(page.network.findData(network))
        page.close_button.click()
        network_endpoints.set_endpoint(practice.sessions, network, receiver.url, TOKEN)
    seen: list[tuple[int, int]] = []

    def cancel_after_the_first(done: int, total: int) -> None:
        seen.append((done, total))
        assert page.progress.isVisible() and page.progress.cancel_button.isEnabled()
        assert page.progress.bar.format() == "2 sur 2"  # the second batch is next
        page.progress.cancel_button.click()

    page.progress.relay.progressed.connect(cancel_after_the_first)
    page.send_button.click()
    assert seen == [(1, 2)]
    assert page.message.text() == "Envoi interrompu — 1 lot reçu, 1 en attente."
    assert sorted(cell(page, row, "state") for row in range(2)) == ["Préparé", "Reçu"]
    assert len(receiver.store.batch_ids()) == 1 and len(outbox.waiting(practice.sessions)) == 1
    assert not page.progress.isVisible() and page.send_button.isEnabled()


@pytest.mark.slow
def test_sending_runs_in_the_background(qtbot: QtBot, issued: Practice, receiver: Receiver) -> None:
    runner = ThreadPoolRunner()
    page = SyncPage(runner)
    qtbot.addWidget(page)
    follow_writes(runner, page)
    page.set_practice(issued)
    page.show()
    qtbot.waitUntil(page.close_button.isEnabled, timeout=20_000)
    page.close_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=30_000)
    network_endpoints.set_endpoint(issued.sessions, "RPO", receiver.url, TOKEN)
    page.reload()  # written behind the page's back: « Envoyer maintenant » waits for an address
    qtbot.waitUntil(lambda: not page.sending.running and page.send_button.isEnabled(), timeout=10_000)
    receiver.faults.delay_next(1, 1.0, before_store=True)  # the network takes its time
    page.send_button.click()
    assert page.sending.running and page.progress.isVisible() and page.progress.cancel_button.isVisible()
    assert not page.send_button.isEnabled() and page.message.text() == "Envoi en cours…"
    qtbot.waitUntil(lambda: page.message.text() == "1 lot reçu.", timeout=30_000)
    qtbot.waitUntil(lambda: cell(page, 0, "state") == "Reçu", timeout=10_000)
    assert runner.wait() and receiver.statuses() == [201]
