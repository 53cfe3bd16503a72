"""How long work reports where it is: one callable type for every service that takes a `progress`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

Progress: TypeAlias = Callable[[int, int], bool]
"""Called with (done, total) from the worker; returns False to stop (cancel) at the next safe point.

Work that cannot stop half-way (a backup, a restore) reports all the same and ignores the answer."""
