"""Attestations in the program: the preview (QtPdf, from memory) printed to a PDF file through QPrinter, the
child's dialog (issue, preview, duplicata), the page's batch (progress, cancel, one file or one per child) and
the signature image in Paramètres — on a real encrypted practice, SyncRunner."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from PySide6.QtPrintSupport import QPrinter

from cocon_desktop.documents.pdf_page import PAGE_HEIGHT, PAGE_WIDTH, SIGNATURE_BOX
from cocon_desktop.domain.attestation import Period
from cocon_desktop.services import attestations
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.attestation_preview import AttestationPreview
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from cocon_desktop.ui.widgets.signature_image_box import SignatureImageBox
from tests.dates import CLOCK, TODAY
from tests.db.attestation_helpers import make_child, signature_png

LAST_MONTH_END = TODAY.replace(day=1) - timedelta(days=1)
LAST_MONTH = Period(LAST_MONTH_END.replace(day=1), LAST_MONTH_END)


def child_last_month(practice: Practice, last: str = "Dupont", inclusion: str = "RPO-2025-0001",
                     count: int = 3) -> int:
    """A child (about 13 months old) with `count` séances last month, the first one its bilan."""
    days = [LAST_MONTH.first + timedelta(days=7 * n) for n in range(count)]
    return make_child(practice, last, "Léa", inclusion, days, today=TODAY, birth=TODAY - timedelta(days=400),
                      valid=(LAST_MONTH.first - timedelta(days=20), TODAY + timedelta(days=200)))


def printed_pages(path: Path) -> list[int]:
    """Images on each page of the file the printer wrote (each printed page is one rendered image)."""
    return [len(page.images) for page in PdfReader(path).pages]


def stamp_is_printed(path: Path) -> bool:
    """The PAdES stamp's box (bottom right of the last page, see pdf_page.SIGNATURE_BOX) holds ink."""
    image = PdfReader(path).pages[-1].images[0].image.convert("L")
    width, height = image.size
    x1, y1, x2, y2 = SIGNATURE_BOX
    box = image.crop((round(width * x1 / PAGE_WIDTH), round(height * (1 - y2 / PAGE_HEIGHT)),
                      round(width * x2 / PAGE_WIDTH), round(height * (1 - y1 / PAGE_HEIGHT))))
    return min(box.getextrema()) < 128


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_preview_loads_from_memory_and_prints_every_page_to_a_file(qtbot: QtBot, practice: Practice,
                                                                     tmp_path: Path) -> None:
    child = child_last_month(practice, count=3)
    pdf = attestations.issue(practice.sessions, child, "seances", LAST_MONTH, TODAY).pdf
    preview = AttestationPreview(pdf, "Attestation", "ATT.pdf")
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitUntil(preview.is_ready)
    assert preview.page_count() == 1 and preview.pages_label.text() == "1 page"
    assert preview.print_button.isEnabled() and preview.save_button.isEnabled()
    out = tmp_path / "imprime.pdf"
    assert preview.print_to(pdf_printer(out)) == 1
    assert printed_pages(out) == [1]
    assert stamp_is_printed(out)  # QtPdf leaves signature widgets out: the preview draws them in the page
    assert preview.status.text() == "1 page envoyée à l'impression."
    preview.save_to(tmp_path / "copie.pdf")
    assert (tmp_path / "copie.pdf").read_bytes() == pdf and "Enregistré dans" in preview.status.text()


def test_child_dialog_issues_previews_and_reprints_a_duplicata(qtbot: QtBot, practice: Practice,
                                                               tmp_path: Path) -> None:
    child = child_last_month(practice)
    window = MainWindow(practice, SyncRunner(), clock=CLOCK)
    qtbot.addWidget(window)
    window.show()
    window.show_page("children")
    window.children_page.open_child(child)
    file = window.children_page.file
    qtbot.waitUntil(lambda: file.current_child() is not None)
    file.attestations_button.click()
    dialog = file.attestation_dialog
    assert dialog is not None and dialog.picker.period() == LAST_MONTH
    dialog.pin_asker = lambda _: pytest.fail("a key held in the database needs no PIN")
    dialog.issue_button.click()
    assert dialog.status.text().startswith(f"Attestation ATT-{TODAY.year}-0001 émise (électronique)")
    preview = dialog.preview
    assert preview is not None and preview.isVisible() and not preview.note.isVisible()
    qtbot.waitUntil(preview.is_ready)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "Attestation de séances"

    dialog.picker.set_kind("annuelle")
    assert not dialog.picker.first.isVisible() and dialog.picker.year.isVisible()
    dialog.picker.year.setCurrentIndex(dialog.picker.year.findData(LAST_MONTH.first.year))
    dialog.issue_button.click()
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 2).text() == "Attestation annuelle"

    dialog.table.selectRow(1)
    dialog.duplicata_button.click()
    duplicata = dialog.preview
    assert duplicata is not None and duplicata is not preview and "DUPLICATA" in duplicata.note.text()
    qtbot.waitUntil(duplicata.is_ready)
    assert duplicata.pdf.startswith(attestations.original_pdf(practice.sessions, f"ATT-{TODAY.year}-0001"))
    out = tmp_path / "duplicata-imprime.pdf"
    assert duplicata.print_to(pdf_printer(out)) == duplicata.page_count() == len(printed_pages(out))

    dialog.picker.set_kind("seances")
    dialog.picker.first.setCurrentIndex(5)
    dialog.picker.last.setCurrentIndex(5)
    dialog.issue_button.click()  # nothing in that month: said at the dialog, nothing numbered
    assert "Aucune séance à attester" in dialog.status.text() and dialog.table.rowCount() == 2


