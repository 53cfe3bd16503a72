"""Windows that fit an ordinary screen (issue 18, #2 and #12): with the screen's available area limited to
1366×728 (1366×768 less a 40 px taskbar) and to 1280×720, the main window on every page and each dialog open
no larger than the screen, their minimum size fits it, and every visible button and input lies whole inside
the window — or inside a scroll area that lies inside it (reachable by scrolling).

The screen is replaced through `ui.fit.available_area`, the one place that asks QScreen.availableGeometry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QRect
from PySide6.QtGui import QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTextEdit,
    QWidget,
)

from cocon_desktop.security import keychain
from cocon_desktop.services.demo import create_demo
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui import fit
from cocon_desktop.ui.dialogs.attestation_preview import AttestationPreview
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.page_set import NAVIGATION
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF
from tests.dates import CLOCK, TODAY

SCREENS = [(1366, 728), (1280, 720)]
INPUTS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QTextEdit)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Practice]:
    practice = create_demo(tmp_path / "demo", TODAY)  # each window closes its practice when it closes
    yield practice
    practice.close()


@pytest.fixture(params=SCREENS, ids=lambda size: f"{size[0]}x{size[1]}")
def screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> QRect:
    width, height = request.param
    area = QRect(0, 0, width, height)
    monkeypatch.setattr(fit, "available_area", lambda widget=None: QRect(area))
    return area


def _scroll_area_of(widget: QWidget, window: QWidget) -> QAbstractScrollArea | None:
    """The scroll area whose viewport holds `widget` (it is reached by scrolling), if any below the window."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and area.viewport() is parent:
            return area
        parent = parent.parentWidget()
    return None


def misplaced(window: QWidget) -> list[str]:
    """The visible buttons and inputs not whole inside the window (a widget inside a scroll area: its area)."""
    bounds = window.rect()
    wrong = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not widget.isVisible() or widget.window() is not window:
            continue
        if _scroll_area_of(widget, window) is not None:
            continue  # reachable by scrolling; its scroll area is checked instead
        top_left = widget.mapTo(window, widget.rect().topLeft())
        rect = QRect(top_left, widget.size())
        if not bounds.contains(rect):
            wrong.append(f"{type(widget).__name__} {widget.objectName()!r} "
                         f"{getattr(widget, 'text', lambda: '')()!r} at {rect.getRect()} outside {bounds.getRect()}")
    wrong += cut(window)
    for area in window.findChildren(QAbstractScrollArea):
        if area.isVisible() and area.window() is window and _scroll_area_of(area, window) is None:
            rect = QRect(area.mapTo(window, area.rect().topLeft()), area.size())
            if not bounds.contains(rect):
                wrong.append(f"scroll area {area.objectName()!r} at {rect.getRect()} outside {bounds.getRect()}")
    return wrong


def cut(window: QWidget) -> list[str]:
    """Visible labels (not wrapping), buttons and lists narrower than their text needs: their words are cut."""
    wrong = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or not widget.text() or (widget.pixmap() is not None
                                           and not widget.pixmap().isNull())):
            continue
        if not isinstance(widget, QLabel | QAbstractButton | QComboBox):
            continue
        if widget.objectName() == "vault_state":  # the status text ends with the data folder: clipped when long
            continue
        text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
        if isinstance(widget, QCheckBox | QRadioButton) and text:  # the words and the indicator's room
            needed = widget.sizeHint().width()
        elif isinstance(widget, QAbstractButton):  # its text (and icon) must fit; a style's minimum width need not
            if not text:
                continue
            icon = widget.iconSize().width() + 4 if not widget.icon().isNull() else 0
            needed = widget.fontMetrics().horizontalAdvance(text.replace("&", "")) + icon + 8
        else:
            needed = widget.minimumSizeHint().width()
        if widget.width() < needed:
            wrong.append(f"{type(widget).__name__} {widget.objectName()!r} {text!r} cut: {widget.width()} < {needed}")
    return wrong


