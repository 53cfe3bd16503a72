"""The UI stays responsive on a large practice: a 5 ms QTimer on the GUI thread records the longest gap between
its ticks (an event-loop stall) while every page and the main actions are visited, with the real background
runner (SQL in worker threads, as in the program).

The practice is the full large demo (2,000 children, 100,000 séances, ~12,000 invoices), without the signed
month (signed_months=0: the PDFs are not what is measured here): ~12 s to build, once for the module.
Goal: no stall above 50 ms. The steps that still stall more are listed in KNOWN with a ceiling (docs/performance.md
says why): the test fails if one of them gets clearly worse, or if any other step goes above 50 ms. A step over its
limit is measured once more from the same state (`before`, then the action again), and the lower figure kept: a
stall of the program repeats, a pause of this shared 2-CPU machine (another process, a garbage collection) does
not. Run with -s to see the figures (a second figure in brackets: the step was measured twice)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QElapsedTimer, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from cocon_desktop.domain.money import babel_euros as babel_money
from cocon_desktop.services.demo_large import create_large_demo
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.ui.formatting import long_date, money, month_year, short_day, week_text
from cocon_desktop.ui.main_window import MainWindow
from cocon_desktop.ui.tasks import ThreadPoolRunner
from tests.dates import CLOCK, TODAY

GOAL_MS = 50
# step → ceiling (ms): steps measured above the goal at least once in three runs on this shared 2-CPU machine
# (docs/performance.md, « Responsiveness »): the first showing of a page (its polish, layouts and first paint,
# 35–120 ms under a load of 2–3) meeting its background loads and the interpreter's full garbage collections
# (100–300 ms in this process, which built the demo). The ceilings are ~2× the worst of three runs, 150 at most:
# the test still fails if a step gets clearly worse, and every other step must stay under 50 ms.
KNOWN = {"page children": 110, "page seances": 150, "page invoicing": 130, "page sync": 150}


class StallProbe:
    """A 5 ms timer on the GUI thread: the longest gap between two ticks is the worst stall."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.worst = 0
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last = self.clock.elapsed()
        self.worst = 0


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Practice]:
    practice = create_large_demo(tmp_path_factory.mktemp("large") / "cabinet", TODAY, signed_months=0)
    yield practice
    practice.close()


