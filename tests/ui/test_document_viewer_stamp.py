"""The invoice viewer shows the PAdES stamp: QtPdf leaves form widgets out, so the viewer is given a copy with
the stamp drawn as page content (`with_stamps`); the PDF saved stays the signed one, byte for byte."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QMessageBox

from cocon_desktop.documents.signing import validate
from cocon_desktop.services.invoice_documents import NetworkAddress, set_network_address
from cocon_desktop.services.invoicing import document_pdf
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.signing_identities import all_certificates
from cocon_desktop.ui.dialogs.document_viewer import with_stamps
from cocon_desktop.ui.pages.invoicing_page import InvoicingPage
from cocon_desktop.ui.tasks import SyncRunner
from tests.db.invoice_helpers import TODAY, fill
from tests.ui.refresh_helpers import follow_writes

DPI = 100


def stamp_rect(pdf: bytes) -> tuple[int, list[float], float]:
    """The last page's index, its signature widget's /Rect (points) and the page height."""
    reader = PdfReader(io.BytesIO(pdf))
    index = len(reader.pages) - 1
    page = reader.pages[index]
    rects = [[float(v) for v in a.get_object()["/Rect"]] for a in page.get("/Annots") or []
             if a.get_object().get("/FT") == "/Sig"]
    assert len(rects) == 1
    return index, rects[0], float(page.mediabox.height)


def render(document: QPdfDocument, index: int) -> QImage:
    points = document.pagePointSize(index)
    return document.render(index, QSize(round(points.width() / 72 * DPI), round(points.height() / 72 * DPI)))


def load(pdf: bytes, parent: QPdfDocument | None = None) -> tuple[QPdfDocument, QBuffer]:
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.setData(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    assert document.status() == QPdfDocument.Status.Ready
    return document, buffer


def ink(image: QImage, rect: list[float], height: float) -> int:
    """Pixels painted darker than light grey inside `rect` (PDF points, origin at the bottom left); QtPdf's
    images are transparent where nothing is painted."""
    scale = DPI / 72
    x1, y1, x2, y2 = rect
    count = 0
    for x in range(round(min(x1, x2) * scale) + 1, round(max(x1, x2) * scale) - 1):
        for y in range(round((height - max(y1, y2)) * scale) + 1, round((height - min(y1, y2)) * scale) - 1):
            colour = image.pixelColor(x, y)
            count += colour.alpha() > 128 and min(colour.red(), colour.green(), colour.blue()) < 160
    return count


@pytest.fixture
def issued(practice: Practice, monkeypatch: pytest.MonkeyPatch) -> Practice:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    fill(practice)
    set_network_address(practice.sessions, "RPO", NetworkAddress("10 rue du Réseau", "31000", "Toulouse"))
    return practice


def test_the_viewer_draws_the_signature_stamp(qtbot: QtBot, issued: Practice, tmp_path: Path) -> None:
    runner = SyncRunner()
    page = InvoicingPage(runner, today=lambda: TODAY)
    qtbot.addWidget(page)
    follow_writes(runner, page)  # as in the window: reads when shown, and again after a write
    page.set_practice(issued)
    page.show()
    page.issue_tab.issue_button.click()
    docs = page.documents_tab
    docs.select("FAC-2026-0001")
    docs.view_button.click()
    viewer = docs.viewer
    assert viewer is not None and viewer.pdf_document is not None
    qtbot.waitUntil(viewer.is_ready)
    signed = document_pdf(issued.sessions, "FAC-2026-0001")
    index, rect, height = stamp_rect(signed)
    assert viewer.page_count() == index + 1

    raw, _buffer = load(signed)
    shown_stamp = ink(render(viewer.pdf_document, index), rect, height)
    raw_stamp = ink(render(raw, index), rect, height)
    print(f"stamp region: {shown_stamp} inked pixels shown, {raw_stamp} in the raw PDF's rendering")
    area = abs(rect[2] - rect[0]) * abs(rect[3] - rect[1]) * (DPI / 72) ** 2
    assert raw_stamp == 0  # QtPdf alone leaves the stamp out: the region is blank
    assert shown_stamp > 0.02 * area  # the stamp's frame and text are drawn in the viewer
    viewer.close()

    target = tmp_path / "FAC-2026-0001.pdf"
    docs.save_pdf("FAC-2026-0001", target)
    assert target.read_bytes() == signed  # saved: the signed file, not the copy shown
    check = validate(signed, all_certificates(issued.sessions)[0])
    assert check.ok and check.covers_whole_file


def test_with_stamps_falls_back_to_the_bytes_given() -> None:
    assert with_stamps(b"%PDF-1.7 not really") == b"%PDF-1.7 not really"
