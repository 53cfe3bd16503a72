"""A hostile network's words in the window (issue 19, #8): a rejection reason with HTML and terminal escapes was
put in the batches' tooltip as it came, which Qt renders as rich text when it looks like HTML (an image fetched, a
link, a layout broken). Now the tooltip, the details and the page's message show it as plain text, every
character as it is, without control characters — on the real Synchronisation page with a real practice."""

from __future__ import annotations

import json

from pytestqt.qtbot import QtBot

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel

from cocon_desktop.services import batches, network_endpoints, outbox
from cocon_desktop.services.dashboard_actions import action_items
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.itemmodels.action_items_model import ActionItemsModel
from cocon_desktop.ui.itemmodels.batches_model import COLUMNS
from cocon_desktop.ui.pages.sync_page import SyncPage
from cocon_desktop.ui.tasks import SyncRunner
from tests.db.batch_helpers import NOW, issue_october
from tests.hostile_receiver import Answer, hostile_receiver, url
from tests.sync_samples import TOKEN

HOSTILE = "<b>Refusé</b> <img src='http://attaquant.example/pixel.png'> <a href='http://x'>ici</a>\x1b[31m !"
SHOWN = "<b>Refusé</b> <img src='http://attaquant.example/pixel.png'> <a href='http://x'>ici</a> !"


def rendered(tip: str) -> str:
    """What Qt shows for a tooltip text (rich text when it looks like HTML, as QToolTip decides)."""
    if not QtGui.Qt.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()


def page_with_rejected_batch(qtbot: QtBot, practice: Practice, reason: str) -> SyncPage:
    issue_october(practice, ("RPO",))
    batch = batches.close_batch(practice, "RPO", NOW)
    outbox.record_rejection(practice.sessions, batch.id, reason, NOW)  # as an older version stored it
    page = SyncPage(SyncRunner())
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.set_practice(practice)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    return page


def test_a_rejection_reason_is_shown_as_plain_text(qtbot: QtBot, practice: Practice) -> None:
    page = page_with_rejected_batch(qtbot, practice, HOSTILE)
    index = page.model.index(0, COLUMNS.index("state"))
    tip = page.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert rendered(tip) == SHOWN  # before: « Refusé ici ! » in bold, with an image fetched
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: "Motif du réseau" in page.details.text())
    assert page.details.textFormat() == Qt.TextFormat.PlainText and SHOWN in page.details.text()
    assert "\x1b" not in page.details.text()
    # the real tooltip, raised by a help event over the cell, as the mouse would
    rect = page.table.visualRect(index)
    event = QHelpEvent(QHelpEvent.Type.ToolTip, rect.center(), page.table.viewport().mapToGlobal(rect.center()))
    QApplication.sendEvent(page.table.viewport(), event)
    qtbot.waitUntil(lambda: any(w.metaObject().className() == "QTipLabel" and w.isVisible()
                                for w in QApplication.topLevelWidgets()))
    (label,) = [w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QTipLabel"]
    assert isinstance(label, QLabel) and rendered(label.text()) == SHOWN


def test_the_message_of_a_run_quotes_the_network_as_plain_text(qtbot: QtBot, practice: Practice) -> None:
    issue_october(practice, ("RPO",))
    batches.close_batch(practice, "RPO", NOW)
    with hostile_receiver() as server:
        network_endpoints.set_endpoint(practice.sessions, "RPO", url(server), TOKEN)
        server.answer = Answer(500, json.dumps({"code": "x", "reason": HOSTILE}).encode())
        page = SyncPage(SyncRunner())
        qtbot.addWidget(page)
        page.show()
        page.set_practice(practice)
        qtbot.waitUntil(lambda: page.send_button.isEnabled())
        page.send_button.click()
        qtbot.waitUntil(lambda: "HTTP 500" in page.message.text(), timeout=20_000)
    assert page.message.textFormat() == Qt.TextFormat.PlainText
    assert SHOWN in page.message.text() and "\x1b" not in page.message.text()


def test_the_dashboard_line_of_a_rejected_batch_shows_the_reason_as_plain_text(qtbot: QtBot,
                                                                              practice: Practice) -> None:
    """The dashboard's « Lot RPO … rejeté par le réseau (« … ») » line quotes the reason in its tooltip too."""
    issue_october(practice, ("RPO",))
    batch = batches.close_batch(practice, "RPO", NOW)
    outbox.record_rejection(practice.sessions, batch.id, SHOWN, NOW)
    model = ActionItemsModel()
    model.set_rows(practice.read(action_items, NOW.date()))
    (row,) = [r for r, item in enumerate(model.rows) if item.kind == "batch_rejected"]
    tip = rendered(model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole))
    assert SHOWN in tip and tip.endswith("Double-clic ou Entrée : ouvrir.")  # before: « Refusé ici » in bold, a link
