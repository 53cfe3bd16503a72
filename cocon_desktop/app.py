"""Composition root: paths → vault/key → engine → services → QApplication and the first window.

With the key in the OS keychain, the main window is on screen before the database is opened: the keychain, the
ORM and the schema check run in the background (MainWindow.opening). What the first window does not need is
imported later (the wizard, the unlock window, the ORM)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog, QWidget

from cocon_desktop import __version__
from cocon_desktop.clock import SYSTEM_CLOCK, Clock, from_environment
from cocon_desktop.paths import default_data_dir
from cocon_desktop.services import practice_keys
from cocon_desktop.ui.i18n import error_text, install_fonts, install_french, tr
from cocon_desktop.ui.icons import app_icon
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.none_refcount import pin_none
from cocon_desktop.ui.qt_messages import route_to_log
from cocon_desktop.ui.tasks import SyncRunner, TaskRunner, ThreadPoolRunner

if TYPE_CHECKING:
    from cocon_desktop.services.practice_handle import Practice
    from cocon_desktop.services.practice_keys import Argon2Params


def make_application(argv: list[str]) -> QApplication:
    route_to_log()  # Qt's platform notes are not the user's business: the log has them (--verbose)
    pin_none()  # PySide6 6.12 on Python 3.11 leaks references to None: see ui/none_refcount.py
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv)
    app.setApplicationName("COCON Desktop")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("COCON")
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("cocon-desktop")  # Wayland/X11: matches installer/linux/cocon-desktop.desktop
    install_fonts(app)
    install_french(app)
    return app


class AppController(QObject):
    """Decides which window comes first and hands the opened practice to the main window."""

    def __init__(self, data_dir: Path, runner: TaskRunner, *, demo: bool = False,
                 kdf: Argon2Params | None = None, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__()
        self.data_dir, self.runner, self.demo, self.kdf = data_dir, runner, demo, kdf
        self.clock = clock  # "today" for the demo and every page
        self.main_window: MainWindow | None = None
        self.first_window: QWidget | None = None
        self.freeze_after_start = False  # run() turns it on (not the tests: frozen objects are never collected)

    def start(self) -> QWidget:
        """Show the first window: main window (demo, or key in the keychain), unlock window or wizard."""
        if self.demo:
            return self._prepare_demo()
        if not practice_keys.practice_exists(self.data_dir):
            from cocon_desktop.ui.dialogs.first_run_wizard import FirstRunWizard

            wizard = FirstRunWizard(self.data_dir, self.runner, practice_keys.keychain_status(), self.kdf)
            wizard.practice_created.connect(self.open_main)
            self.first_window = wizard
            wizard.show()
            return wizard
        try:
            keyfile = practice_keys.key_file_facts(self.data_dir)
        except Exception:  # a damaged key file: the unlock window says so at its field
            keyfile = None
        if keyfile is not None and keyfile.remembered:
            return self._open_from_keychain(keyfile.demo)
        return self._ask_passphrase()

    def _open_from_keychain(self, demo: bool) -> MainWindow:
        """The main window at once; the key, the ORM and the database in the background."""
        data_dir = self.data_dir

        def opener() -> Practice | None:
            from cocon_desktop.services.practice_handle import open_from_keychain

            return open_from_keychain(data_dir)

        window = MainWindow.opening(data_dir, self.runner, opener, demo=demo, clock=self.clock)
        window.backup_on_close = True
        window.warmed.connect(self._started)
        window.open_failed.connect(self._keychain_failed)
        self.main_window = window
        window.show()
        return window

    def _started(self) -> None:
        """Every page is built: the objects alive now (modules, classes, widgets: ~170,000) are left out of the
        garbage collector's full passes, which walked them all each time (90–210 ms, on the GUI thread or in a
        worker holding the GIL: stalls in the responsiveness test). They are still freed when no longer used."""
        if self.freeze_after_start:
            import gc

            gc.freeze()
            gc.enable()  # run() turned it off for the start

    def _keychain_failed(self, error: BaseException | None) -> None:
        """No key in the keychain (or the database would not open with it): the passphrase, as without it."""
        if self.freeze_after_start:
            import gc

            gc.enable()  # the passphrase may take a while: the start is over
        window, self.main_window = self.main_window, None
        unlock = self._ask_passphrase(error)
        unlock.finished.connect(lambda _: self.main_window or QApplication.quit())
        if window is not None:
            window.close()
            window.deleteLater()

    def _ask_passphrase(self, error: BaseException | None = None) -> QDialog:
        from cocon_desktop.ui.dialogs.unlock_window import UnlockWindow

        unlock = UnlockWindow(self.data_dir, self.runner)
        unlock.practice_opened.connect(self.open_main)
        if error is not None:
            unlock.panel.passphrase_box.show_text(error_text(error))
        self.first_window = unlock
        unlock.show()
        return unlock

    def _prepare_demo(self) -> QWidget:
        """The demo practice is built in the background (children, séances, signed invoices: a few seconds)."""
        waiting = QProgressDialog(tr("Préparation du cabinet de démonstration : enfants, séances, factures "
                                     "signées…"), "", 0, 0)
        waiting.setWindowTitle("COCON Desktop")
        waiting.setCancelButton(None)
        waiting.setMinimumDuration(0)
        self.first_window = waiting
        waiting.show()
        data_dir = self.data_dir

        def done(practice: Practice) -> None:
            self.open_main(practice)  # before closing the waiting window, so that the program does not quit
            waiting.close()

        def failed(error: BaseException) -> None:
            waiting.close()
            QMessageBox.critical(None, "COCON Desktop", error_text(error))
            QApplication.quit()

        from cocon_desktop.services.demo import create_demo  # imports the signing stack: only for a demo

        today = self.clock.today()
        self.runner.run(lambda: create_demo(data_dir, today), done, failed)
        return self.main_window or waiting

    def open_main(self, practice: Practice) -> MainWindow:
        demo = self.demo or practice_keys.key_file_facts(practice.data_dir).demo
        self.main_window = MainWindow(practice, self.runner, demo=demo, clock=self.clock)
        self.main_window.backup_on_close = not self.demo  # the demo practice is thrown away anyway
        self.main_window.warmed.connect(self._started)
        self.main_window.show()
        return self.main_window


def run(argv: list[str], data_dir: Path | None, demo: bool) -> int:
    app = make_application(argv)
    temp: Path | None = None
    if demo:
        temp = Path(tempfile.mkdtemp(prefix="cocon-demo-"))
        data_dir = temp / "cabinet"
    controller = AppController((data_dir or default_data_dir()).expanduser(), ThreadPoolRunner(), demo=demo,
                               clock=from_environment(os.environ))  # COCON_TODAY=AAAA-MM-JJ: a fixed day
    controller.freeze_after_start = True
    import gc

    # No cyclic collection while the program starts: the imports behind the window (the ORM: ~170,000 objects)
    # set off full passes that only walked them (~35 ms of the ORM's import in the background). Turned back on
    # once every page is built (AppController._started freezes what is alive then), or at once when the first
    # window is not the main window.
    gc.disable()
    try:
        first = controller.start()
        if isinstance(first, QDialog):
            gc.enable()
            first.finished.connect(lambda _: controller.main_window or app.quit())
        return app.exec()
    finally:
        if controller.main_window is not None and controller.main_window.practice is not None:
            controller.main_window.practice.close()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def self_test(argv: list[str], data_dir: Path | None) -> int:
    """`cocon-desktop --self-test --data-dir DIR` (the installers' smoke test, offscreen): a demo practice in DIR,
    the main window with its icons and fonts, the About box. Prints what failed and returns 1, or returns 0."""
    app = make_application(argv)
    temp = None if data_dir is not None else Path(tempfile.mkdtemp(prefix="cocon-self-test-"))
    folder = data_dir or (temp or Path()) / "cabinet"
    from cocon_desktop.services.demo import create_demo

    clock = from_environment(os.environ)
    practice = create_demo(folder, clock.today())
    window = MainWindow(practice, SyncRunner(), clock=clock)  # every page loads at once: nothing left running at exit
    try:
        window.show()
        app.processEvents()
        window.show_about()
        about = window.about_dialog
        problems = [f"navigation icon {key}" for row, key in enumerate(window.page_keys)
                    if window.nav.item(row).icon().isNull()]
        problems += ["application icon"] if app.windowIcon().isNull() else []
        problems += ["DejaVu Sans"] if "DejaVu Sans" not in app.font().family() else []
        rows = about.rows() if about is not None else []
        problems += ["about box"] if len(rows) < 10 else []
        problems += [f"component {name}" for name, version, _ in rows if version in ("", tr("absent"))]
        if about is not None:
            about.reject()
        for problem in problems:
            print(f"self-test: {problem}: FAILED", flush=True)
        print(f"self-test: {len(window.page_keys)} pages, {'FAILED' if problems else 'OK'}", flush=True)
        return 1 if problems else 0
    finally:
        window.close()  # closes the practice (no backup: backup_on_close stays off)
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
