"""Run in a subprocess by large_practice.py: `bare` (a PySide6 main window), `cocon DIR` (the large practice
unlocked with its passphrase, main window shown), `bare-memory` / `visit DIR` (peak RSS, every page visited).

Start is measured from process launch (by the parent) to the window's first event-loop turn (printed by the
child as a wall-clock time); `cocon` also prints the time of the passphrase unlock (Argon2id) so that the
parent can give the keychain path too."""

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
    print(f"shown {time.time():.6f} {extra}".strip(), flush=True)
    os._exit(0)


def main(mode: str, data_dir: str = "") -> None:
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
    from cocon_desktop.security import vault
    from cocon_desktop.services.practice_file import PracticeFile
    from cocon_desktop.ui.main_window import MainWindow
    from cocon_desktop.ui.tasks import ThreadPoolRunner

    app = make_application(sys.argv[:1])
    begin = time.perf_counter()
    key = vault.unlock_with_passphrase(Path(data_dir), "demo")
    unlock_ms = (time.perf_counter() - begin) * 1000
    practice = PracticeFile.open(Path(data_dir), key)
    window = MainWindow(practice, ThreadPoolRunner(), demo=True)
    window.show()
    if mode == "cocon":
        QTimer.singleShot(0, lambda: _shown(f"{unlock_ms:.1f}"))
        app.exec()
        return

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
