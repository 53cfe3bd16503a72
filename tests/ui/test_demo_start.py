"""`cocon-desktop --demo`: the demo is prepared in the background behind a waiting window, then opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cocon_desktop.app import AppController
from cocon_desktop.services import invoice_documents
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import ThreadPoolRunner
from tests.dates import CLOCK


@pytest.mark.slow
def test_demo_opens_after_a_waiting_window(qtbot: QtBot, tmp_path: Path) -> None:
    controller = AppController(tmp_path / "demo", ThreadPoolRunner(), demo=True, clock=CLOCK)
    first = controller.start()
    qtbot.addWidget(first)
    assert not isinstance(first, MainWindow) and first.isVisible()
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=60_000)
    window = controller.main_window
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.findChild(type(window.vault_label), "demo_banner") is not None
    assert not first.isVisible()
    assert window.practice is not None and window.clock is CLOCK  # the demo and the pages on the same day
    assert invoice_documents.verify_practice(window.practice).ok  # the demo's invoices are signed and chained
    window.close()
