"""Views refreshed by what changed: the one path from a write to every page, badge and count that shows its data.

A view says what it shows (`SHOWS`, a `Changes` value) and how to read it again (`reload()`). After every write run by
`runner.run_op`, the refresher gets the write's `Changes`: a view on screen that shows any of them reads again at
once; one off screen is marked stale and reads again when it is next shown (so that seven pages do not all query the
database after each séance). A view is stale from the start: it reads when first shown."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from cocon_desktop.services.changes import Changes


class ChangeAware(Protocol):
    SHOWS: Changes

    def reload(self) -> None: ...


class ViewRefresher(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._views: list[QWidget] = []
        self._stale: set[int] = set()
        self.enabled = True  # False while the practice is locked or not yet open: nothing reads, all goes stale

    def track(self, view: QWidget) -> None:
        """Follow `view` (it must have SHOWS and reload()); it reads when first shown."""
        if not isinstance(getattr(view, "SHOWS", None), Changes) or not callable(getattr(view, "reload", None)):
            raise TypeError(f"{type(view).__name__} does not say what it shows (SHOWS, reload)")
        self._views.append(view)
        self._stale.add(id(view))
        view.installEventFilter(self)
        view.destroyed.connect(lambda *_: self._forget(view))

    def _forget(self, view: QWidget) -> None:
        if view in self._views:
            self._views.remove(view)
        self._stale.discard(id(view))

    def changed(self, changes: Changes) -> None:
        for view in list(self._views):
            if not (view.SHOWS & changes):  # type: ignore[attr-defined]
                continue
            if self.enabled and view.isVisible():
                self._stale.discard(id(view))
                view.reload()  # type: ignore[attr-defined]
            else:
                self._stale.add(id(view))

    def is_stale(self, view: QWidget) -> bool:
        return id(view) in self._stale

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.enabled and id(watched) in self._stale:
            self._stale.discard(id(watched))
            watched.reload()  # type: ignore[attr-defined]
        return False
