"""The desk-month acceptance test (issue 18): a therapist's month on an ordinary laptop (1366×768 less a 40 px
taskbar: 1366×728), in the real MainWindow on a real SQLCipher practice made by the first-run wizard.

wizard → two children (one born at 30 SA: its corrected age shown) → prescriptions (one edited) → a month of séances
by « Aujourd'hui » (P / A then E) and by the quick entry (Ctrl+Maj+S) → the agenda → the invoice run → the batch
exported → an attestation (preview, then issued) → the dashboard → Ctrl+L and unlock; by keyboard where a
therapist would. At each step: every visible button lies inside the screen, no error dialog is shown, a screenshot is
saved (into $COCON_DESK_SHOTS, else the test's temporary folder; with COCON_DESK_SCREEN=1 under Xvfb, the whole
screen too). Every shortcut the README lists is pressed once at least, and does what it says."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QWidget,
    QWizard,
)

from cocon_desktop.app import AppController
from cocon_desktop.clock import FixedClock
from cocon_desktop.ui import fit
from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.pages.child_file import ChildFile
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.dates import clock

SCREEN = QRect(0, 0, 1366, 728)  # 1366×768, the commonest French laptop, less Windows' taskbar
README = Path(__file__).resolve().parents[2] / "README.md"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
FIRST_DAY = date(2026, 10, 1)  # the practice is created on 1 October; the month is October 2026


def readme_shortcuts() -> set[str]:
    """The shortcuts of README's « Raccourcis : » paragraph, « Ctrl+1…7 » spelled out, « Maj » as Shift."""
    text = README.read_text(encoding="utf-8")
    paragraph = text[text.index("Raccourcis :"):].split("\n\n")[0]
    found: set[str] = set()
    for keys in re.findall(r"(?:Ctrl\+)(?:Maj\+)?(?:\d…\d|[A-Z0-9])|F1", paragraph):
        keys = keys.replace("Maj+", "Shift+")
        if "…" in keys:
            first, last = keys[-3], keys[-1]
            found |= {f"Ctrl+{n}" for n in range(int(first), int(last) + 1)}
        else:
            found.add(keys)
    return found


class Desk:
    """The window, the keys pressed, the checks and the screenshot of each step."""

    def __init__(self, qtbot: QtBot, shots: Path) -> None:
        self.qtbot, self.shots = qtbot, shots
        self.window: MainWindow | None = None
        self.pressed: set[str] = set()
        self.step = 0

    @property
    def main(self) -> MainWindow:
        assert self.window is not None
        return self.window

    def press(self, target: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
              name: str = "") -> None:
        if name:
            self.pressed.add(name)
        self.qtbot.keyClick(target, key, modifiers)

    def activate(self, window: QWidget | None = None) -> None:
        """The window back in front (a window manager gives it the focus when its dialog closes)."""
        window = window if window is not None else self.main
        window.activateWindow()
        self.qtbot.waitUntil(window.isActiveWindow)

    def type(self, editor: QLineEdit, text: str) -> None:
        editor.setFocus()
        editor.selectAll()
        self.qtbot.keyClicks(editor, text)

    def check(self, name: str, shown: QWidget | None = None) -> None:
        """Every visible button inside the screen, no error box; the screenshot of `shown` (else the window)."""
        QApplication.processEvents()
        self.step += 1
        if os.environ.get("COCON_DESK_SCREEN") and self.window is not None:
            self.window.move(0, 0)  # openbox moves a window down a little after its dialogs: back to the top
            QApplication.processEvents()
        target = shown if shown is not None else self.window
        if target is not None:
            target.grab().save(str(self.shots / f"desk-{self.step:02d}-{name}.png"))
        if os.environ.get("COCON_DESK_SCREEN"):  # under Xvfb: the whole 1366×768 screen, window manager included
            screen = QApplication.primaryScreen()
            screen.grabWindow(0).save(str(self.shots / f"screen-{self.step:02d}-{name}.png"))
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        errors = [w for w in windows if isinstance(w, QMessageBox) and w.icon() == QMessageBox.Icon.Critical]
        assert not errors, f"{name}: {[e.text() for e in errors]}"
        outside = []
        for window in windows:
            for button in window.findChildren(QAbstractButton):
                if not button.isVisible() or button.width() == 0:
                    continue
                rect = QRect(button.mapToGlobal(button.rect().topLeft()), button.size())
                if not SCREEN.contains(rect):
                    outside.append(f"{button.text() or button.objectName()!r} at {rect.getRect()}")
        assert not outside, f"{name}: buttons off the {SCREEN.width()}×{SCREEN.height()} screen: {outside}"

    def dialog(self, kind: type[QDialog] = QDialog) -> QDialog:
        """The dialog just opened (the newest visible one)."""
        found: list[QDialog] = []

        def shown() -> bool:
            found[:] = [w for w in QApplication.topLevelWidgets()
                        if isinstance(w, kind) and w.isVisible() and not isinstance(w, QMessageBox)]
            return bool(found)

        self.qtbot.waitUntil(shown)
        return found[-1]


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ["COCON_DESK_SHOTS"]) if os.environ.get("COCON_DESK_SHOTS") else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def turn_to(today: FixedClock, day: date) -> None:
    """The next working day: the clock's day and its moment (noon UTC), as a program opened that morning."""
    today.day = day
    today.at = datetime.combine(day, time(12, 0), tzinfo=UTC)


