"""runner.run_op: a write's Changes reach the subscribers before its caller gets the value; a failed write hands over
the changes it declared; the progress panel shows while it runs, and « Annuler » makes the next report say stop."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from cocon_desktop.errors import CoconError
from cocon_desktop.services.changes import Changes, OpResult
from cocon_desktop.ui.tasks import Report, SyncRunner, ThreadPoolRunner
from cocon_desktop.ui.widgets.progress_panel import ProgressPanel


def test_subscribers_hear_the_changes_before_the_caller_gets_the_value() -> None:
    runner, heard = SyncRunner(), []
    runner.subscribe(lambda changes: heard.append(("changes", changes)))
    runner.run_op(lambda report: OpResult(42, Changes.SEANCES | Changes.INVOICES),
                  lambda value: heard.append(("done", value)), lambda error: heard.append(("failed", error)))
    assert heard == [("changes", Changes.SEANCES | Changes.INVOICES), ("done", 42)]


def test_a_failed_write_hands_over_its_declared_changes_then_the_error() -> None:
    runner, heard = SyncRunner(), []
    runner.subscribe(lambda changes: heard.append(changes))

    def work(report: Report) -> OpResult[None]:
        error = CoconError("cancelled")
        error.changes = Changes.ATTESTATIONS  # type: ignore[attr-defined]  (what practice.write attaches)
        raise error

    failures: list[BaseException] = []
    runner.run_op(work, lambda value: None, failures.append)
    assert heard == [Changes.ATTESTATIONS] and isinstance(failures[0], CoconError)


def test_nothing_is_announced_for_no_change_and_unsubscribed_listeners_hear_nothing() -> None:
    runner, heard = SyncRunner(), []
    listener = heard.append
    runner.subscribe(listener)
    runner.run_op(lambda report: OpResult(None, Changes.NONE), lambda value: None, lambda error: None)
    runner.unsubscribe(listener)
    runner.run_op(lambda report: OpResult(None, Changes.BATCHES), lambda value: None, lambda error: None)
    assert heard == []


def test_a_write_must_go_through_the_handle() -> None:
    runner = SyncRunner()
    try:
        runner.run_op(lambda report: 42, lambda value: None, lambda error: None)  # type: ignore[arg-type,return-value]
    except TypeError as error:
        assert "OpResult" in str(error)
    else:
        raise AssertionError("a bare value was accepted as a write's result")


def test_the_panel_shows_progress_and_cancel_stops_the_work(qtbot: QtBot) -> None:
    panel = ProgressPanel(lambda n, total: f"Facture {n} sur {total}")
    qtbot.addWidget(panel)
    panel.show()
    runner = ThreadPoolRunner()
    answers: list[bool] = []
    steps: list[str] = []
    panel.relay.progressed.connect(lambda done, total: steps.append(panel.bar.format()))
    running: list[bool] = []
    panel.running.connect(running.append)

    clicked = threading.Event()

    def work(report: Report) -> OpResult[int]:
        answers.append(report(0, 3))
        clicked.wait(10)  # « Annuler » is clicked between two steps
        answers.append(report(1, 3))
        return OpResult(1, Changes.INVOICES)

    done: list[int] = []
    runner.run_op(work, done.append, lambda error: None, progress=panel)
    assert panel.isVisible() and panel.is_running
    qtbot.waitUntil(lambda: steps == ["Facture 1 sur 3"], timeout=10_000)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.cancel_button.isEnabled() and panel.cancel_button.text() == "Annulation…"
    clicked.set()
    qtbot.waitUntil(lambda: done == [1], timeout=10_000)
    assert answers == [True, False]  # the service stops at its next safe point
    assert running == [True, False] and not panel.isVisible()
    panel.begin()  # the next run starts afresh
    assert panel.report(0, 1) and panel.cancel_button.isEnabled() and panel.cancel_button.text() == "Annuler"
