"""An attestation previewed before it is issued, and never issued twice by mistake (issue 18, #10): « Aperçu (sans
numéro) » in the child's dialog and on the page shows the PDF marked « APERÇU — non émise » with no number used;
issuing the same child and period again asks « Déjà émise le … : ATT-… ; réimprimer le duplicata ? »."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.dialogs.attestation_dialog import AttestationDialog
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.dates import CLOCK, TODAY
from tests.ui.test_attestation_preview import LAST_MONTH, child_last_month


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def open_dialog(qtbot: QtBot, practice: Practice, child: int) -> tuple[MainWindow, AttestationDialog]:
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
    return window, dialog


def test_the_childs_dialog_previews_without_a_number_then_asks_before_a_second(qtbot: QtBot,
                                                                                practice: Practice) -> None:
    child = child_last_month(practice)
    _, dialog = open_dialog(qtbot, practice, child)
    year = TODAY.year
    dialog.preview_button.click()
    preview = dialog.preview
    assert preview is not None and preview.isVisible() and "aucun numéro" in preview.note.text()
    assert "APERÇU — non émise" in text_of(preview.pdf) and "(aperçu)" in text_of(preview.pdf)
    assert dialog.table.rowCount() == 0  # nothing issued, no number used
    dialog.issue_button.click()
    assert dialog.status.text().startswith(f"Attestation ATT-{year}-0001 émise")
    assert "APERÇU" not in text_of(dialog.preview.pdf)  # type: ignore[union-attr]

    dialog.issue_button.click()  # the same child and period again
    question = dialog.question
    assert question is not None and question.isVisible()
    assert question.text() == f"Déjà émise le {TODAY:%d/%m/%Y} : ATT-{year}-0001 ; réimprimer le duplicata ?"
    question.defaultButton().click()  # « Réimprimer le duplicata »
    duplicata = dialog.preview
    assert duplicata is not None and "DUPLICATA" in duplicata.note.text()
    assert f"ATT-{year}-0001" in duplicata.note.text()
    assert dialog.table.rowCount() == 1  # still one number

    dialog.issue_button.click()
    assert dialog.question is not None and dialog.question is not question
    next(b for b in dialog.question.buttons() if b.text() == "Émettre une nouvelle attestation").click()
    assert dialog.status.text().startswith(f"Attestation ATT-{year}-0002 émise")  # knowingly, a corrected one
    assert dialog.table.rowCount() == 2


def test_the_page_previews_the_batch_and_leaves_out_those_already_issued(qtbot: QtBot, practice: Practice) -> None:
    child_last_month(practice, "Dupont", "RPO-2025-0001")
    child_last_month(practice, "Martin", "RPO-2025-0002", count=2)
    window = MainWindow(practice, SyncRunner(), clock=CLOCK)
    qtbot.addWidget(window)
    window.show()
    window.show_page("attestations")
    page = window.attestations_page
    page.preview_button.click()
    preview = page.preview
    assert preview is not None and preview.windowTitle().startswith("Aperçu — 2 attestations, non émises")
    words = text_of(preview.pdf)
    assert words.count("APERÇU — non émise") >= 2 and "ATT-" not in words
    assert page.table.rowCount() == 0
    page.batch_button.click()
    assert page.message.text().startswith(f"2 attestations émises : ATT-{TODAY.year}-0001 à ATT-{TODAY.year}-0002")
    page.batch_button.click()  # the same period again: nothing new, no number used
    assert page.message.text().startswith("Rien de nouveau : les 2 attestations de cette période sont déjà émises")
    assert page.table.rowCount() == 2
    page.preview_button.click()
    assert page.message.text().startswith("Aucune attestation à émettre sur cette période")
