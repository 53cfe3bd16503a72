"""« Lots des plateformes (PCO) » under the Facturation page's tabs (issue 22, S6): a practice with a PCO closes and
writes the PCO's batch from the window (PCO-TND-PCO1-….zip, exported only, never sent); a COCON practice sees no
such box. Real encrypted practices, real signed invoices, the page reading again after the write (follow_writes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches, outbox
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.pages.invoicing_page import InvoicingPage
from cocon_desktop.ui.tasks import SyncRunner
from cocon_exchange.batch_verify import verify_batch
from tests.pco_batch_samples import NOW, practice_with_pco_invoice
from tests.ui.refresh_helpers import follow_writes


@pytest.fixture
def pco_practice(tmp_path: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    opened = practice_with_pco_invoice(tmp_path / "cabinet-pco", recovery)
    yield opened
    opened.close()


def make_page(qtbot: QtBot, practice: Practice) -> InvoicingPage:
    runner = SyncRunner()
    page = InvoicingPage(runner, today=lambda: date(2026, 11, 24))
    qtbot.addWidget(page)
    follow_writes(runner, page)
    page.payer_batches.now = lambda: NOW
    page.set_practice(practice)
    page.show()
    page.reload()
    return page


def test_a_pcos_batch_is_closed_and_written_from_the_window(qtbot: QtBot, pco_practice: Practice,
                                                            tmp_path: Path) -> None:
    box = make_page(qtbot, pco_practice).payer_batches
    assert box.isVisible()
    assert [box.payer.itemText(i) for i in range(box.payer.count())] == ["PCO1 — PCO-TND de la Gironde"]
    assert box.pending.text() == "1 document en attente de lot"
    folder = tmp_path / "cle"
    box.folder_chooser = lambda title: folder
    box.export_button.click()
    [written] = list(folder.iterdir())
    assert written.name.startswith("PCO-TND-PCO1-2026-10-")
    check = verify_batch(written.read_bytes())
    assert check.ok and check.pathway == "pco-tnd"
    assert box.message.text() == (f"Lot de la plateforme PCO1 (1 document, 140,00\u00a0€) écrit dans {written} : "
                                  "à remettre à la plateforme.")
    assert box.pending.text() == "aucun document en attente de lot"  # read again after the write
    [batch] = batches.list_batches(pco_practice.sessions, "PCO1")
    assert batch.state_label == "Exporté (à remettre à la plateforme)"
    assert outbox.waiting(pco_practice.sessions) == []
    box.export_button.click()  # nothing new: the same batch written again, no second batch
    assert [b.id for b in batches.list_batches(pco_practice.sessions, "PCO1")] == [batch.id]
    assert box.export_button.isEnabled() and "écrit dans" in box.message.text()


def test_a_cocon_practice_has_no_such_box(qtbot: QtBot, practice: Practice) -> None:
    box = make_page(qtbot, practice).payer_batches
    assert not box.isVisible() and box.payer.count() == 0