def _settle(app: QApplication, seconds: float = 0.4) -> None:
    """Run the event loop until the background tasks are done and `seconds` have passed."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or QThreadPool.globalInstance().activeThreadCount():
        app.processEvents()
        time.sleep(0.001)
        assert time.perf_counter() < end + 60, "background tasks did not finish"
    app.processEvents()


def test_money_is_babels_text() -> None:
    for value in ("0", "-0.005", "0.015", "39", "1365", "-1234567.891", "999.995", "12345678.5"):
        assert money(Decimal(value)) == babel_money(Decimal(value))


def test_dates_are_babels_text() -> None:
    """long_date, short_day and week_text are written out (Babel's French data: ~60 ms to load at start)."""
    from babel.dates import format_date

    day = date(2026, 1, 1)
    while day < date(2028, 1, 8):
        assert long_date(day) == format_date(day, "EEEE d MMMM y", locale="fr_FR")
        assert short_day(day) == format_date(day, "EEE dd/MM", locale="fr_FR")
        assert month_year(day) == format_date(day, "MMMM y", locale="fr_FR")
        day += timedelta(days=1)
    monday = date(2026, 12, 28)
    assert week_text(monday) == f"du {format_date(monday, 'd MMMM y', locale='fr_FR')} au 3 janvier 2027"
    assert week_text(date(2026, 11, 30)) == "du 30 novembre au 6 décembre 2026"
    assert week_text(date(2026, 11, 23)) == "du 23 au 29 novembre 2026"


@pytest.mark.slow
@pytest.mark.serial  # milliseconds measured: alone, not beside the other workers (make test's second pass)
def test_no_user_action_stalls_the_event_loop(qtbot: QtBot, large: Practice) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(large, ThreadPoolRunner(), demo=True, clock=CLOCK)
    qtbot.addWidget(window)
    window.show()
    probe = StallProbe()
    warmed: list[bool] = []
    window.warmed.connect(lambda: warmed.append(True))
    qtbot.waitUntil(lambda: bool(warmed), timeout=120_000)  # every page built, as after the program's start-up
    gc.freeze()  # what app.py does then (AppController._started); undone below, this process goes on testing
    try:
        _settle(app, 1.0)
        measured: dict[str, int] = {}
        retried: dict[str, int] = {}

        def run(action: Callable[[], object]) -> int:
            _settle(app, 0.1)
            probe.reset()
            action()
            _settle(app)
            return probe.worst

        def step(name: str, action: Callable[[], object], before: Callable[[], object]) -> None:
            measured[name] = run(action)
            if measured[name] > KNOWN.get(name, GOAL_MS):  # once more from the same state: does it repeat?
                before()
                retried[name] = measured[name]
                measured[name] = min(measured[name], run(action))

        children, seances, invoicing = window.children_page, window.seances_page, window.invoicing_page
        for key in window.page_keys:
            step(f"page {key}", lambda k=key: window.show_page(k),  # type: ignore[misc]
                 lambda k=key: window.show_page("settings" if k == "dashboard" else "dashboard"))  # type: ignore[misc]
        window.show_page("children")

        def search(text: str) -> None:
            children.search.setText(text)
            children.apply_filters()

        step("children: search « bern »", lambda: search("bern"), lambda: search(""))
        step("children: search cleared", lambda: search(""), lambda: search("bern"))
        step("children: all, not only active", lambda: children.active_only.setChecked(False),
             lambda: children.active_only.setChecked(True))
        step("children: scroll to the end", children.table.scrollToBottom, children.table.scrollToTop)
        step("children: open a child's file", lambda: children.open_child(children.model.rows[0].id), lambda: None)
        step("children: open another file", lambda: children.open_child(1500), lambda: children.open_child(1499))
        window.show_page("seances")
        step("séances: agenda week", lambda: seances.tabs.setCurrentIndex(1), lambda: seances.tabs.setCurrentIndex(0))
        monday = seances.agenda.monday
        step("séances: next week", lambda: seances.agenda.show_week(monday + timedelta(days=7)),
             lambda: seances.agenda.show_week(monday))
        window.show_page("invoicing")
        issue = invoicing.issue_tab
        for index in (0, 2, 3, 1):
            step(f"invoicing: month {index}", lambda i=index: issue.month.setCurrentIndex(i),  # type: ignore[misc]
                 lambda i=index: issue.month.setCurrentIndex((i + 1) % 4))  # type: ignore[misc]
        step("invoicing: documents tab", lambda: invoicing.tabs.setCurrentWidget(invoicing.documents_tab),
             lambda: invoicing.tabs.setCurrentWidget(issue))
        step("invoicing: scroll the documents", invoicing.documents_tab.table.scrollToBottom,
             invoicing.documents_tab.table.scrollToTop)
        step("invoicing: unpaid tab", lambda: invoicing.tabs.setCurrentWidget(invoicing.unpaid_tab),
             lambda: invoicing.tabs.setCurrentWidget(invoicing.documents_tab))
        documents = invoicing.documents_tab
        assert 200 < documents.model.rowCount() == len(documents.rows) <= 800  # pages read in SQL as the view scrolls
        assert documents.rows[0].issue_date >= documents.rows[-1].issue_date  # newest first
        assert len(invoicing.unpaid_tab.rows) > 0 and "Total dû" in invoicing.unpaid_tab.total.text()

        print("\nevent-loop stalls on the large practice (ms):")
        for name, worst in measured.items():
            print(f"  {name:<40} {worst:>5}" + (f"  (first {retried[name]})" if name in retried else ""))
        over = {name: worst for name, worst in measured.items() if worst > KNOWN.get(name, GOAL_MS)}
    finally:
        window.close()
        _settle(app, 0.1)
        gc.unfreeze()
    assert not over, f"stalls above {GOAL_MS} ms (or above their known ceiling): {over}"