def assert_fits(window: QWidget, screen: QRect) -> None:
    """The window (its frame included) and its minimum size within the screen; every input inside it."""
    QTest.qWait(30)  # the layouts take what was just shown or loaded
    largest_width = screen.width() - fit.FRAME_WIDTH
    largest_height = screen.height() - fit.FRAME_HEIGHT
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert hint.width() <= largest_width and hint.height() <= largest_height, \
        f"{window.objectName()}: minimum {hint.toTuple()} larger than {largest_width}×{largest_height}"
    assert window.width() <= largest_width and window.height() <= largest_height, \
        f"{window.objectName()}: {window.size().toTuple()} larger than {largest_width}×{largest_height}"
    wrong = misplaced(window)
    assert not wrong, "\n".join(wrong)


def main_window(qtbot: QtBot, practice: Practice) -> MainWindow:
    window = MainWindow(practice, SyncRunner(), demo=True, clock=CLOCK)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_main_window_fits_on_every_page(qtbot: QtBot, demo: Practice, screen: QRect) -> None:
    window = main_window(qtbot, demo)
    window.resize(screen.width() - fit.FRAME_WIDTH, screen.height() - fit.FRAME_HEIGHT)
    from tests.ui.dashboard_helpers import charts_of

    charts_of(window.dashboard_page)  # its texts are all there (the charts load after the lines)
    for key, _ in NAVIGATION:
        window.show_page(key)
        assert_fits(window, screen)
        page = window.page(key)  # its width is the window's: it scrolls vertically only
        viewport = page.parentWidget().parentWidget()
        assert page.minimumSizeHint().width() <= viewport.width(), key
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 - fit.FRAME_WIDTH and hint.height() <= 720 - fit.FRAME_HEIGHT


def test_an_empty_list_does_not_widen_the_window(qtbot: QtBot, demo: Practice, screen: QRect) -> None:
    window = main_window(qtbot, demo)
    page = window.children_page
    window.show_page("children")
    page.search.setText("zzzz-personne")
    page.apply_filters()
    qtbot.waitUntil(lambda: page.count_label.text() == "Aucun enfant ne correspond.")
    page.count_label.setText("Aucun enfant pour l'instant : « Nouvel enfant » pour commencer.")
    qtbot.wait(100)  # the layouts take the new text
    room = screen.width() - fit.FRAME_WIDTH - window.nav.width()
    assert page.minimumSizeHint().width() <= room  # the text wraps: the page needs no horizontal scrolling
    assert_fits(window, screen)


def test_dialogs_fit(qtbot: QtBot, demo: Practice, screen: QRect) -> None:
    window = main_window(qtbot, demo)
    children = window.children_page
    window.show_page("children")
    children.new_child()
    assert children.dialog is not None
    assert_fits(children.dialog, screen)
    children.dialog.reject()

    window.quick_seance()
    assert window.quick_dialog is not None
    assert_fits(window.quick_dialog, screen)
    window.quick_dialog.reject()

    window.show_page("invoicing")
    docs = window.invoicing_page.documents_tab
    window.invoicing_page.tabs.setCurrentWidget(docs)
    QApplication.processEvents()
    unpaid = next(row for row in docs.rows if row.kind == "invoice" and row.remaining > 0)
    docs.select(unpaid.number)
    docs.view_button.click()
    viewer = docs.viewer
    assert viewer is not None
    qtbot.waitUntil(viewer.is_ready)
    assert_fits(viewer, screen)
    pdf = bytes(viewer._bytes.data())
    viewer.close()

    docs.payment_button.click()
    assert docs.payment_dialog is not None
    assert_fits(docs.payment_dialog, screen)
    docs.payment_dialog.reject()

    preview = AttestationPreview(pdf, "Attestation", "ATT.pdf", note="Aperçu", parent=window)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitUntil(preview.is_ready)
    assert_fits(preview, screen)
    preview.close()


