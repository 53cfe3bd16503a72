"""How UI pieces reach the open practice: a callable giving the practice handle, None while the practice is locked.

Pages and dialogs ask for it when they start a task, so that a dialog kept open across a lock and an unlock uses the
practice opened by the unlock, never the one closed by the lock. The UI reaches the data only through the handle:
`runner.run(lambda: practice.read(use_case, …), …)` for reads, `runner.run_op(lambda report:
practice.write(use_case, …), …)` for writes (tests/unit/test_layering.py holds the rule)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cocon_desktop.services.practice_handle import Practice

PracticeSource = Callable[[], "Practice | None"]