def test_batch_cancel_then_one_file_to_print_then_one_per_child(qtbot: QtBot, practice: Practice,
                                                                 tmp_path: Path) -> None:
    child_last_month(practice, "Dupont", "RPO-2025-0001")
    child_last_month(practice, "Martin", "RPO-2025-0002", count=2)
    window = MainWindow(practice, SyncRunner(), clock=CLOCK)
    qtbot.addWidget(window)
    window.show()
    window.show_page("attestations")
    page = window.attestations_page
    assert page.picker.period() == LAST_MONTH and page.combined.isChecked()

    def cancel_at_once(done: int, total: int) -> None:
        assert page.progress.isVisible() and page.progress.cancel_button.isVisible()
        assert not page.batch_button.isEnabled()
        page.progress.cancel_button.click()

    page.progress.relay.progressed.connect(cancel_at_once)
    page.batch_button.click()
    page.progress.relay.progressed.disconnect(cancel_at_once)
    assert page.message.text().startswith("Arrêté : 0 attestation émise sur 2")
    assert not page.progress.isVisible() and page.batch_button.isEnabled() and page.table.rowCount() == 0

    page.batch_button.click()
    assert page.message.text().startswith(f"2 attestations émises : ATT-{TODAY.year}-0001 à ATT-{TODAY.year}-0002")
    assert page.table.rowCount() == 2 and page.table.item(0, 2).text() == "MARTIN Léa"
    preview = page.preview
    assert preview is not None and preview.file_name == f"attestations-{LAST_MONTH.first:%Y-%m}.pdf"
    qtbot.waitUntil(preview.is_ready)
    assert preview.page_count() == 2
    out = tmp_path / "lot.pdf"
    assert preview.print_to(pdf_printer(out)) == 2 and printed_pages(out) == [1, 1]

    page.per_child.setChecked(True)
    page.folder_chooser = lambda: tmp_path
    page.picker.set_kind("prise_en_charge")  # the month's séances are attested: another kind, other numbers
    page.batch_button.click()
    written = sorted(p.name for p in tmp_path.glob("ATT-*.pdf"))
    assert written == [f"ATT-{TODAY.year}-0003_RPO-2025-0001.pdf", f"ATT-{TODAY.year}-0004_RPO-2025-0002.pdf"]
    assert "2 fichiers PDF écrits" in page.message.text()
    assert len(PdfReader(io.BytesIO((tmp_path / written[0]).read_bytes())).pages) == 1

    page.table.selectRow(0)
    page.duplicata_button.click()
    assert page.preview is not None and page.preview.windowTitle() == f"Duplicata — ATT-{TODAY.year}-0004"


def test_signature_image_in_settings(qtbot: QtBot, practice: Practice, tmp_path: Path) -> None:
    box = SignatureImageBox(SyncRunner())
    qtbot.addWidget(box)
    box.set_practice(practice)
    assert box.preview.text() == "Aucune image"
    (tmp_path / "scan.gif").write_bytes(b"GIF89a")
    box.import_file(tmp_path / "scan.gif")
    assert box.status.text() == "Ce fichier n'est pas une image PNG ou JPEG lisible."
    (tmp_path / "signature.png").write_bytes(signature_png())
    box.import_file(tmp_path / "signature.png")
    assert box.preview.pixmap() is not None and not box.preview.pixmap().isNull()
    assert box.status.text().startswith("Image enregistrée")
    child = child_last_month(practice)
    result = attestations.issue(practice.sessions, child, "seances", LAST_MONTH, TODAY)
    assert result.attestation.signature_image
