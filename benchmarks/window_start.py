"""Run in a subprocess by large_practice.py: `bare` (a PySide6 main window), `cocon DIR` (the program's own start
path, AppController.start, on the large practice: the key from the keychain — see memory_keyring.py —, the main
window shown, then opened and its dashboard filled), `unlock DIR` (the same practice, key not remembered: the unlock
window), `bare-memory` / `visit DIR` (peak RSS, every page visited).

Start is measured from process launch (by the parent) to the window's first event-loop turn (printed by the child
as a wall-clock time: "shown T"); `cocon` then prints "ready T" when the dashboard shows the practice's lines, and
whether the ORM had been imported when the window showed."""

from __future__ import annotations

import os
import sys
import time


def _peak_mb() -> float:
    """VmHWM: this process's own peak (ru_maxrss would include the parent's, inherited across fork+exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _shown(extra: str = "") -> None:
    """The first event-loop turn after show(): the window is on screen. Exit at once (background tasks would
    otherwise be waited for)."""
    print(f"shown {time.time():.6f} cpu={time.process_time() * 1000:.0f} {extra}".strip(), flush=True)
    os._exit(0)


def _program_start(mode: str, data_dir: str) -> None:
    """`cocon-desktop --data-dir DIR` as installed (cocon_desktop.__main__.main), with two probes on the first
    window: its first event-loop turn, and (`cocon`) the dashboard filled."""
    from cocon_desktop import __main__ as entry
    from cocon_desktop.ui.pyside_startup import skip_feature_scan

    skip_feature_scan()  # what entry.main does first: the probe below imports the program before it
    from PySide6.QtCore import QTimer

    from cocon_desktop.app import AppController

    original = AppController.start

    def start(controller: AppController) -> object:
        first = original(controller)
        orm = "sqlalchemy" in sys.modules

        def shown() -> None:
            print(f"shown {time.time():.6f} cpu={time.process_time() * 1000:.0f} orm={int(orm)}", flush=True)
            if mode == "unlock":
                os._exit(0)

        def ready() -> None:
            window = controller.main_window
            if window is not None and window.practice is not None and window.dashboard_page.updated.text():
                print(f"ready {time.time():.6f}", flush=True)
                os._exit(0)
            QTimer.singleShot(2, ready)

        QTimer.singleShot(0, shown)
        QTimer.singleShot(0, ready)
        return first

    AppController.start = start  # type: ignore[method-assign]
    entry.main(["--data-dir", data_dir])


def main(mode: str, data_dir: str = "") -> None:
    if mode in ("cocon", "unlock"):
        _program_start(mode, data_dir)
        return
    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    if mode.startswith("bare"):
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.resize(1180, 760)
        window.show()
        if mode == "bare-memory":
            QTimer.singleShot(0, app.quit)
            app.exec()
            print(f"rss {_peak_mb():.1f}")
            return
        QTimer.singleShot(0, _shown)
        app.exec()
        return

    from pathlib import Path

    from cocon_desktop.app import make_application
    from cocon_desktop.ui.tasks import ThreadPoolRunner

    app = make_application(sys.argv[:1])
    from cocon_desktop.security import vault
    from cocon_desktop.services.practice_handle import Practice
    from cocon_desktop.ui.main_window import MainWindow

    key = vault.unlock_with_passphrase(Path(data_dir), "demo")
    practice = Practice.open(Path(data_dir), key)
    window = MainWindow(practice, ThreadPoolRunner(), demo=True)
    window.show()

    def settle(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end or QThreadPool.globalInstance().activeThreadCount():
            app.processEvents()
            time.sleep(0.002)

    settle(1)
    for key_name in window.page_keys:
        window.show_page(key_name)
        settle(0.5)
    invoicing = window.invoicing_page
    for tab in range(invoicing.tabs.count()):
        invoicing.tabs.setCurrentIndex(tab)
        settle(0.5)
    window.show_page("children")
    window.children_page.open_child(1000)
    settle(0.5)
    window.seances_page.tabs.setCurrentIndex(1)
    window.show_page("seances")
    settle(0.5)
    print(f"rss {_peak_mb():.1f}")
    window.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
