"""What a write changed, so that the views showing it (and only those) read again (Anki's `OpChanges`).

Every write use case says the kinds of things it changes with `@writes(Changes.X | Changes.Y)`; called through the
practice handle (`practice.write(use_case, …)`) it returns `OpResult(value, changes)`. The window's `run_op` hands
`changes` to every page, badge and status-bar count, each of which knows which kinds it shows."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., object])


class Changes(enum.Flag):
    NONE = 0
    CHILDREN = enum.auto()
    PRESCRIBERS = enum.auto()
    PRESCRIPTIONS = enum.auto()
    SEANCES = enum.auto()
    APPOINTMENTS = enum.auto()
    INVOICES = enum.auto()  # invoices and credit notes
    PAYMENTS = enum.auto()
    BATCHES = enum.auto()
    ATTESTATIONS = enum.auto()
    TARIFFS = enum.auto()
    ENDPOINTS = enum.auto()  # the networks' addresses and tokens
    PROFILE = enum.auto()  # the practice's identity, its invoicing addresses, its signature image
    SETTINGS = enum.auto()
    DOCUMENTS = enum.auto()  # files kept in a child's record (prescription scans, exports in the history)
    KEYS = enum.auto()  # passphrase, keychain (the key file: not the database)

    @classmethod
    def everything(cls) -> Changes:
        every = cls.NONE
        for member in cls:
            every |= member
        return every


ALL = Changes.everything()
"""For the rare write whose reach is the whole practice (a restore, an erasure)."""


@dataclass(frozen=True)
class OpResult(Generic[T]):
    """A write's result and what it changed."""

    value: T
    changes: Changes


HANDLE = "practice"  # `@writes(…, takes=HANDLE)`: the use case takes the practice handle, not its sessions


def writes(changes: Changes, *, takes: str = "sessions") -> Callable[[F], F]:
    """Mark a function as a write use case changing `changes`. `takes` says what the handle passes first: its
    sessions (most use cases) or itself (those that need the key or the data folder: signing, batches, backups)."""
    if takes not in ("sessions", HANDLE):
        raise ValueError(takes)

    def mark(fn: F) -> F:
        fn.changes = changes  # type: ignore[attr-defined]
        fn.takes = takes  # type: ignore[attr-defined]
        return fn

    return mark


def changes_of(fn: Callable[..., object]) -> Changes:
    """What `fn` declares it changes; a TypeError if it is not a write use case (a write must say what it
    changes, or the views showing it would stay stale)."""
    changes = getattr(fn, "changes", None)
    if not isinstance(changes, Changes):
        raise TypeError(f"{getattr(fn, '__qualname__', fn)!r} is not a write use case (@writes)")
    return changes


def takes_handle(fn: Callable[..., object]) -> bool:
    return getattr(fn, "takes", "sessions") == HANDLE
