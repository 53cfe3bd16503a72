"""The main window: navigation on the left, the pages, a status bar; locks itself when idle.

It is on screen before the database is opened: `MainWindow.opening` shows the frame at once and opens the practice
(the key from the keychain, the ORM, the schema check) in the background. Each page is built the first time it is
needed (ui/page_set.py): the current one at once, the others in idle turns of the event loop right after."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cocon_desktop import settings
from cocon_desktop.clock import SYSTEM_CLOCK, Clock
from cocon_desktop.services import practice_keys
from cocon_desktop.ui.fit import fit_to_screen, scrolling
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.icons import navigation_icon
from cocon_desktop.ui.idle import IdleWatcher
from cocon_desktop.ui.page_set import NAVIGATION, PageSet
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.views import ViewRefresher
from cocon_desktop.ui.widgets import numbering_banner
from cocon_desktop.ui.widgets.pending_indicator import PendingIndicator

if TYPE_CHECKING:  # imported when first used: the window shows before the ORM is loaded
    from PySide6.QtGui import QCloseEvent

    from cocon_desktop.services.changes import Changes
    from cocon_desktop.services.practice_handle import Practice
    from cocon_desktop.ui.dialogs.about_dialog import AboutDialog
    from cocon_desktop.ui.dialogs.quick_seance_dialog import QuickSeanceDialog
    from cocon_desktop.ui.pages.attestations_page import AttestationsPage
    from cocon_desktop.ui.pages.children_page import ChildrenPage
    from cocon_desktop.ui.pages.dashboard_page import DashboardPage
    from cocon_desktop.ui.pages.invoicing_page import InvoicingPage
    from cocon_desktop.ui.pages.seances_page import SeancesPage
    from cocon_desktop.ui.pages.settings_page import SettingsPage
    from cocon_desktop.ui.pages.sync_page import SyncPage
    from cocon_desktop.ui.widgets.unlock_panel import UnlockPanel


class MainWindow(QMainWindow):
    locked_changed = Signal(bool)
    open_failed = Signal(object)  # BaseException, or None when the keychain gave no key: app.py asks the passphrase
    warmed = Signal()  # every page built: start-up is over (app.py then freezes the garbage collector's objects)

    def __init__(self, practice: Practice | None, runner: TaskRunner, *, demo: bool = False,
                 data_dir: Path | None = None, clock: Clock = SYSTEM_CLOCK) -> None:
        """With a practice: ready at once. Without (see `opening`): the frame, until `attach` gives it one.
        `clock` gives the pages and dialogs their "today" (app.py: the system's, or COCON_TODAY's fixed day)."""
        super().__init__()
        self.practice: Practice | None = None
        self.runner = runner
        self.clock = clock
        self.backup_on_close = False  # app.py turns it on: a backup into backups/ when the window closes
        if practice is not None:
            data_dir = practice.data_dir
        if data_dir is None:
            raise ValueError("a practice or its data folder")
        self.data_dir = data_dir
        self.vault_id = practice.vault_id if practice is not None else practice_keys.key_file_facts(data_dir).vault_id
        self._hidden_windows: list[QWidget] = []
        self.setWindowTitle(tr("COCON Desktop"))
        fit_to_screen(self, 1180, 760)  # never larger than the screen's available area (ui/fit.py)

        self.root = QStackedWidget(self)
        self.setCentralWidget(self.root)
        self.shell = QWidget(self.root)
        outer = QVBoxLayout(self.shell)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        if demo:
            banner = QLabel(tr("Cabinet de démonstration — données fictives. Phrase de passe : « demo » "
                               "(seule phrase dispensée de la règle de robustesse)."), self.shell)
            banner.setObjectName("demo_banner")
            banner.setWordWrap(True)  # with a large font it wraps instead of widening the window
            banner.setStyleSheet("background: #fff4d6; padding: 6px 12px; color: #5a4300;")
            outer.addWidget(banner)
        self.numbering_banner = numbering_banner.install(self, outer)  # a database behind its witnesses (#1)
        body = QHBoxLayout()
        outer.addLayout(body, 1)
        self.nav = QListWidget(self.shell)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName(tr("Pages"))
        self.nav.setFixedWidth(210)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; border: none; background: #f3f5f8; }"
                               "QListWidget::item { padding: 10px 14px; }"
                               "QListWidget::item:selected { background: #d7e3f4; color: #102a43; }")
        self.pages = QStackedWidget(self.shell)
        self.page_keys: list[str] = [key for key, _ in NAVIGATION]
        self.page_set = PageSet(self, self.pages)
        for index, (key, title) in enumerate(NAVIGATION):
            self.nav.addItem(tr(title))
            self.nav.item(index).setIcon(navigation_icon(key))
        self.quick_dialog: QuickSeanceDialog | None = None
        body.addWidget(self.nav)
        body.addWidget(scrolling(self.pages, self.shell), 1)  # a page larger than the window scrolls
        self.root.addWidget(self.shell)
        self.lock_screen: QWidget | None = None  # built at the first lock
        self.refresher = ViewRefresher(self)  # ui/views.py: after a write, the pages that show it read again
        self.refresher.enabled = practice is not None
        runner.subscribe(self.changed)

        self.vault_label = QLabel(self)
        self.vault_label.setObjectName("vault_state")
        self.vault_label.setMinimumWidth(120)  # a long data folder's path is clipped: it never widens the window
        self.statusBar().addWidget(self.vault_label, 1)
        self.lock_button = QPushButton(tr("Verrouiller (Ctrl+L)"), self)
        self.lock_button.setObjectName("lock_button")
        self.lock_button.clicked.connect(self.lock)
        self.pending_status = PendingIndicator(lambda: self.practice, runner, self)
        self.pending_status.clicked.connect(lambda: self.show_page("sync"))
        self.statusBar().addPermanentWidget(self.pending_status)
        self.statusBar().addPermanentWidget(self.lock_button)
        self.about_dialog: AboutDialog | None = None
        self.about_button = QPushButton("?", self)
        self.about_button.setObjectName("about_button")
        self.about_button.setFixedWidth(32)
        self.about_button.setToolTip(tr("À propos de COCON Desktop (F1)"))
        self.about_button.setAccessibleName(tr("À propos de COCON Desktop"))  # « ? » says nothing to a reader
        self.about_button.clicked.connect(self.show_about)
        self.statusBar().addPermanentWidget(self.about_button)
        self._shortcuts_installed = False

        self.idle = IdleWatcher(settings.LOCK_IDLE_MINUTES.default, self)
        self.idle.idle.connect(self.lock)
        self.nav.currentRowChanged.connect(self._row_changed)
        if practice is not None:
            self.attach(practice)
        else:
            self.nav.setEnabled(False)
            self.page_set.show_opening()
            self.vault_label.setText(tr("Ouverture du cabinet…"))
            self.lock_button.setEnabled(False)

    @classmethod
    def opening(cls, data_dir: Path, runner: TaskRunner, opener: Callable[[], Practice | None], *,
                demo: bool = False, clock: Clock = SYSTEM_CLOCK) -> MainWindow:
        """The window at once; `opener` (the keychain path) runs in the background, then `attach` or
        `open_failed`."""
        window = cls(None, runner, demo=demo, data_dir=data_dir, clock=clock)

        def open_practice() -> Practice | None:
            practice = opener()
            from cocon_desktop.ui.pages import dashboard_page  # noqa: F401  (its import, off the GUI thread)

            return practice

        def opened(practice: Practice | None) -> None:
            if practice is None:
                window.open_failed.emit(None)
            else:
                window.attach(practice)

        # after the first paint: the opening thread would otherwise take the GIL from it
        QTimer.singleShot(0, window, lambda: runner.run(open_practice, opened, window.open_failed.emit))
        return window

    def _install_shortcuts(self) -> None:
        """With the practice, not before the first paint: PySide6 builds its key enumerations (~30 ms) at the first
        QKeySequence."""
        if self._shortcuts_installed:
            return
        from PySide6.QtGui import QAction, QKeySequence

        self._shortcuts_installed = True
        shortcuts: list[tuple[str, str, Callable[[], None]]] = [
            # `triggered` passes `checked` to a slot that takes an argument: the key must not be the first one
            ("", f"Ctrl+{index + 1}", lambda _checked=False, k=key: self.show_page(k, focus=True))  # type: ignore[misc]
            for index, (key, _) in enumerate(NAVIGATION)]
        shortcuts += [(tr("À propos de COCON Desktop"), "F1", self.show_about),
                      (tr("Verrouiller"), "Ctrl+L", self.lock), ("", "Ctrl+N", self.new_child),
                      ("", "Ctrl+F", self.find_child), ("", "Ctrl+Shift+S", self.quick_seance)]
        for text, shortcut, slot in shortcuts:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            self.addAction(action)

    def attach(self, practice: Practice) -> None:
        """The practice is open: the current page is built and loads, the others follow in idle turns."""
        self._install_shortcuts()
        self.practice = practice
        self.refresher.enabled = True
        self.page_set.attach(practice)  # the pages already asked for (e.g. by a test) get it
        self.nav.setEnabled(True)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        else:
            self._row_changed(self.nav.currentRow())
        self._apply_settings(practice)
        self.pending_status.refresh()
        self.numbering_banner.show_check(practice.numbering)  # read when the practice opened
        self._show_state()
        self.idle.start()

    def _apply_settings(self, practice: Practice) -> None:
        """The stored idle delay and corrected-age cut-off, without waiting for the settings page to be built."""

        def load() -> tuple[int, int]:
            from cocon_desktop.services import settings_store

            return (int(practice.read(settings_store.get, settings.LOCK_IDLE_MINUTES)),
                    int(practice.read(settings_store.get, settings.CORRECTED_AGE_CUTOFF_MONTHS)))

        def loaded(values: tuple[int, int]) -> None:
            from cocon_desktop.ui.formatting import set_corrected_age_cutoff

            self.idle.set_minutes(values[0])
            set_corrected_age_cutoff(values[1])

        self.runner.run(load, loaded, lambda _: None)  # the defaults stay if the settings cannot be read

    def changed(self, changes: Changes) -> None:
        """After every write run by `runner.run_op`: each page, and the status bar's count, that shows what
        changed reads it again (now if on screen, else when next shown)."""
        from cocon_desktop.services.changes import Changes

        self.refresher.changed(changes)
        if changes & self.pending_status.SHOWS:
            self.pending_status.refresh()
        if changes & Changes.SETTINGS and self.practice is not None:
            self._apply_settings(self.practice)  # the idle delay, the corrected-age cut-off
        if changes & Changes.KEYS:
            self._show_state()  # « clé gardée dans le trousseau » or not

    # -- the pages (built when first needed)
    def page(self, key: str) -> QWidget:
        return self.page_set.page(key)

    @property
    def dashboard_page(self) -> DashboardPage:
        return cast("DashboardPage", self.page("dashboard"))

    @property
    def children_page(self) -> ChildrenPage:
        return cast("ChildrenPage", self.page("children"))

    @property
    def seances_page(self) -> SeancesPage:
        return cast("SeancesPage", self.page("seances"))

    @property
    def invoicing_page(self) -> InvoicingPage:
        return cast("InvoicingPage", self.page("invoicing"))

    @property
    def attestations_page(self) -> AttestationsPage:
        return cast("AttestationsPage", self.page("attestations"))

    @property
    def sync_page(self) -> SyncPage:
        return cast("SyncPage", self.page("sync"))

    @property
    def settings_page(self) -> SettingsPage:
        return cast("SettingsPage", self.page("settings"))

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.page_keys) and self.practice is not None:
            self.pages.setCurrentWidget(self.page(self.page_keys[row]))

    def show_page(self, key: str, *, focus: bool = False) -> None:
        if self.practice is None and not self.is_locked:
            return  # still opening
        self.nav.setCurrentRow(self.page_keys.index(key))
        page = self.pages.currentWidget()
        if focus and page is not None and page.focusProxy() is not None:  # e.g. Séances: the day's list
            page.setFocus()

    # -- locking
    def _build_lock_screen(self) -> QWidget:
        from cocon_desktop.ui.widgets.unlock_panel import UnlockPanel

        screen = QWidget(self.root)
        screen.setObjectName("lock_screen")
        layout = QVBoxLayout(screen)
        layout.addStretch(1)
        box = QWidget(screen)
        box.setMaximumWidth(560)
        inner = QVBoxLayout(box)
        title = QLabel(tr("Cabinet verrouillé"), box)
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        inner.addWidget(title)
        text = QLabel(tr("Les données sont masquées. Ce que vous étiez en train de saisir est conservé : "
                         "saisissez votre phrase de passe pour reprendre."), box)
        text.setWordWrap(True)
        inner.addWidget(text)
        self._unlock_panel = UnlockPanel(self.data_dir, self.runner, expected_vault_id=self.vault_id, parent=box)
        self._unlock_panel.unlocked.connect(self._unlocked)
        inner.addWidget(self._unlock_panel)
        row = QHBoxLayout()  # centred by stretches: an aligned box got the height for a wider one, clipping its error
        row.addStretch(1)
        row.addWidget(box, 1000)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        from cocon_desktop.ui.fit import scrolling

        area = scrolling(screen, self.root)  # the recovery key's form is taller than a laptop's screen: it scrolls
        self.root.addWidget(area)
        return area

    def _ensure_lock_screen(self) -> QWidget:
        if self.lock_screen is None:
            self.lock_screen = self._build_lock_screen()
        return self.lock_screen

    @property
    def unlock_panel(self) -> UnlockPanel:
        self._ensure_lock_screen()
        return self._unlock_panel

    @property
    def is_locked(self) -> bool:
        return self.lock_screen is not None and self.root.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Hide every piece of data, close the practice (engine disposed, key dropped: a task still running or a
        view still holding its sessions gets DatabaseError('practice_closed'), dropped quietly by the runner), keep
        the widgets (and what they hold) as they are."""
        if self.is_locked or self.practice is None:
            return
        self.idle.stop()
        self._hidden_windows = [w for w in QApplication.topLevelWidgets()
                                if w is not self and w.isVisible() and w.isWindow()]
        for window in self._hidden_windows:
            window.hide()
        self.root.setCurrentWidget(self._ensure_lock_screen())
        self.practice.close()
        self.practice = None
        self.refresher.enabled = False
        self.page_set.set_practice(None)
        self.pending_status.refresh()
        self._show_state()
        self.unlock_panel.focus()
        self.locked_changed.emit(True)

    def _unlocked(self, practice: Practice) -> None:
        self.practice = practice
        self.page_set.set_practice(practice)  # a new handle: the views read again, the forms keep what was typed
        self.pending_status.refresh()
        self.root.setCurrentWidget(self.shell)
        from cocon_desktop.services.changes import ALL

        self.refresher.enabled = True
        self.refresher.changed(ALL)  # another program (the command line) may have written while it was locked
        for window in self._hidden_windows:
            window.show()
        self._hidden_windows = []
        self._show_state()
        self.idle.start()
        self.locked_changed.emit(False)

    # -- shortcuts
    def new_child(self) -> None:
        """Ctrl+N: the Enfants page, and the form for a new child."""
        if self.is_locked or self.practice is None:
            return
        self.show_page("children")
        self.children_page.new_child()

    def find_child(self) -> None:
        """Ctrl+F: the children list, search field focused."""
        if self.is_locked or self.practice is None:
            return
        self.show_page("children")
        self.children_page.focus_search()

    def quick_seance(self) -> None:
        """Ctrl+Shift+S from any page: the quick entry of a séance (one at a time)."""
        if self.is_locked or self.practice is None:
            return
        if self.quick_dialog is not None and self.quick_dialog.isVisible():
            self.quick_dialog.raise_()
            self.quick_dialog.activateWindow()
            return
        from cocon_desktop.ui.dialogs.quick_seance_dialog import QuickSeanceDialog

        children = self.page_set.built("children")
        showing_file = children is not None and self.pages.currentWidget() is children and \
            self.children_page.file.isVisible()
        self.quick_dialog = QuickSeanceDialog(lambda: self.practice, self.runner, self.clock.today,
                                              child=self.children_page.file.current_child() if showing_file else None,
                                              parent=self)
        self.quick_dialog.recorded.connect(self._seance_recorded)
        self.quick_dialog.open()

    def show_about(self) -> None:
        """« ? » or F1: version, licences of the bundled components, where the data lives."""
        if self.about_dialog is not None and self.about_dialog.isVisible():
            self.about_dialog.raise_()
            return
        from cocon_desktop.ui.dialogs.about_dialog import AboutDialog

        self.about_dialog = AboutDialog(self.data_dir, self)
        self.about_dialog.open()

    def _seance_recorded(self, seance_id: int, label: str) -> None:
        self.seances_page.seance_actions.remember_seance(seance_id, label)
        self.statusBar().showMessage(tr("Séance enregistrée : {0}. Ctrl+Z sur la page Séances pour "
                                        "l'annuler.").format(label), 8000)

    def _show_state(self) -> None:
        if self.is_locked:
            self.vault_label.setText(tr("Cabinet verrouillé"))
            self.lock_button.setEnabled(False)
            return
        remembered = practice_keys.key_file_facts(self.data_dir).remembered
        self.vault_label.setText(
            tr("Coffre ouvert — base chiffrée (SQLCipher, AES-256)") + " · " +
            (tr("clé gardée dans le trousseau") if remembered else tr("clé en mémoire seulement")) +
            " · " + str(self.data_dir))
        self.lock_button.setEnabled(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.page_set.stop()
        self.runner.unsubscribe(self.changed)
        if self.practice is not None:
            if self.backup_on_close:  # locked: no key in memory, no backup
                from cocon_desktop.ui.pages.backups_tab import backup_on_close

                backup_on_close(self.practice, self)
            self.practice.close()
            self.practice = None
            self.page_set.set_practice(None)  # no page keeps the closed handle (nor reads through it later)
        super().closeEvent(event)
