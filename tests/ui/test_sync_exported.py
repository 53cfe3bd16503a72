"""Synchronisation says one thing (issue 18, #5): « Exporter… » makes a batch « Exporté (à remettre au réseau) »,
without the error of a sending tried before (« Aucune adresse de réception… ») on its row, the status bar's « N à
envoyer » and the dashboard's line agreeing; « Envoyer maintenant » is greyed while no network has an address of
reception, and its tooltip says why — in the real window, on a real SQLCipher practice with signed invoices."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QFileDialog

from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.itemmodels.batches_model import COLUMNS
from cocon_network.receiver import Receiver
from tests.db.batch_helpers import issue_october
from tests.sync_samples import TOKEN
from tests.ui.test_sync_page import set_address
from tests.ui.test_views_follow_invoicing_sync import EXPORTED, assert_agree, open_window, states, status_count


def test_export_reads_exported_without_the_stale_error_and_every_count_agrees(
        qtbot: QtBot, practice: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issue_october(practice, ("RPO",))
    window = open_window(qtbot, practice, "sync")
    page = window.sync_page
    page.close_button.click()
    assert not page.send_button.isEnabled()  # no address: nothing could be sent
    page.sending.send_now()  # what « Envoyer maintenant » did before: the error it leaves on the row
    last_attempt = page.model.cell(0, COLUMNS.index("last_attempt"))
    assert "Aucune adresse de réception pour le réseau RPO" in last_attempt
    assert states(page) == ["Préparé"] and status_count(window) == 1

    folder = tmp_path / "clé-usb"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    page.export_button.click()
    assert states(page) == [EXPORTED]  # neither « Envoyé » nor « Préparé »
    assert "Aucune adresse" not in page.model.cell(0, COLUMNS.index("last_attempt"))  # the stale error went
    page.select(page.model.rows[0].id)
    assert "Erreur" not in page.details.text() and "Exporté le" in page.details.text()
    assert page.message.text().endswith("à remettre au réseau (son portail, un dépôt).")
    assert status_count(window) == 0 and not window.pending_status.isVisible()  # not « à envoyer »
    assert_agree(window)

    window.show_page("dashboard")
    dashboard = window.dashboard_page
    qtbot.waitUntil(lambda: any(item.text.startswith("Lot RPO") for item in dashboard.model.rows), timeout=20_000)
    (line,) = [item.text for item in dashboard.model.rows if item.text.startswith("Lot RPO")]
    assert line.endswith(" : exporté, à remettre au réseau.") and "envoyé" not in line, line


def test_send_now_is_greyed_without_an_address_and_says_why(qtbot: QtBot, practice: Practice,
                                                            receiver: Receiver) -> None:
    issue_october(practice, ("RPO",))
    window = open_window(qtbot, practice, "sync")
    page = window.sync_page
    page.close_button.click()
    assert not page.send_button.isEnabled()
    tip = page.send_button.toolTip()
    assert tip.startswith("Aucun réseau n'a d'adresse de réception") and "Paramètres › Réseaux" in tip, tip
    assert "cocon" not in tip

    set_address(qtbot, page, receiver.url, TOKEN)  # through the page's dialog: a write the page follows
    assert page.send_button.isEnabled()
    assert page.send_button.toolTip() == ("Envoyer maintenant les lots en attente aux réseaux qui ont une adresse "
                                          "de réception : RPO.")
    page.send_button.click()
    assert page.message.text() == "1 lot reçu." and states(page) == ["Reçu"]
    assert page.send_button.isEnabled()
