"""Every interactive widget has an accessible name (what Orca or NVDA reads), on every page and tab of the main window,
in a child's file and in the dialogs a therapist opens; every field's label takes it with Alt+letter."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QTabWidget, QWidget, QWizard

from cocon_desktop.security import keychain
from cocon_desktop.services.payments import InvoiceStatus
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.accessibility import accessible_name, interactive_widgets, unnamed_widgets
from cocon_desktop.ui.dialogs.attestation_preview import AttestationPreview
from cocon_desktop.ui.dialogs.credit_note_dialog import CreditNoteDialog
from cocon_desktop.ui.dialogs.endpoint_dialog import EndpointDialog
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.dialogs.import_children_dialog import ImportChildrenDialog
from cocon_desktop.ui.dialogs.payment_dialog import PaymentDialog
from cocon_desktop.ui.dialogs.prescriber_dialog import PrescriberDialog
from cocon_desktop.ui.dialogs.restore_dialog import RestoreDialog
from cocon_desktop.ui.dialogs.unlock_window import UnlockWindow
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF
from tests.dates import CLOCK
from tests.ui.child_helpers import make_child, small_pdf


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parentWidget()).__name__}"


def _open_dialog(qtbot: QtBot, before: set[int]) -> QDialog:
    dialogs: list[QDialog] = []

    def appeared() -> bool:
        dialogs[:] = [w for w in QApplication.topLevelWidgets()
                      if isinstance(w, QDialog) and w.isVisible() and id(w) not in before]
        return bool(dialogs)

    qtbot.waitUntil(appeared)
    return dialogs[0]


def _visible_dialogs() -> set[int]:
    return {id(w) for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()}


def window_views(qtbot: QtBot, window: MainWindow, child_id: int) -> Iterator[tuple[str, QWidget]]:
    """Each page and each of its tabs on screen, a child's file and its tabs, the dialogs opened from the window,
    then the lock screen: (where, the widget to walk)."""
    for key in window.page_keys:
        window.show_page(key)
        page = window.page(key)
        yield key, window
        for tabs in page.findChildren(QTabWidget):
            if not tabs.isVisible():
                continue
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                yield f"{key} › {tabs.tabText(index)}", window
    window.show_page("children")
    window.children_page.open_child(child_id)
    file = window.children_page.file
    qtbot.waitUntil(lambda: file.current_child() is not None)
    for index in range(file.tabs.count()):
        file.tabs.setCurrentIndex(index)
        yield f"dossier › {file.tabs.tabText(index)}", window
    openers = {
        "fiche enfant (Ctrl+N)": lambda: qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
        "saisie rapide (Ctrl+Maj+S)": lambda: qtbot.keyClick(
            window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
        "à propos (F1)": lambda: qtbot.keyClick(window, Qt.Key.Key_F1),
        "prescription": file.new_prescription,
        "attestation": file.open_attestations,
        "rendez-vous": window.seances_page.agenda.new_appointment,
    }
    for where, open_it in openers.items():
        if where == "prescription" or where == "attestation":
            window.show_page("children")
            window.children_page.open_child(child_id)
        before = _visible_dialogs()
        open_it()
        dialog = _open_dialog(qtbot, before)
        yield where, dialog
        dialog.reject()
    window.lock()
    yield "verrouillé", window


@pytest.fixture
def desk(qtbot: QtBot, practice: Practice) -> Iterator[tuple[MainWindow, int]]:
    child_id = make_child(practice)
    window = MainWindow(practice, SyncRunner(), clock=CLOCK)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.page_set.all_built)
    yield window, child_id
    window.close()


def survey(views: Iterator[tuple[str, QWidget]],
           lacking: Callable[[QWidget], list[QWidget]] = unnamed_widgets) -> dict[str, list[str]]:
    """Where → the interactive widgets without a name (or lacking what `lacking` looks for), each counted once."""
    seen: set[int] = set()
    found: dict[str, list[str]] = {}
    for where, root in views:
        for widget in lacking(root):
            if id(widget) not in seen:
                seen.add(id(widget))
                found.setdefault(where, []).append(describe(widget))
    return found


def test_every_interactive_widget_of_the_window_has_a_name(qtbot: QtBot, desk: tuple[MainWindow, int]) -> None:
    window, child_id = desk
    unnamed = survey(window_views(qtbot, window, child_id))
    assert unnamed == {}, f"{sum(map(len, unnamed.values()))} unnamed: {unnamed}"


def test_the_first_run_and_opening_dialogs_name_every_field(qtbot: QtBot, data_dir: Path, practice: Practice,
                                                             tmp_path: Path) -> None:
    wizard = FirstRunWizard(tmp_path / "nouveau", SyncRunner(), keychain.status(), FAST_KDF)
    qtbot.addWidget(wizard)
    wizard.show()

    def wizard_pages() -> Iterator[tuple[str, QWidget]]:
        for page_id in wizard.pageIds():
            page = wizard.page(page_id)
            for widget in page.findChildren(QWidget):  # every page, not only the one on screen
                widget.setVisible(widget.isVisibleTo(page))
            page.show()
            yield f"assistant › {page.title()}", page
            page.hide()

    status = InvoiceStatus(1, "FAC-2026-0001", "invoice", CLOCK.today(), CLOCK.today(), "RPO", Decimal("120.00"),
                           Decimal(0), Decimal(0), "unpaid")
    pdf = small_pdf(tmp_path / "attestation.pdf").read_bytes()
    others: list[QDialog] = [UnlockWindow(data_dir, SyncRunner()), RestoreDialog(tmp_path / "r", SyncRunner()),
                             ImportChildrenDialog(lambda: practice, SyncRunner(), CLOCK.today),
                             PrescriberDialog(lambda: practice, SyncRunner()),
                             PaymentDialog(status, lambda: practice, SyncRunner(), CLOCK.today),
                             CreditNoteDialog("FAC-2026-0001", []),
                             EndpointDialog("RPO", lambda: practice, SyncRunner()),
                             AttestationPreview(pdf, "Attestation", "ATT.pdf", note="Aperçu")]

    def dialogs() -> Iterator[tuple[str, QWidget]]:
        for dialog in others:
            qtbot.addWidget(dialog)
            dialog.show()
            yield dialog.windowTitle(), dialog
            dialog.hide()

    unnamed = survey(wizard_pages()) | survey(dialogs())
    assert unnamed == {}, f"{sum(map(len, unnamed.values()))} unnamed: {unnamed}"
    mouse = survey(wizard_pages(), mouse_only) | survey(dialogs(), mouse_only)
    assert mouse == {}, mouse
    assert wizard.button(QWizard.WizardButton.NextButton) in interactive_widgets(wizard)


def _focus_target(widget: QWidget) -> QWidget:
    while widget.focusProxy() is not None:
        widget = widget.focusProxy()
    return widget


def test_a_form_label_names_its_field_and_its_mnemonic_can_reach_it(qtbot: QtBot,
                                                                     desk: tuple[MainWindow, int]) -> None:
    """A label's Alt+letter gives the focus to its buddy's focus proxy: a FieldBox hands it to its editor."""
    window, _ = desk
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _open_dialog(qtbot, set())
    fields = [w for w in interactive_widgets(dialog) if isinstance(w, QLineEdit)]
    assert fields
    for field in fields:
        assert accessible_name(field) and not accessible_name(field).endswith(":"), describe(field)
    labels = [label for label in dialog.findChildren(QLabel) if label.buddy() is not None and label.isVisible()]
    assert len(labels) >= 10
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for label in labels:
        target = _focus_target(label.buddy())
        assert target.focusPolicy() != Qt.FocusPolicy.NoFocus, (label.text(), describe(target))
        target.setFocus()
        assert target.hasFocus(), label.text()
    dialog.reject()


KEY_HINT = re.compile(r"\((?:[^()]*\+[^()]*|[A-Z]|Échap|Entrée|F\d+)\)")  # « Présent (P) », « Jour suivant (Alt+→) »


def mouse_only(root: QWidget) -> list[QWidget]:
    """Visible, enabled controls that Tab never reaches and that say no key of their own."""
    found = []
    for widget in interactive_widgets(root):
        if not widget.isEnabled() or widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if widget.focusProxy() is not None:
            continue
        said = " ".join(t for t in (getattr(widget, "text", lambda: "")(), widget.toolTip()) if isinstance(t, str))
        if not KEY_HINT.search(said):
            found.append(widget)
    return found


def test_every_control_of_the_window_has_a_tab_path_or_its_own_key(qtbot: QtBot, desk: tuple[MainWindow, int]) -> None:
    window, child_id = desk
    seen: set[int] = set()
    found: dict[str, list[str]] = {}
    for where, root in window_views(qtbot, window, child_id):
        for widget in mouse_only(root):
            if id(widget) not in seen:
                seen.add(id(widget))
                found.setdefault(where, []).append(describe(widget) + f" {widget.toolTip()!r}")
    assert found == {}, found


def test_tab_leaves_a_list_and_ctrl_tab_changes_tab(qtbot: QtBot, desk: tuple[MainWindow, int]) -> None:
    """A QTableView moves from cell to cell with Tab and Ctrl+Tab: from « Aujourd'hui »'s list the keyboard could
    neither reach the day's séances nor the Agenda tab."""
    window, _ = desk
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.seances_page
    today = page.today_view
    today.table.setFocus()
    qtbot.keyClick(today.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not today.table, "Tab leaves the list"
    today.table.setFocus()
    qtbot.keyClick(today.table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentWidget() is page.agenda, "Ctrl+Tab: the next tab"
    page.tabs.setCurrentWidget(today)
    reached = set()
    today.table.setFocus()
    for _ in range(12):  # Tab goes round the page, the day's séances included
        focused = QApplication.focusWidget()
        assert focused is not None
        reached.add(focused.objectName())
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert "day_seances" in reached, reached
