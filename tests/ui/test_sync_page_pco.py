"""The Synchronisation page lists the batches that go to a network's server; a PCO's batch, exported only (issue 22,
S6: PCO-TND has no server), is not among them — a real practice with a PCO invoice and an RPM invoice, both closed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.itemmodels.batches_model import COLUMNS
from cocon_desktop.ui.pages.sync_page import SyncPage
from cocon_desktop.ui.tasks import SyncRunner
from tests.pco_batch_samples import NOW, practice_with_pco_invoice


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    opened = practice_with_pco_invoice(data_dir, recovery)
    yield opened
    opened.close()


def test_the_page_lists_the_rpm_batch_and_not_the_pcos(qtbot: QtBot, practice: Practice) -> None:
    pco = batches.close_batch(practice, "PCO1", NOW)
    rpm = batches.close_batch(practice, "RPM", NOW)
    page = SyncPage(SyncRunner())
    qtbot.addWidget(page)
    page.set_practice(practice)
    page.show()
    page.reload()
    payers = [page.model.cell(row, COLUMNS.index("network")) for row in range(page.model.rowCount())]
    assert payers == ["RPM"]
    assert {b.id for b in batches.list_batches(practice.sessions)} == {rpm.id, pco.id}  # both exist
    assert [page.network.itemData(i) for i in range(page.network.count())] == ["RPM", "RPO", "RPNA"]
