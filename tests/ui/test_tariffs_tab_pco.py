"""The PCO-TND tariff file (issue 22, S2) is shipped but not shown: a COCON practice's Tarifs tab lists its three
networks as before, and the practice's pathways setting (S1) still says COCON alone."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from cocon_desktop.domain.networks import NETWORKS
from cocon_desktop.services import tariff_store
from cocon_desktop.services.pathway_store import enabled_pathways
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner


def test_tariffs_tab_lists_the_cocon_networks_only(qtbot: QtBot, practice: Practice) -> None:
    assert "PCO-TND" in tariff_store.load_tariffs(practice.sessions)  # shipped, and read
    assert [p.id for p in enabled_pathways(practice.sessions)] == ["cocon"]
    window = MainWindow(practice, SyncRunner())
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.page_keys.index("settings"))
    tab = window.settings_page.tariffs_tab
    window.settings_page.tabs.setCurrentWidget(tab)
    assert [tab.network.itemData(i) for i in range(tab.network.count())] == list(NETWORKS)
    assert "PCO-TND" in tab.tariffs  # loaded with the others, never offered
    for index in range(tab.network.count()):
        tab.network.setCurrentIndex(index)
        assert all(rule.payment == "per_seance" for rule in tab._current_tariff().versions[-1].forfaits)  # type: ignore[union-attr]
