"""Locking closes the practice: the key is forgotten, no view and no background task reads the database while
locked, and the unlock opens it again (ARCHITECTURE rule 14)."""

from __future__ import annotations

import gc
import threading
import types
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, event

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from cocon_desktop.__main__ import _excepthook
from cocon_desktop.errors import DatabaseError
from cocon_desktop.services.children import ChildQuery, list_children
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import Done, Failed, SyncRunner, ThreadPoolRunner
from tests.conftest import STRONG_PASSPHRASE
from tests.dates import CLOCK, TODAY
from tests.ui.child_helpers import make_child

CHILDREN = 3


class HeldRunner(SyncRunner):
    """Runs at once, or, while `held`, keeps the tasks until `release()`: a task started before the lock that
    runs after it."""

    def __init__(self) -> None:
        super().__init__()
        self.held = False
        self.waiting: list[tuple[Callable[[], Any], Done, Failed]] = []
        self.errors: list[BaseException] = []

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        def failed(error: BaseException) -> None:
            self.errors.append(error)
            on_error(error)

        if self.held:
            self.waiting.append((fn, on_done, failed))
        else:
            super().run(fn, on_done, failed)

    def release(self) -> int:
        waiting, self.waiting, self.held = self.waiting, [], False
        for task in waiting:
            super().run(*task)
        return len(waiting)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs from now on."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def _window(qtbot: QtBot, practice: Practice, runner: HeldRunner) -> MainWindow:
    for index in range(CHILDREN):
        make_child(practice, last_name=f"Martin{index}", inclusion_number=f"RPO-{index + 1:04d}")
    window = MainWindow(practice, runner, clock=CLOCK)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.page_set.all_built)
    window.show_page("children")
    assert window.children_page.model.rowCount() == CHILDREN
    return window


def _no_dialog(window: MainWindow) -> None:
    shown = [w for w in QApplication.topLevelWidgets() if w is not window and w.isVisible() and isinstance(w, QDialog)]
    assert shown == [], "no error or crash dialog"
    assert not window.children_page.error.isVisible()


def _unlock(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.unlock_panel
    qtbot.keyClicks(panel.passphrase, STRONG_PASSPHRASE)
    qtbot.keyClick(panel.passphrase, Qt.Key.Key_Return)
    assert not window.is_locked


def test_lock_forgets_the_key_and_the_unlock_reopens(qtbot: QtBot, practice: Practice) -> None:
    window = _window(qtbot, practice, HeldRunner())
    engine, holder, data_key = practice.engine, practice.key_holder, practice.key.data_key
    key, sessions = weakref.ref(practice.key), weakref.ref(practice.sessions)
    window.invoicing_page.reload()  # the paged lists of « Documents émis » and « Impayés » hold their source
    window.invoicing_page.unpaid_tab.reload()
    window.lock()
    gc.collect()

    with pytest.raises(DatabaseError) as caught:  # (a) the old engine's creator: no connection
        engine.connect()
    assert caught.value.code == "practice_closed"
    assert holder.closed and key() is None  # (b) nothing keeps the key: not the window, its pages, their lambdas
    referrers = [r for r in gc.get_referrers(data_key) if not isinstance(r, types.FrameType)]
    assert referrers == [], "no object but this test still holds the key's bytes"
    assert window.practice is None
    assert sessions() is None, "no view, no lambda keeps the sessions of before the lock"

    _unlock(qtbot, window)  # (e) a new handle, the list read again
    assert window.practice is not None and window.practice is not practice and not window.practice.closed
    window.show_page("children")
    qtbot.waitUntil(lambda: window.children_page.model.rowCount() == CHILDREN)
    window.close()


def test_after_the_lock_no_refresh_reads_anything(qtbot: QtBot, practice: Practice,
                                                   statements: list[str]) -> None:
    runner = HeldRunner()
    window = _window(qtbot, practice, runner)
    window.lock()
    statements.clear()
    for key in window.page_keys:  # (d) each page asked to read again, as a change or a scroll would
        page: Any = window.page(key)
        for name in ("refresh", "reload"):
            if hasattr(page, name):
                getattr(page, name)()
    invoicing = window.invoicing_page
    invoicing.documents_tab.reload()
    invoicing.unpaid_tab.reload()
    window.children_page.model.reload()
    window.children_page.model.fetchMore(QModelIndex())
    window.pending_status.refresh()
    assert statements == [] and runner.errors == []
    _no_dialog(window)
    window.close()


def test_a_task_started_before_the_lock_reads_nothing_after_it(qtbot: QtBot, practice: Practice,
                                                               statements: list[str]) -> None:
    runner = HeldRunner()
    window = _window(qtbot, practice, runner)
    window.show_page("invoicing")
    runner.held = True  # (c) loads started now, run once the window is locked
    window.children_page.model.reload()
    window.invoicing_page.reload()
    window.invoicing_page.unpaid_tab.reload()
    started = len(runner.waiting)
    assert started >= 3
    window.lock()
    statements.clear()
    assert runner.release() == started
    assert statements == [], "no task read the database after the lock"
    assert runner.errors and {getattr(e, "code", "") for e in runner.errors} == {"practice_closed"}
    _no_dialog(window)  # each view was told (its buttons and flags reset), behind the lock screen, no dialog

    _unlock(qtbot, window)
    window.show_page("children")
    qtbot.waitUntil(lambda: window.children_page.model.rowCount() == CHILDREN)
    assert not window.children_page.error.isVisible()
    assert statements != []  # read again, with the new handle
    window.close()


def test_a_worker_thread_that_outlives_the_lock_gets_the_closed_error(qtbot: QtBot, practice: Practice,
                                                                    statements: list[str]) -> None:
    """The real runner: a task holding the sessions of before the lock, run by a worker after it."""
    runner = ThreadPoolRunner()
    window = _window(qtbot, practice, HeldRunner())
    sessions, gate = practice.sessions, threading.Event()
    done: list[object] = []
    failed: list[BaseException] = []

    def task() -> int:
        gate.wait(10)
        return len(list_children(sessions, ChildQuery(), TODAY, 0, 10))

    runner.run(task, done.append, failed.append)
    window.lock()
    statements.clear()
    gate.set()
    qtbot.waitUntil(lambda: bool(done or failed))
    assert done == [] and [getattr(e, "code", "") for e in failed] == ["practice_closed"]
    assert statements == []
    runner.wait()
    window.close()


def test_the_closed_error_opens_no_crash_dialog(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[object] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box))  # a real one would wait for a click
    error = DatabaseError("practice_closed")
    _excepthook(DatabaseError, error, None)
    assert shown == []
    _excepthook(RuntimeError, RuntimeError("bug"), None)  # any other error still tells the user
    assert len(shown) == 1
