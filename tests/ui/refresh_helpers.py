"""A page tested on its own still reads again after a write, as in the window: a ViewRefresher (ui/views.py) follows
the runner's writes and reloads the views that show what changed (the window does the same for its pages)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from cocon_desktop.ui.tasks import TaskRunner
from cocon_desktop.ui.views import ViewRefresher


def follow_writes(runner: TaskRunner, *views: QWidget) -> ViewRefresher:
    """`views` (each with SHOWS and reload()) read again after every write `runner.run_op` runs, as in the window.
    The refresher lives as long as the first view."""
    refresher = ViewRefresher(views[0])
    for view in views:
        refresher.track(view)
    runner.subscribe(refresher.changed)
    return refresher
