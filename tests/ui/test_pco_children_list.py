"""The children list beside a PCO (issue 22): a child handed over to a PCO left COCON, not the practice — it stays
among the « Actifs seulement », its « Suivi » says « Relais PCO1 depuis le … » (or « à partir du … » before the
relay's day), and a child who left COCON for another reason still does not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import children
from cocon_desktop.services.children import ChildQuery, list_children
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from cocon_desktop.ui.itemmodels.children_model import ChildrenModel
from cocon_desktop.ui.tasks import SyncRunner
from tests.pco_samples import practice_beside_a_pco, rpm_child

TODAY = date(2026, 11, 18)


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    with practice_beside_a_pco(data_dir, recovery) as opened:
        yield opened


def _status(qtbot: QtBot, practice: Practice, today: date) -> list[tuple[str, str]]:
    model = ChildrenModel(lambda: practice, SyncRunner(), lambda: today)
    model.set_query(ChildQuery(active_only=True))
    qtbot.waitUntil(lambda: model.rowCount() == model.total, timeout=3000)
    return [(model.rows[r].first_name, model.cell(model.rows[r], 5)) for r in range(model.rowCount())]


def test_a_relayed_child_stays_among_the_active_ones(qtbot: QtBot, practice: Practice) -> None:
    child_id = rpm_child(practice, TODAY)
    practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20)))
    [row] = list_children(practice.sessions, ChildQuery(active_only=True), TODAY)
    assert (row.id, row.exit_date, row.relayed_to, row.relayed_on) == (child_id, date(2026, 10, 19), "PCO1",
                                                                         date(2026, 10, 20))
    assert _status(qtbot, practice, TODAY) == [("Nino", "Relais PCO1 depuis le 20/10/2026")]
    assert _status(qtbot, practice, date(2026, 10, 19)) == [("Nino", "Relais PCO1 à partir du 20/10/2026")]


def test_a_child_who_left_for_another_reason_is_not_active(qtbot: QtBot, practice: Practice) -> None:
    child_id = rpm_child(practice, TODAY)
    record = children.get_child(practice.sessions, child_id)
    children.update_child(practice.sessions, child_id, replace(record.data, exit_date=date(2026, 10, 19),
                                                               exit_reason="demenagement"), TODAY)
    assert list_children(practice.sessions, ChildQuery(active_only=True), TODAY) == []
