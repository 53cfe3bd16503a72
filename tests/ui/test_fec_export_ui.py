"""« Enregistrer le FEC… » in the dashboard's « Exports comptables »: the folder chosen, the FEC of the year written
there under its legal name (read back by tests/db/fec_reader.py), the line below saying where; a folder that cannot
be written said in French, nothing written (issue 20, #1)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.clock import FixedClock
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from cocon_desktop.ui.widgets.exports_box import ExportsBox, combo_index
from tests.conftest import PROFILE
from tests.db.fec_reader import CASH_BASIS, read_fec
from tests.db.invoice_helpers import TODAY
from tests.ui.dashboard_helpers import dashboard_data


@pytest.fixture
def box(qtbot: QtBot, practice: Practice) -> ExportsBox:
    dashboard_data(practice)  # one payment of 218,00 on 20/11/2026 (RPM)
    window = MainWindow(practice, SyncRunner(), clock=FixedClock(TODAY))
    qtbot.addWidget(window)
    window.show()
    exports: ExportsBox = window.dashboard_page.exports
    exports.year.setCurrentIndex(combo_index(exports.year, 2026))
    return exports


def test_the_fec_button_writes_the_years_fec_in_the_folder_chosen(qtbot: QtBot, box: ExportsBox,
                                                                  tmp_path: Path) -> None:
    asked: list[Any] = []
    box.folder_chooser = lambda title: asked.append(title) or tmp_path
    assert box.journal_fec.text() == "Enregistrer le FEC…" and box.journal_fec.isVisible()
    qtbot.mouseClick(box.journal_fec, Qt.MouseButton.LeftButton)
    name = f"{PROFILE.siret[:9]}FEC20261231.txt"
    fec = read_fec(name, (tmp_path / name).read_bytes(), date(2026, 1, 1))
    assert fec.fields == CASH_BASIS and [r["Debit"] for r in fec.records] == ["218,00", "0,00"]
    assert fec.records[0]["IdClient"] == "RPM" and fec.records[0]["DateRglt"] == "20261120"
    assert asked == ["Dossier où enregistrer le FEC 2026"]
    assert box.message.text() == f"FEC 2026 (1 écriture) enregistré dans {tmp_path / name}."
    assert box.journal_fec.isEnabled()


def test_a_fec_that_cannot_be_written_says_so(qtbot: QtBot, box: ExportsBox, tmp_path: Path) -> None:
    box.folder_chooser = lambda title: tmp_path / "absent"
    qtbot.mouseClick(box.journal_fec, Qt.MouseButton.LeftButton)
    assert not (tmp_path / "absent").exists()
    assert box.message.text().startswith("Le fichier n'a pas été écrit")
    box.folder_chooser = lambda title: None  # cancelled: nothing done, nothing said
    box.say("")
    qtbot.mouseClick(box.journal_fec, Qt.MouseButton.LeftButton)
    assert box.message.text() == "" and box.journal_fec.isEnabled()
