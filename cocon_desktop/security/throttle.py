"""A growing delay after repeated wrong passphrases, kept on disk so that restarting does not reset it."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path

from cocon_desktop.errors import VaultError
from cocon_desktop.fsutil import atomic_write

FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300


def delay_after(failures: int) -> int:
    """Seconds to wait after `failures` consecutive failures: 0, 0, 0, 2, 4, 8, … up to 5 minutes."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_ATTEMPTS + 1)))


class UnlockThrottle:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock

    def _read(self) -> tuple[int, float]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return int(data["failures"]), float(data["last"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    @property
    def failures(self) -> int:
        return self._read()[0]

    def seconds_left(self) -> int:
        failures, last = self._read()
        return max(0, math.ceil(last + delay_after(failures) - self.clock()))

    def check(self) -> None:
        """Raise `unlock_throttled` while the delay of the last failures runs."""
        left = self.seconds_left()
        if left > 0:
            raise VaultError("unlock_throttled", seconds=left)

    def record_failure(self) -> int:
        failures = self._read()[0] + 1
        atomic_write(self.path, json.dumps({"failures": failures, "last": self.clock()}).encode())
        return delay_after(failures)

    def reset(self) -> None:
        if self.path.exists():
            self.path.unlink()