def test_prescription_dialog_fits(qtbot: QtBot, demo: Practice, screen: QRect) -> None:
    from cocon_desktop.ui.dialogs.prescription_dialog import PrescriptionDialog

    window = main_window(qtbot, demo)
    window.show_page("children")
    qtbot.waitUntil(lambda: window.children_page.model.child_id(0) is not None)
    child = window.children_page.model.child_id(0)
    assert child is not None
    dialog = PrescriptionDialog(lambda: demo, window.runner, child, "RPO", TODAY.replace(year=TODAY.year - 3),
                                lambda: TODAY, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert_fits(dialog, screen)
    # the forfaits are filled again when the start of validity or the discipline changes: a longer name shows whole
    dialog.forfait.addItem("Forfait de soins précoces de 0 à 24 mois, orthophonie", "long")
    dialog.forfait.setCurrentIndex(dialog.forfait.count() - 1)
    qtbot.wait(50)
    assert_fits(dialog, screen)


def test_first_run_wizard_fits(qtbot: QtBot, data_dir: Path, screen: QRect) -> None:
    wizard = FirstRunWizard(data_dir, SyncRunner(), keychain.status(), FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()
    for page_id in wizard.pageIds():  # each page shown in turn (its fields empty: « Suivant » would refuse)
        wizard.setStartId(page_id)
        wizard.restart()
        assert wizard.currentId() == page_id
        assert_fits(wizard, screen)


def test_the_french_catalogues_keep_the_program_s_own_text(qapp: QApplication) -> None:
    """Qt's French catalogues installed (as app.py does): the program's own texts stay whole, not empty (a
    translator answering "" answers every text with nothing: the whole window's words were gone)."""
    from cocon_desktop.ui.i18n import install_french, tr

    install_french(qapp)
    assert tr("Enfants") == "Enfants"
    assert QApplication.translate("QFileDialog", "&Look in:") == "&Voir dans\u00a0:"  # the fallback still answers


def test_dashboard_lines_wrap_and_charts_are_whole(qtbot: QtBot, demo: Practice, screen: QRect) -> None:
    """« À faire » lines wrap on two lines instead of being cut; each chart's plot (title, keys, axes) is no wider
    than its widget (pyqtgraph drew a long title's plot past the widget's right side, cut)."""
    from tests.ui.dashboard_helpers import charts_of

    window = main_window(qtbot, demo)
    window.resize(screen.width() - fit.FRAME_WIDTH, screen.height() - fit.FRAME_HEIGHT)
    page = window.dashboard_page
    charts_of(page)
    qtbot.wait(50)
    assert page.table.wordWrap()
    assert page.table.verticalHeader().defaultSectionSize() >= 2 * page.table.fontMetrics().lineSpacing()
    for chart in (page.network_chart, page.seances_chart, page.amounts_chart):
        plot = chart.plot
        assert plot is not None
        drawn = plot.getPlotItem().geometry().width()
        assert drawn <= plot.viewport().width() + 1, f"{chart.objectName()}: {drawn} > {plot.viewport().width()}"


def test_the_file_menu_shows_one_arrow(qtbot: QtBot, demo: Practice) -> None:
    """« Dossier » is a tool button with a menu: Qt draws its arrow; the text had a second one (« Dossier ▾ »)."""
    from PySide6.QtWidgets import QToolButton

    from cocon_desktop.ui.pages.child_privacy import ChildPrivacyBar

    bar = ChildPrivacyBar(lambda: demo, SyncRunner(), lambda: TODAY)
    qtbot.addWidget(bar)
    assert bar.menu_button.popupMode() == QToolButton.ToolButtonPopupMode.InstantPopup
    assert bar.menu_button.text() == "Dossier"


def test_a_14_pt_font_still_fits(qtbot: QtBot, demo: Practice, screen: QRect, qapp: QApplication) -> None:
    """The system font at 14 pt: the window's minimum still fits the screen (the demo banner wraps)."""
    font = qapp.font()
    large = QFont(font)
    large.setPointSize(14)
    qapp.setFont(large)
    try:
        window = main_window(qtbot, demo)
        for key, _ in NAVIGATION:
            window.show_page(key)
            QTest.qWait(30)
            hint = window.minimumSizeHint()
            assert hint.width() <= screen.width() - fit.FRAME_WIDTH, (key, hint.toTuple())
            assert hint.height() <= screen.height() - fit.FRAME_HEIGHT, (key, hint.toTuple())
    finally:
        qapp.setFont(font)


def test_appointment_dialog_fits_with_its_weekly_series(qtbot: QtBot, demo: Practice, screen: QRect) -> None:
    from cocon_desktop.ui.dialogs.appointment_dialog import AppointmentDialog

    window = main_window(qtbot, demo)
    dialog = AppointmentDialog(lambda: demo, window.runner, lambda: TODAY, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.repeat.setChecked(True)  # « Répéter chaque semaine pendant », its weeks and « Inclure les jours fériés »
    assert_fits(dialog, screen)
    assert cut(dialog) == []
