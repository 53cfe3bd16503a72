"""The main window: navigation on the left, the pages, a status bar; locks itself when idle."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
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
from cocon_desktop.security import vault
from cocon_desktop.services.practice_file import PracticeFile
from cocon_desktop.ui.dashboard_routes import open_action
from cocon_desktop.ui.dialogs.about_dialog import AboutDialog
from cocon_desktop.ui.dialogs.quick_seance_dialog import QuickSeanceDialog
from cocon_desktop.ui.i18n import tr
from cocon_desktop.ui.icons import navigation_icon
from cocon_desktop.ui.idle import IdleWatcher
from cocon_desktop.ui.pages.attestations_page import AttestationsPage
from cocon_desktop.ui.pages.backups_tab import backup_on_close
from cocon_desktop.ui.pages.children_page import ChildrenPage
from cocon_desktop.ui.pages.dashboard_page import DashboardPage
from cocon_desktop.ui.pages.invoicing_page import InvoicingPage
from cocon_desktop.ui.pages.placeholder_page import PlaceholderPage
from cocon_desktop.ui.pages.seances_page import SeancesPage
from cocon_desktop.ui.pages.settings_page import SettingsPage
from cocon_desktop.ui.pages.sync_page import SyncPage
from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.widgets.pending_indicator import PendingIndicator
from cocon_desktop.ui.widgets.unlock_panel import UnlockPanel

NAVIGATION = (
    ("dashboard", "Tableau de bord", ""),
    ("children", "Enfants", ""),
    ("seances", "Séances", ""),
    ("invoicing", "Facturation", ""),
    ("attestations", "Attestations", ""),
    ("sync", "Synchronisation", ""),
    ("settings", "Paramètres", ""),
)


class MainWindow(QMainWindow):
    locked_changed = Signal(bool)

    def __init__(self, practice: PracticeFile, runner: TaskRunner, *, demo: bool = False) -> None:
        super().__init__()
        self.practice: PracticeFile | None = practice
        self.runner = runner
        self.backup_on_close = False  # app.py turns it on: a backup into backups/ when the window closes
        self.vault_id = practice.key.vault_id
        self.data_dir = practice.data_dir
        self._hidden_windows: list[QWidget] = []
        self.setWindowTitle(tr("COCON Desktop"))
        self.resize(1180, 760)

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
            banner.setStyleSheet("background: #fff4d6; padding: 6px 12px; color: #5a4300;")
            outer.addWidget(banner)
        body = QHBoxLayout()
        outer.addLayout(body, 1)
        self.nav = QListWidget(self.shell)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(210)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; border: none; background: #f3f5f8; }"
                               "QListWidget::item { padding: 10px 14px; }"
                               "QListWidget::item:selected { background: #d7e3f4; color: #102a43; }")
        self.pages = QStackedWidget(self.shell)
        self.page_keys: list[str] = []
        self.settings_page = SettingsPage(runner, self.pages)
        self.children_page = ChildrenPage(runner, parent=self.pages)
        self.seances_page = SeancesPage(runner, parent=self.pages)
        self.invoicing_page = InvoicingPage(runner, parent=self.pages)
        self.attestations_page = AttestationsPage(runner, parent=self.pages)
        self.sync_page = SyncPage(runner, parent=self.pages)
        self.dashboard_page = DashboardPage(runner, parent=self.pages)
        self.quick_dialog: QuickSeanceDialog | None = None
        built: dict[str, QWidget] = {"settings": self.settings_page, "children": self.children_page,
                                     "seances": self.seances_page, "invoicing": self.invoicing_page,
                                     "sync": self.sync_page}
        built["attestations"] = self.attestations_page
        built["dashboard"] = self.dashboard_page
        for index, (key, title, coming) in enumerate(NAVIGATION):
            page = built.get(key) or PlaceholderPage(tr(title), tr(coming), self.pages)
            page.setObjectName(f"page_{key}")
            self.pages.addWidget(page)
            self.nav.addItem(tr(title))
            self.nav.item(index).setIcon(navigation_icon(key))
            self.page_keys.append(key)
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, k=key: self.show_page(k, focus=True))
            self.addAction(action)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        self.root.addWidget(self.shell)

        self.lock_screen = self._build_lock_screen()
        self.root.addWidget(self.lock_screen)

        self.vault_label = QLabel(self)
        self.vault_label.setObjectName("vault_state")
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
        self.about_button.clicked.connect(self.show_about)
        self.statusBar().addPermanentWidget(self.about_button)
        about_action = QAction(tr("À propos de COCON Desktop"), self)
        about_action.setShortcut(QKeySequence("F1"))
        about_action.triggered.connect(self.show_about)
        self.addAction(about_action)
        lock_action = QAction(tr("Verrouiller"), self)
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.triggered.connect(self.lock)
        self.addAction(lock_action)
        for shortcut, slot in (("Ctrl+N", self.new_child), ("Ctrl+F", self.find_child),
                               ("Ctrl+Shift+S", self.quick_seance)):
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            self.addAction(action)

        self.idle = IdleWatcher(settings.LOCK_IDLE_MINUTES.default, self)
        self.idle.idle.connect(self.lock)
        self.settings_page.lock_minutes_changed.connect(self.idle.set_minutes)
        self.settings_page.set_practice(practice)
        self.children_page.set_practice(practice)
        self.seances_page.set_practice(practice)
        self.invoicing_page.set_practice(practice)
        self.attestations_page.set_practice(practice)
        self.sync_page.set_practice(practice)
        self.dashboard_page.set_practice(practice)
        for changed in (self.sync_page.changed, self.invoicing_page.issue_tab.issued,
                        self.invoicing_page.documents_tab.changed, self.nav.currentRowChanged):
            changed.connect(lambda *_: self.pending_status.refresh())  # « N à envoyer »
        self.pending_status.refresh()
        self.seances_page.quick_entry_requested.connect(self.quick_seance)
        self.seances_page.seances_changed.connect(self.children_page.file.reload)  # its forfait gauges move
        self.children_page.file.seance_recorded.connect(self.seances_page.seance_actions.remember_seance)
        self.dashboard_page.open_requested.connect(lambda item: open_action(self, item, self.dashboard_page.today()))
        self.dashboard_page.exports.written.connect(lambda text: self.statusBar().showMessage(text, 10000))
        for changed in (self.sync_page.changed, self.invoicing_page.issue_tab.issued,  # the dashboard is current
                        self.invoicing_page.documents_tab.changed, self.seances_page.seances_changed,
                        self.children_page.file.child_changed, self.children_page.file.seance_recorded):
            changed.connect(lambda *_: self.dashboard_page.refresh())
        self.nav.setCurrentRow(0)
        self._show_state()
        self.idle.start()

    def _build_lock_screen(self) -> QWidget:
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
        self.unlock_panel = UnlockPanel(self.data_dir, self.runner, expected_vault_id=self.vault_id, parent=box)
        self.unlock_panel.unlocked.connect(self._unlocked)
        inner.addWidget(self.unlock_panel)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return screen

    @property
    def is_locked(self) -> bool:
        return self.root.currentWidget() is self.lock_screen

    def lock(self) -> None:
        """Hide every piece of data, forget the key, keep the widgets (and what they hold) as they are."""
        if self.is_locked:
            return
        self.idle.stop()
        self._hidden_windows = [w for w in QApplication.topLevelWidgets()
                                if w is not self and w.isVisible() and w.isWindow()]
        for window in self._hidden_windows:
            window.hide()
        self.root.setCurrentWidget(self.lock_screen)
        if self.practice is not None:
            self.practice.close()
        self.practice = None
        self.settings_page.set_practice(None)
        self.children_page.set_practice(None)
        self.seances_page.set_practice(None)
        self.invoicing_page.set_practice(None)
        self.attestations_page.set_practice(None)
        self.sync_page.set_practice(None)
        self.dashboard_page.set_practice(None)
        self.pending_status.refresh()
        self._show_state()
        self.unlock_panel.focus()
        self.locked_changed.emit(True)

    def _unlocked(self, practice: PracticeFile) -> None:
        self.practice = practice
        self.settings_page.set_practice(practice, reload=False)
        self.children_page.set_practice(practice, reload=False)
        self.seances_page.set_practice(practice, reload=False)
        self.invoicing_page.set_practice(practice, reload=False)
        self.attestations_page.set_practice(practice, reload=False)
        self.sync_page.set_practice(practice, reload=False)
        self.dashboard_page.set_practice(practice, reload=False)
        self.pending_status.refresh()
        self.root.setCurrentWidget(self.shell)
        for window in self._hidden_windows:
            window.show()
        self._hidden_windows = []
        self._show_state()
        self.idle.start()
        self.locked_changed.emit(False)

    def show_page(self, key: str, *, focus: bool = False) -> None:
        self.nav.setCurrentRow(self.page_keys.index(key))
        page = self.pages.currentWidget()
        if focus and page is not None and page.focusProxy() is not None:  # e.g. Séances: the day's list
            page.setFocus()

    def new_child(self) -> None:
        """Ctrl+N: the Enfants page, and the form for a new child."""
        if self.is_locked:
            return
        self.show_page("children")
        self.children_page.new_child()

    def find_child(self) -> None:
        """Ctrl+F: the children list, search field focused."""
        if self.is_locked:
            return
        self.show_page("children")
        self.children_page.focus_search()

    def quick_seance(self) -> None:
        """Ctrl+Shift+S from any page: the quick entry of a séance (one at a time)."""
        if self.is_locked:
            return
        if self.quick_dialog is not None and self.quick_dialog.isVisible():
            self.quick_dialog.raise_()
            self.quick_dialog.activateWindow()
            return
        file = self.children_page.file
        showing_file = self.pages.currentWidget() is self.children_page and file.isVisible()
        self.quick_dialog = QuickSeanceDialog(self.seances_page.current_sessions, self.runner,
                                              child=file.current_child() if showing_file else None, parent=self)
        self.quick_dialog.recorded.connect(self._seance_recorded)
        self.quick_dialog.open()

    def show_about(self) -> None:
        """« ? » or F1: version, licences of the bundled components, where the data lives."""
        if self.about_dialog is not None and self.about_dialog.isVisible():
            self.about_dialog.raise_()
            return
        self.about_dialog = AboutDialog(self.data_dir, self)
        self.about_dialog.open()

    def _seance_recorded(self, seance_id: int, label: str) -> None:
        self.seances_page.seance_actions.remember_seance(seance_id, label)
        self.dashboard_page.refresh()
        self.statusBar().showMessage(tr("Séance enregistrée : {0}. Ctrl+Z sur la page Séances pour "
                                        "l'annuler.").format(label), 8000)

    def _show_state(self) -> None:
        if self.is_locked:
            self.vault_label.setText(tr("Cabinet verrouillé"))
            self.lock_button.setEnabled(False)
            return
        remembered = vault.load_keyfile(self.data_dir).remembered
        self.vault_label.setText(
            tr("Coffre ouvert — base chiffrée (SQLCipher, AES-256)") + " · " +
            (tr("clé gardée dans le trousseau") if remembered else tr("clé en mémoire seulement")) +
            " · " + str(self.data_dir))
        self.lock_button.setEnabled(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.practice is not None:
            if self.backup_on_close:  # locked: no key in memory, no backup
                backup_on_close(self.practice, self)
            self.practice.close()
            self.practice = None
        super().closeEvent(event)
