"""The main window's pages, built the first time they are needed, and the few signals between them and the window.

Building every page (and importing its modules: the ORM, the services) before the window could show took most
of the start-up; now the window shows an empty slot per page, the current page is built when the practice is
open, and the others one at a time right after, whenever no background task is running (so that a first visit finds
them loaded).
A page asked for earlier (show_page, a shortcut, `window.children_page`) is built at once."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from cocon_desktop.ui.accessibility import make_accessible
from cocon_desktop.ui.i18n import tr

if TYPE_CHECKING:
    from cocon_desktop.services.practice_handle import Practice
    from cocon_desktop.ui.main_window import MainWindow

WARM_UP_MS = 30  # between two pages built ahead of their first visit
NAVIGATION = (
    ("dashboard", "Tableau de bord"),
    ("children", "Enfants"),
    ("seances", "Séances"),
    ("invoicing", "Facturation"),
    ("attestations", "Attestations"),
    ("sync", "Synchronisation"),
    ("settings", "Paramètres"),
)


DATED_PAGES = {"dashboard", "children", "seances", "invoicing", "attestations"}  # take `today` from the clock
PAGE_MODULES = {key: f"cocon_desktop.ui.pages.{key}_page" for key, _ in NAVIGATION}
PAGE_CLASSES = {"dashboard": "DashboardPage", "children": "ChildrenPage", "seances": "SeancesPage",
                "invoicing": "InvoicingPage", "attestations": "AttestationsPage", "sync": "SyncPage",
                "settings": "SettingsPage"}


def build_page(key: str, window: MainWindow, parent: QWidget) -> QWidget:
    """A new page (its module imported here, or earlier by a worker: not when the program starts)."""
    module = importlib.import_module(PAGE_MODULES[key])
    page_class = getattr(module, PAGE_CLASSES[key])
    clock = window.clock
    if key in DATED_PAGES:
        return cast(QWidget, page_class(window.runner, today=clock.today, parent=parent))
    if key == "sync":
        return cast(QWidget, page_class(window.runner, now=clock.now, parent=parent))
    return cast(QWidget, page_class(window.runner, parent=parent))


class PageSet:
    def __init__(self, window: MainWindow, stack: QStackedWidget) -> None:
        self.window, self.stack = window, stack
        self._built: dict[str, QWidget] = {}
        self._slots: dict[str, QWidget] = {}
        for key, _ in NAVIGATION:  # one empty slot per page, so that indexes follow the navigation
            slot = QWidget(stack)
            slot.setObjectName(f"slot_{key}")
            stack.addWidget(slot)
            self._slots[key] = slot
        self._warm_up = QTimer(stack)
        self._warm_up.setSingleShot(True)
        self._warm_up.setInterval(WARM_UP_MS)
        self._warm_up.timeout.connect(self._build_next)
        self._importing = False
        self._import_tried: set[str] = set()
        self._warmed = False
        stack.currentChanged.connect(self._size_to_current)

    def _size_to_current(self, _: int = -1) -> None:
        """The stack takes the current page's minimum size only (the hidden pages' policy is Ignored): a wide page
        does not widen the window while another one shows, and the window's scroll area (ui/fit.py `scrolling`)
        scrolls the current page when the window is smaller than it."""
        current = self.stack.currentWidget()
        for index in range(self.stack.count()):
            widget = self.stack.widget(index)
            if widget is None:
                continue
            policy = QSizePolicy.Policy.Preferred if widget is current else QSizePolicy.Policy.Ignored
            widget.setSizePolicy(policy, policy)

    def show_opening(self) -> None:
        """While the practice opens: a busy bar in the first page's slot (centred by stretches: PySide6 builds
        the whole Qt namespace, 30 ms, at the first use of an alignment flag)."""
        slot = self._slots[NAVIGATION[0][0]]
        layout = QVBoxLayout(slot)
        layout.addStretch(1)
        label = QLabel(tr("Ouverture du cabinet…"), slot)
        label.setObjectName("opening_label")
        label.setStyleSheet("font-size: 13pt; color: #334e68; qproperty-alignment: AlignCenter;")
        layout.addWidget(label)
        row = QHBoxLayout()
        busy = QProgressBar(slot)
        busy.setRange(0, 0)
        busy.setFixedWidth(320)
        busy.setTextVisible(False)
        row.addStretch(1)
        row.addWidget(busy)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.stack.setCurrentIndex(0)

    # -- building
    @property
    def all_built(self) -> bool:
        return len(self._built) == len(NAVIGATION)

    def built(self, key: str) -> QWidget | None:
        return self._built.get(key)

    def page(self, key: str) -> QWidget:
        page = self._built.get(key)
        if page is None:
            page = self._build(key)
        return page

    def _build(self, key: str) -> QWidget:
        index = [k for k, _ in NAVIGATION].index(key)
        page = build_page(key, self.window, self.stack)
        page.setObjectName(f"page_{key}")
        make_accessible(page)  # names for a screen reader, Tab out of lists (ui/accessibility.py)
        if hasattr(page, "SHOWS"):  # before it can show: it reads when first shown (ui/views.py)
            self.window.refresher.track(page)
        if self.window.practice is not None:
            page.set_practice(self.window.practice, reload=not hasattr(page, "SHOWS"))  # type: ignore[attr-defined]
        slot = self._slots.pop(key)
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(slot)
        slot.deleteLater()
        self.stack.setCurrentIndex(current)
        self._size_to_current()
        self._built[key] = page
        self._wire(key, page)
        return page

    def _build_next(self) -> None:
        """One page, when no background task is running: the current page's loads (the dashboard's, at start)
        finish first, and the pages' own loads do not pile up (building them all at once delayed the dashboard's
        first lines by a second on the large practice). Its modules (the services, the ORM's queries: up to 0.4 s
        for Enfants) are imported by a worker first; the GUI thread then only builds the widgets."""
        if self.window.practice is None or self._importing:
            return  # locked or closed: resumes at the unlock
        if QThreadPool.globalInstance().activeThreadCount():
            self._warm_up.start()  # later
            return
        missing = [key for key, _ in NAVIGATION if key not in self._built]
        if not missing:
            if not self._warmed:
                self._warmed = True
                self.window.warmed.emit()
            return
        module = PAGE_MODULES[missing[0]]
        if module not in sys.modules and module not in self._import_tried:  # if it failed: built (and said) below
            self._importing = True
            self._import_tried.add(module)
            self.window.runner.run(lambda: importlib.import_module(module), self._imported, self._imported)
            return
        self._build(missing[0])
        self._warm_up.start()

    def _imported(self, _: object) -> None:
        self._importing = False
        self._warm_up.start()

    def _wire(self, key: str, page: QWidget) -> None:
        """The few signals between this page and the window. What a write changed reaches the pages through the
        window's refresher (ui/views.py), not through signals from page to page."""
        window = self.window
        if key == "dashboard":
            from cocon_desktop.ui.dashboard_routes import open_action

            dashboard = window.dashboard_page
            dashboard.open_requested.connect(lambda item: open_action(window, item, dashboard.today()))
            dashboard.exports.written.connect(lambda text: window.statusBar().showMessage(text, 10000))
        elif key == "children":  # a séance recorded from a child's file can be undone from Séances (Ctrl+Z)
            window.children_page.file.seance_recorded.connect(
                lambda *args: window.seances_page.seance_actions.remember_seance(*args))
        elif key == "seances":
            window.seances_page.quick_entry_requested.connect(window.quick_seance)

    # -- the practice
    def attach(self, practice: Practice) -> None:
        for page in self._built.values():
            page.set_practice(practice, reload=not hasattr(page, "SHOWS"))  # type: ignore[attr-defined]
        self._warm_up.start()

    def set_practice(self, practice: Practice | None) -> None:
        """Locked (None) or unlocked: the pages built so far get the handle (the window's refresher then has the
        views read again; the forms keep what was typed); the others get it when built."""
        for page in self._built.values():
            page.set_practice(practice, reload=False)  # type: ignore[attr-defined]
        if practice is not None:
            self._warm_up.start()

    def stop(self) -> None:
        self._warm_up.stop()