def place(widget: QWidget, *, fill: bool = False) -> None:
    """Where a window manager puts a window on the 1366×728 desk: at the top left, its frame (title bar, borders:
    none off screen) at most the screen's size; `fill`: the whole desk, as a maximised window."""
    widget.move(0, 0)
    QApplication.processEvents()
    frame = widget.frameGeometry().size() - widget.size()
    most_width, most_height = SCREEN.width() - frame.width(), SCREEN.height() - frame.height()
    if fill:
        widget.resize(most_width, most_height)
    else:
        widget.resize(min(widget.width(), most_width), min(widget.height(), most_height))
    QApplication.processEvents()


def run_wizard(desk: Desk, data_dir: Path, today: object) -> MainWindow:
    controller = AppController(data_dir, SyncRunner(), kdf=FAST_KDF, clock=today)  # type: ignore[arg-type]
    wizard = controller.start()
    assert isinstance(wizard, FirstRunWizard)
    desk.qtbot.addWidget(wizard)
    place(wizard)
    wizard.show()
    desk.check("assistant-bienvenue", wizard)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    next_button.click()
    for page in (wizard.identity_page, wizard.contact_page):
        for name, editor in page.form.editors.items():
            if isinstance(editor, QLineEdit):
                desk.type(editor, getattr(PROFILE, name).replace("é", "e"))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(editor.findData(getattr(PROFILE, name)))
        desk.check(f"assistant-{'identite' if page is wizard.identity_page else 'coordonnees'}", wizard)
        desk.press(wizard.focusWidget() or wizard, Qt.Key.Key_Return)  # Entrée: « Suivant »
    edits = getattr(wizard.currentPage(), "edits", {})
    if "street" in edits:  # the network's postal address, on the invoices (issue 18, #6)
        for name, text in (("street", "12 rue du Reseau"), ("postcode", "31000"), ("city", "Toulouse")):
            desk.type(edits[name], text)
        desk.check("assistant-reseau", wizard)
        desk.press(edits["city"], Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.passphrase_page
    desk.type(wizard.passphrase_page.first, STRONG_PASSPHRASE)
    desk.type(wizard.passphrase_page.second, STRONG_PASSPHRASE)
    desk.check("assistant-phrase", wizard)
    desk.press(wizard.passphrase_page.second, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.recovery_page
    wizard.recovery_page.confirm.setFocus()
    desk.press(wizard.recovery_page.confirm, Qt.Key.Key_Space)  # « j'ai noté la clé »
    desk.check("assistant-cle", wizard)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isEnabled()
    finish.click()
    desk.qtbot.waitUntil(lambda: controller.main_window is not None, timeout=10000)
    window = controller.main_window
    assert isinstance(window, MainWindow)
    desk.qtbot.addWidget(window)
    return window


CHILDREN = (  # (last name, first name, birth, weeks of amenorrhoea, weight, inclusion number, guardian's first name)
    ("Martin", "Lou", date(2026, 5, 4), 30, "1350", "0001", "Claire"),
    ("Bernard", "Noah", date(2025, 9, 12), 38, "2900", "0002", "Julie"),
)


def add_child(desk: Desk, child: tuple[str, str, date, int, str, str, str]) -> int:
    """Ctrl+N, the form typed in, Entrée: the child's file opens."""
    last, first, birth, weeks, weight, number, parent = child
    window = desk.main
    desk.activate()
    desk.press(window, Qt.Key.Key_N, CTRL, "Ctrl+N")
    dialog = window.children_page.dialog
    assert dialog is not None and dialog.isVisible()
    place_dialog(dialog)
    assert dialog.focusWidget() is dialog.editors["last_name"], "Ctrl+N: typing starts in « Nom »"
    desk.qtbot.keyClicks(dialog.editors["last_name"], last)
    desk.type(dialog.editors["first_name"], first)  # type: ignore[arg-type]
    desk.type(dialog.editors["birth_date"].line, birth.strftime("%d/%m/%Y"))  # type: ignore[union-attr]
    sex = dialog.editors["sex"]
    assert isinstance(sex, QComboBox)
    sex.setCurrentIndex(sex.findData("F" if first == "Lou" else "M"))
    desk.type(dialog.weeks, str(weeks))
    desk.type(dialog.weight, weight)
    desk.type(dialog.editors["inclusion_number"], f"{PROFILE.network}-2026-{number}")  # type: ignore[arg-type]
    network = dialog.editors["network"]
    assert isinstance(network, QComboBox)
    network.setCurrentIndex(network.findData(PROFILE.network))
    dialog.guardians.add_button.click()
    card = dialog.guardians.cards[0]
    desk.type(card.lines["last_name"], last)
    desk.type(card.lines["first_name"], parent)
    desk.type(card.lines["email"], f"{parent.lower()}@example.org")
    desk.check(f"enfant-{first.lower()}", dialog)
    desk.press(card.lines["email"], Qt.Key.Key_Return)  # Entrée saves
    assert not dialog.isVisible(), dialog.status.text()
    file = window.children_page.file
    desk.qtbot.waitUntil(lambda: file.current_child() is not None and file.current_child().first_name == first)
    child = file.current_child()
    assert child is not None
    corrected = "âge corrigé" in file.subtitle.text()
    assert corrected == (weeks < 37), file.subtitle.text()  # born at 30 SA: its corrected age is shown
    desk.check(f"dossier-{first.lower()}")
    return child.id


def open_file(desk: Desk, child_id: int, tab: str) -> ChildFile:
    window = desk.main
    window.show_page("children")
    window.children_page.open_child(child_id)
    file = window.children_page.file
    desk.qtbot.waitUntil(lambda: file.current_child() is not None and file.current_child().id == child_id)
    titles = [file.tabs.tabText(i) for i in range(file.tabs.count())]
    file.tabs.setCurrentIndex(next(i for i, t in enumerate(titles) if t.startswith(tab)))
    return file


def add_prescription(desk: Desk, child_id: int, until: date) -> None:
    file = open_file(desk, child_id, "Prescriptions")
    file.new_prescription_button.setFocus()
    desk.press(file.new_prescription_button, Qt.Key.Key_Space)
    dialog = file.prescription_dialog
    assert dialog is not None and dialog.isVisible()
    place_dialog(dialog)
    desk.type(dialog.valid_from.line, "15/09/2026")
    desk.type(dialog.valid_until.line, until.strftime("%d/%m/%Y"))
    desk.check(f"prescription-{child_id}", dialog)
    desk.press(dialog.valid_until.line, Qt.Key.Key_Return)
    assert not dialog.isVisible(), dialog.status.text()
    desk.qtbot.waitUntil(lambda: len(file.cards) == 1)
    desk.check(f"forfait-{child_id}")


def edit_prescription(desk: Desk, child_id: int, sessions: int) -> None:
    """Before its first séance every term of a prescription may change (issue 18, #3)."""
    file = open_file(desk, child_id, "Prescriptions")
    [card] = file.cards
    card.edit_button.setFocus()
    desk.press(card.edit_button, Qt.Key.Key_Space)
    dialog = file.prescription_dialog
    assert dialog is not None and dialog.isVisible() and dialog.record is not None
    place_dialog(dialog)
    dialog.sessions_spin.setFocus()
    dialog.sessions_spin.selectAll()
    desk.qtbot.keyClicks(dialog.sessions_spin, str(sessions))
    desk.check(f"prescription-modifiee-{child_id}", dialog)
    desk.press(dialog.sessions_spin, Qt.Key.Key_Return)
    assert not dialog.isVisible(), dialog.status.text()
    desk.qtbot.waitUntil(lambda: len(file.cards) == 1 and f"/ {sessions} séances" in card_text(file.cards[0]))
    desk.check(f"forfait-modifie-{child_id}")


def card_text(card: QWidget) -> str:
    return " ".join([label.text() for label in card.findChildren(QLabel)] +
                    [bar.text() for bar in card.findChildren(QProgressBar)])


def plan_weekly(desk: Desk, search: str, first: date, start: str, weeks: int) -> None:
    """Séances › Agenda › « Nouveau rendez-vous… »: the child, the first day, the time, every week for `weeks`."""
    window = desk.main
    window.show_page("seances")
    page = window.seances_page
    page.tabs.setCurrentWidget(page.agenda)
    page.agenda.new_button.setFocus()
    desk.press(page.agenda.new_button, Qt.Key.Key_Space)
    dialog = page.agenda.dialog
    assert dialog is not None and dialog.isVisible()
    desk.activate(dialog)
    desk.qtbot.keyClicks(dialog.picker.search, search)
    desk.press(dialog.picker.search, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: dialog.picker.child is not None)
    desk.type(dialog.day.line, first.strftime("%d/%m/%Y"))
    desk.type(dialog.start, start)
    dialog.repeat.setFocus()
    desk.press(dialog.repeat, Qt.Key.Key_Space)
    dialog.weeks.setFocus()
    dialog.weeks.selectAll()
    desk.qtbot.keyClicks(dialog.weeks, str(weeks))
    desk.check(f"rendez-vous-{search}", dialog)
    desk.press(dialog.weeks, Qt.Key.Key_Return)  # « Planifier »
    assert not dialog.isVisible(), dialog.status.text()


def point_the_day(desk: Desk, mark: str) -> int:
    """Séances › Aujourd'hui (Ctrl+3, Alt+Origine), then P, or A and E: returns the séances recorded that day."""
    window = desk.main
    desk.activate()
    desk.press(window, Qt.Key.Key_3, CTRL, "Ctrl+3")
    page = window.seances_page
    today = page.today_view
    if not today.isVisible():  # the Agenda tab was left open: Ctrl+Tab goes back to « Aujourd'hui »
        page.agenda.setFocus()
        desk.press(QApplication.focusWidget() or page.agenda, Qt.Key.Key_Tab, CTRL)
    assert today.isVisible()
    today.table.setFocus()
    desk.press(today.table, Qt.Key.Key_Home, ALT)
    assert today.day == window.clock.today()
    desk.qtbot.waitUntil(lambda: today.selected() is not None and today.selected().status == "planned")
    before = today.seances_model.rowCount()
    if mark == "P":
        desk.press(QApplication.focusWidget() or window, Qt.Key.Key_P)
    else:
        desk.press(QApplication.focusWidget() or window, Qt.Key.Key_A)
        assert today.absence_prompt.isVisible()
        desk.press(QApplication.focusWidget() or window, Qt.Key.Key_E)
    assert today.seances_model.rowCount() == before + 1, (
        mark, today.day, describe_focus(), today.error.text(), window.seances_page.message.text()
        if hasattr(window.seances_page, "message") else "", [r.status for r in today.model.rows])
    return today.seances_model.rowCount()


def describe_focus() -> str:
    focus = QApplication.focusWidget()
    return f"{type(focus).__name__} {focus.objectName()}" if focus is not None else "none"


def quick_entry(desk: Desk, search: str, start: str) -> None:
    """Ctrl+Maj+S from any page: the child, the time, Entrée; the form waits for the next one, Échap closes it."""
    window = desk.main
    desk.activate()
    desk.press(window, Qt.Key.Key_S, CTRL | SHIFT, "Ctrl+Shift+S")
    dialog = window.quick_dialog
    assert dialog is not None and dialog.isVisible()
    desk.activate(dialog)
    assert QApplication.focusWidget() is dialog.picker.search
    desk.qtbot.keyClicks(dialog.picker.search, search)
    desk.press(dialog.picker.search, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: dialog.picker.child is not None)
    assert QApplication.focusWidget() is dialog.start
    desk.qtbot.keyClicks(dialog.start, start)
    desk.press(dialog.start, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: dialog.picker.child is None)  # recorded: the form waits for the next child
    assert "Séance enregistrée" in dialog.status.text(), dialog.status.text()
    desk.check(f"saisie-rapide-{search}", dialog)
    desk.press(dialog.picker.search, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def look_at_the_agenda(desk: Desk) -> None:
    """Ctrl+3, the Agenda tab (Ctrl+Tab), « Cette semaine » then the week before (←): October's last week, the
    séances done drawn in it."""
    window = desk.main
    desk.activate()
    desk.press(window, Qt.Key.Key_3, CTRL, "Ctrl+3")
    page = window.seances_page
    if page.tabs.currentWidget() is not page.agenda:
        desk.press(QApplication.focusWidget() or page, Qt.Key.Key_Tab, CTRL)
    assert page.tabs.currentWidget() is page.agenda, describe_focus()
    buttons = {b.text(): b for b in page.agenda.findChildren(QPushButton)}
    for text in ("Cette semaine", "←"):
        buttons[text].setFocus()
        desk.press(buttons[text], Qt.Key.Key_Space)
    assert page.agenda.monday == date(2026, 10, 26)
    desk.qtbot.waitUntil(lambda: len(page.agenda.grid.blocks) >= 2)
    desk.check("agenda")


def choose_by_keys(desk: Desk, combo: QComboBox, chosen: Callable[[], bool]) -> None:
    """The month proposed is the one before the day the page was built (the program was not restarted since
    1 October): the therapist picks October with the arrow keys."""
    combo.setFocus()
    for key in (Qt.Key.Key_Home,) + (Qt.Key.Key_Down,) * combo.count():
        if chosen():
            return
        desk.press(combo, key)
    assert chosen(), combo.currentText()


def invoice_october(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+4: October proposed, « Émettre », yes; the network's postal address typed where it is asked."""
    window = desk.main
    asked: list[str] = []

    def yes(_parent: QWidget, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    desk.activate()
    desk.press(window, Qt.Key.Key_4, CTRL, "Ctrl+4")
    issue = window.invoicing_page.issue_tab
    choose_by_keys(desk, issue.month, lambda: issue.period() == (date(2026, 10, 1), date(2026, 10, 31)))
    desk.qtbot.waitUntil(lambda: issue.issue_button.isEnabled())
    desk.check("facturation-apercu")
    issue.issue_button.setFocus()
    desk.press(issue.issue_button, Qt.Key.Key_Space)
    assert asked, "« Émettre » asks first"
    if issue.address_form.isVisible():  # the network's postal address, asked once
        form = issue.address_form
        desk.type(form.street, "12 rue du Reseau")
        desk.type(form.postcode, "31000")
        desk.type(form.city, "Toulouse")
        desk.check("facturation-adresse")
        form.save_button.setFocus()
        desk.press(form.save_button, Qt.Key.Key_Space)
    desk.qtbot.waitUntil(lambda: "émises et signées" in issue.message.text() or "émise et signée" in
                         issue.message.text())
    desk.check("facturation-emises")


def export_the_batch(desk: Desk, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Ctrl+6: « Clore le lot », then « Exporter… » into a folder (the folder dialog answered)."""
    window = desk.main
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args, **_kw: str(folder))
    desk.activate()
    desk.press(window, Qt.Key.Key_6, CTRL, "Ctrl+6")
    sync = window.sync_page
    desk.qtbot.waitUntil(sync.close_button.isEnabled)
    sync.close_button.setFocus()
    desk.press(sync.close_button, Qt.Key.Key_Space)
    desk.qtbot.waitUntil(lambda: sync.current() is not None)
    desk.qtbot.waitUntil(sync.export_button.isEnabled)
    sync.export_button.setFocus()
    desk.press(sync.export_button, Qt.Key.Key_Space)
    desk.qtbot.waitUntil(lambda: any(folder.iterdir()))
    assert "Lot exporté" in sync.message.text(), sync.message.text()
    desk.check("lot-exporte")


def attest_october(desk: Desk, child_id: int) -> None:
    """The child's file, « Attestations… »: October previewed (no number), then issued and shown (to print or
    save), then closed (Échap)."""
    file = open_file(desk, child_id, "Identité")
    file.attestations_button.setFocus()
    desk.press(file.attestations_button, Qt.Key.Key_Space)
    dialog = file.attestation_dialog
    assert dialog is not None and dialog.isVisible()
    desk.activate(dialog)
    choose_by_keys(desk, dialog.picker.first, lambda: dialog.picker.period().first == date(2026, 10, 1))
    choose_by_keys(desk, dialog.picker.last, lambda: dialog.picker.period().last == date(2026, 10, 31))
    desk.check("attestation", dialog)
    dialog.preview_button.setFocus()  # first a preview: no number used (issue 18, #10)
    desk.press(dialog.preview_button, Qt.Key.Key_Space)
    desk.qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.isVisible())
    draft = dialog.preview
    assert draft is not None and "Aperçu" in draft.windowTitle()
    desk.qtbot.wait(400)  # the PDF view paints its page in the background
    desk.check("attestation-brouillon", draft)
    desk.activate(draft)
    desk.press(draft, Qt.Key.Key_Escape)
    assert dialog.table.rowCount() == 0, "a preview uses no number"
    desk.activate(dialog)
    dialog.issue_button.setFocus()
    desk.press(dialog.issue_button, Qt.Key.Key_Space)
    desk.qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.isVisible())
    preview = dialog.preview
    assert preview is not None
    desk.qtbot.wait(400)
    desk.check("attestation-apercu", preview)
    desk.activate(preview)
    desk.press(preview, Qt.Key.Key_Escape)
    assert not preview.isVisible()
    assert dialog.table.rowCount() == 1
    desk.activate(dialog)
    desk.press(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def every_page_and_the_other_keys(desk: Desk, first_name: str, inclusion: str) -> None:
    """Ctrl+1…7 each show their page; F1 the « À propos »; Ctrl+F the children's search (Entrée opens the first
    found); Ctrl+Maj+C copies the inclusion number from the child's file."""
    window = desk.main
    desk.activate()
    for index, key in enumerate(window.page_keys):
        desk.press(window, getattr(Qt.Key, f"Key_{index + 1}"), CTRL, f"Ctrl+{index + 1}")
        assert window.pages.currentWidget() is window.page(key), key
        if key == "dashboard":
            rows = window.dashboard_page.model.rows
            texts = [row.text for row in rows]
            assert not any("à facturer" in text for text in texts), texts  # October is invoiced
        desk.check(f"page-{key}")
    desk.press(window, Qt.Key.Key_F1, name="F1")
    about = window.about_dialog
    assert about is not None and about.isVisible()
    desk.check("a-propos", about)
    desk.activate(about)
    desk.press(about, Qt.Key.Key_Escape)
    desk.activate()
    desk.press(window, Qt.Key.Key_F, CTRL, "Ctrl+F")
    search = window.children_page.search
    assert QApplication.focusWidget() is search
    desk.qtbot.keyClicks(search, first_name)
    desk.press(search, Qt.Key.Key_Return)
    file = window.children_page.file
    desk.qtbot.waitUntil(lambda: file.isVisible() and file.current_child() is not None
                         and file.current_child().first_name == first_name)
    QApplication.clipboard().clear()
    desk.activate()
    desk.press(QApplication.focusWidget() or window, Qt.Key.Key_C, CTRL | SHIFT, "Ctrl+Shift+C")
    desk.qtbot.waitUntil(lambda: QApplication.clipboard().text() == inclusion)  # a button's key: clicked 0.1 s on
    desk.check("dossier-copie")


def lock_and_unlock(desk: Desk) -> None:
    """Ctrl+L hides everything; the passphrase and Entrée bring the window back as it was."""
    window = desk.main
    desk.activate()
    desk.press(window, Qt.Key.Key_L, CTRL, "Ctrl+L")
    assert window.is_locked
    panel = window.unlock_panel
    assert QApplication.focusWidget() is panel.passphrase
    screen = window.lock_screen
    assert isinstance(screen, QScrollArea)
    desk.qtbot.waitUntil(lambda: not screen.verticalScrollBar().isVisible(), timeout=1000)  # the hidden recovery
    # form takes no room
    desk.check("verrouille")
    desk.qtbot.keyClicks(panel.passphrase, STRONG_PASSPHRASE)
    desk.press(panel.passphrase, Qt.Key.Key_Return)
    desk.qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    assert window.children_page.file.current_child() is not None  # back where it was
    desk.check("deverrouille")


def place_dialog(dialog: QDialog) -> None:
    """A dialog as it opened (its own size, centred on its window): the checks say whether it fits."""
    QApplication.processEvents()
    assert dialog.isVisible()


def test_a_therapists_month_at_the_desk(qtbot: QtBot, tmp_path: Path, shots: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # the windows and dialogs fit themselves to the screen's available area: the laptop's, not the test platform's
    monkeypatch.setattr(fit, "available_area", lambda _widget=None: QRect(SCREEN))
    today = clock(FIRST_DAY)  # moved forward day by day: the pages ask it for « today »
    desk = Desk(qtbot, shots)
    window = desk.window = run_wizard(desk, tmp_path / "cabinet", today)
    place(window, fill=True)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: window.page_set.all_built)
    assert window.geometry().width() <= SCREEN.width() and window.geometry().height() <= SCREEN.height()
    desk.check("tableau-de-bord-jour-un")

    children = [add_child(desk, CHILDREN[0]), add_child(desk, CHILDREN[1])]
    for child_id, until in zip(children, (date(2027, 6, 30), date(2027, 3, 31)), strict=True):
        add_prescription(desk, child_id, until)
    edit_prescription(desk, children[1], sessions=30)

    # the month: Lou on Tuesdays at 9:00, Noah on Thursdays at 14:00, pointed from « Aujourd'hui » each day
    plan_weekly(desk, "mart", date(2026, 10, 6), "9:00", 4)
    plan_weekly(desk, "bern", date(2026, 10, 1), "14:00", 5)
    recorded = 0
    day = FIRST_DAY
    while day.month == FIRST_DAY.month:
        turn_to(today, day)
        if day.weekday() in (1, 3):  # Tuesday, Thursday
            mark = "A" if day == date(2026, 10, 20) else "P"  # Lou excused once
            point_the_day(desk, mark)
            recorded += 1
            if day == date(2026, 10, 8):  # P pressed on the wrong line: Ctrl+Z takes it back
                seances = window.seances_page.today_view.seances_model
                desk.press(QApplication.focusWidget() or window, Qt.Key.Key_Z, CTRL, "Ctrl+Z")
                assert seances.rowCount() == 0, "Ctrl+Z: the séance recorded by P is gone"
                point_the_day(desk, "P")
            if day == date(2026, 10, 13):
                desk.check("aujourdhui")
        if day in (date(2026, 10, 9), date(2026, 10, 23)):  # Noah's extra Friday séances, typed afterwards
            quick_entry(desk, "bern", "16:30")
            recorded += 1
        day += timedelta(days=1)
    assert recorded == 4 + 5 + 2

    turn_to(today, date(2026, 11, 2))  # Monday 2 November: October to invoice, to send, to attest
    look_at_the_agenda(desk)
    invoice_october(desk, monkeypatch)
    export_the_batch(desk, monkeypatch, tmp_path / "export")
    attest_october(desk, children[0])
    every_page_and_the_other_keys(desk, "Lou", f"{PROFILE.network}-2026-0001")
    lock_and_unlock(desk)
    assert readme_shortcuts() <= desk.pressed, f"not pressed: {readme_shortcuts() - desk.pressed}"
    window.close()

