"""Workaround for PySide6 6.12 on Python 3.11: each call to a Qt method returning nothing takes one reference
away from `None`; after a few thousand calls `None` is deallocated and the process aborts
("Fatal Python error: none_dealloc"). Python 3.12+ makes `None` immortal, so nothing is needed there.

`pin_none()` gives `None` a very large reference count once at start-up (2**40 ≈ 10**12 calls), which is what
3.12 does by design. It allocates nothing and changes nothing else."""

from __future__ import annotations

import ctypes
import sys

PINNED = 2**40


def pin_none() -> bool:
    """Make `None` practically immortal on Python < 3.12; returns True when something was done."""
    if sys.version_info >= (3, 12):
        return False
    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value < PINNED:
        count.value += PINNED
        return True
    return False
