"""How UI pieces reach the open practice's database: a callable, None while the practice is locked.

Pages and dialogs ask for it when they start a task, so that a dialog kept open across a lock and an
unlock uses the database opened by the unlock, never the one closed by the lock."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

SessionsSource = Callable[[], "sessionmaker[Session] | None"]
