"""The network's decision on each invoice in the real window (issue 21, #5 and #6): a real practice with signed
invoices, a batch sent by « Envoyer maintenant » to a real HTTP server on 127.0.0.1 that rejects one invoice and
pays another. The Synchronisation page says so and lists the rejected invoice with its reason; the dashboard's line
opens « Documents émis » on it (Enter), where its state reads « Rejetée par le réseau : <motif> » and what to do is
said under the list, « Émettre un avoir… » at hand; the paid one reads « Payée le 23/11/2026 » (the answer's day)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.clock import FixedClock
from cocon_desktop.services.invoicing import IssuedDocument
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.itemmodels.batches_model import COLUMNS
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.invoice_documents_tab import COLUMNS as DOCUMENT_COLUMNS
from cocon_desktop.ui.pages.invoice_documents_tab import STATE_COLOURS
from cocon_desktop.ui.tasks import SyncRunner
from tests.db.batch_helpers import NOW, october_batch_sent_to
from tests.db.invoice_helpers import TODAY
from tests.hostile_receiver import Answer, _Server, hostile_receiver, url
from tests.sync_samples import TOKEN

REASON = "<b>Enfant</b> RPO-2025-0001 hors de ses dates d'inclusion le 01/10/2026\x1b[31m"
SHOWN = "<b>Enfant</b> RPO-2025-0001 hors de ses dates d'inclusion le 01/10/2026"


@pytest.fixture
def hostile() -> Iterator[_Server]:
    with hostile_receiver() as server:
        yield server


@pytest.fixture
def invoices(practice: Practice, hostile: _Server) -> list[IssuedDocument]:
    issued = october_batch_sent_to(practice, url(hostile), TOKEN)
    body = {"receipt_id": "r-1", "received_at": NOW.isoformat(), "status": "recu",
            "documents": [{"number": issued[0].number, "status": "rejete", "reason": REASON},
                          {"number": issued[1].number, "status": "paye"}]}
    hostile.answer = Answer(201, json.dumps(body).encode())
    return issued


def test_a_rejected_invoice_is_shown_with_its_reason_and_what_to_do(qtbot: QtBot, practice: Practice,
                                                                    invoices: list[IssuedDocument]) -> None:
    rejected, paid = invoices[0].number, invoices[1].number
    window = MainWindow(practice, SyncRunner(), clock=FixedClock(TODAY))
    qtbot.addWidget(window)
    window.show()
    window.show_page("sync")
    page = window.sync_page
    qtbot.waitUntil(lambda: page.send_button.isEnabled())
    page.send_button.click()
    qtbot.waitUntil(lambda: "rejetée par le réseau" in page.message.text(), timeout=20_000)
    assert "1 facture rejetée par le réseau : émettez un avoir puis une facture corrigée." in page.message.text()
    assert "1 facture payée par le réseau." in page.message.text()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and "rejetée" in page.model.cell(0, COLUMNS.index("state")))
    assert page.model.cell(0, COLUMNS.index("state")) == "Reçu — 1 facture rejetée"
    colour = page.model.index(0, COLUMNS.index("state")).data(Qt.ItemDataRole.ForegroundRole)
    assert colour.name() == STATE_COLOURS["rejetee"]  # something to correct: in the rejected colour
    page.table.selectRow(0)
    assert f"  {rejected} : {SHOWN}" in page.details.text().splitlines()
    assert page.details.textFormat() == Qt.TextFormat.PlainText and "\x1b" not in page.details.text()

    # the dashboard's line, opened with the keyboard
    window.show_page("dashboard")
    dashboard = window.dashboard_page
    qtbot.waitUntil(lambda: any(item.kind == "invoice_refused" for item in dashboard.model.rows))
    (row,) = [n for n, item in enumerate(dashboard.model.rows) if item.kind == "invoice_refused"]
    assert dashboard.model.rows[row].severity == "error"
    line = dashboard.model.index(row, 0).data()
    assert line.startswith(f"Facture {rejected} (RPO, ")
    assert line.endswith(" rejetée par le réseau : émettez un avoir puis une facture corrigée. "
                         f"Motif : « {SHOWN} ».")
    dashboard.table.setFocus()
    dashboard.table.selectRow(row)
    qtbot.keyClick(dashboard.table, Qt.Key.Key_Return)
    invoicing = window.invoicing_page
    tab = invoicing.documents_tab
    assert window.pages.currentWidget() is invoicing and invoicing.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: tab.current() is not None and tab.current().number == rejected)  # type: ignore[union-attr]
    state = DOCUMENT_COLUMNS.index("État")
    shown = {status.number: tab.model.index(n, state).data() for n, status in enumerate(tab.rows)}
    assert shown[rejected] == f"Rejetée par le réseau : {SHOWN}"
    assert shown[paid] == "Payée le 23/11/2026"  # the answer's day, never after the window's today (23/11)
    assert tab.decision.isVisible() and tab.decision.textFormat() == Qt.TextFormat.PlainText
    assert tab.decision.text().startswith(f"{rejected} — Rejetée par le réseau : {SHOWN}. Une facture émise ne se "
                                          "modifie pas : émettez un avoir")
    assert tab.credit_button.isEnabled()
    # another document: no note
    tab.select(paid)
    assert not tab.decision.isVisible()
