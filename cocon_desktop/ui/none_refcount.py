"""Workaround for PySide6 6.12 on Python 3.11: each call to a Qt method returning nothing takes one reference
away from `None`; after a few thousand calls `None` is deallocated and the process aborts
("Fatal Python error: none_dealloc"). The same happens to `True` with every `Signal.emit()` made from Python
(emit returns True without taking a reference), whatever the value emitted: a session that emits a few tens of
thousands of signals (list refreshes, background tasks) aborts with "bool_dealloc". Python 3.12+ makes `None`,
`True` and `False` immortal, so nothing is needed there.

`pin_none()` gives `None`, `True` and `False` a very large reference count once at start-up (2**40 ≈ 10**12
calls), which is what 3.12 does by design. It allocates nothing and changes nothing else."""

from __future__ import annotations

import ctypes
import sys

PINNED = 2**40


def pin_none() -> bool:
    """Make `None`, `True` and `False` practically immortal on Python < 3.12; True when something was done."""
    if sys.version_info >= (3, 12):
        return False
    done = False
    for constant in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(constant))
        if count.value < PINNED:
            count.value += PINNED
            done = True
    return done
