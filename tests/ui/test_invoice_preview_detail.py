"""« Émettre » on the practitioner's own screen (issue 18, #9): each preview line names the child and the séances'
dates, a double-click (or Entrée) shows its séances, and « Documents émis » has the child and the period; what
leaves for the network is unchanged — the signed PDF keeps to the inclusion number and initials."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.services.invoicing import document_pdf
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.draft_detail_dialog import DraftDetailDialog
from cocon_desktop.ui.pages.invoice_documents_tab import COLUMNS, period_text
from cocon_desktop.ui.pages.invoice_issue_tab import PREVIEW_COLUMNS, days_text
from tests.ui.test_invoicing_page import confirm, filled, issued_page, make_page

__all__ = ["confirm", "filled"]


def test_each_preview_line_names_the_child_and_the_seances_dates(qtbot: QtBot, filled: Practice) -> None:
    tab = make_page(qtbot, filled).issue_tab
    model = tab.table.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == list(PREVIEW_COLUMNS)
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row[:4] == ["NOMRPO0 Prénom", "RPO-2025-0000", "01, 08, 15, 22/10", "4"]


def test_double_click_on_a_line_shows_its_seances(qtbot: QtBot, filled: Practice) -> None:
    tab = make_page(qtbot, filled).issue_tab
    rect = tab.table.visualRect(tab.table.model().index(1, 0))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = tab.detail
    assert isinstance(dialog, DraftDetailDialog) and dialog.isVisible()
    lines = dialog.table.model()
    assert lines.rowCount() == 4
    assert [lines.index(r, 0).data() for r in range(4)] == ["01/10/2026", "08/10/2026", "15/10/2026", "22/10/2026"]
    assert {lines.index(r, 1).data() for r in range(4)} == {"NOMRPO1 Prénom"}
    assert [lines.index(r, 4).data() for r in range(2)] == ["Bilan initial", "Séance"]
    assert dialog.summary.text().startswith("NOMRPO1 Prénom : 4 actes du 01/10/2026 au 31/10/2026")
    dialog.close()
    tab.table.setFocus()
    tab.table.selectRow(2)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Entrée opens it too
    assert tab.detail is not dialog and tab.detail is not None and tab.detail.isVisible()
    assert tab.detail.table.model().index(0, 1).data() == "NOMRPO2 Prénom"
    tab.detail.close()


def test_issued_documents_show_the_child_and_period_and_the_pdf_stays_minimal(qtbot: QtBot, filled: Practice,
                                                                              confirm: None) -> None:
    page = issued_page(qtbot, filled)
    docs = page.documents_tab
    model = docs.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == list(COLUMNS)
    child, period = COLUMNS.index("Enfant"), COLUMNS.index("Période")
    rows = {model.index(r, 0).data(): (model.index(r, child).data(), model.index(r, period).data())
            for r in range(model.rowCount())}
    assert rows["FAC-2026-0001"] == ("NOMRPO0 Prénom", "octobre 2026")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(filled.read(document_pdf, "FAC-2026-0001"))).pages)
    assert "RPO-2025-0000" in text and "P. N." in text  # the inclusion number and the initials
    assert "NOMRPO0" not in text.upper() and "Prénom" not in text


def test_texts_of_days_and_periods() -> None:
    assert days_text((date(2026, 10, 1),)) == "01/10"
    assert days_text((date(2026, 9, 28), date(2026, 10, 5))) == "28/09, 05/10"
    assert period_text(date(2026, 10, 1), date(2026, 10, 31)) == "octobre 2026"
    assert period_text(date(2026, 10, 1), date(2026, 10, 15)) == "01/10 – 15/10/2026"
    assert period_text(None, None) == ""
