"""No core dump of the program (issue 19, #12): a crash must not write its memory — the data key, a passphrase,
children's records — into a `core` file or to the system's crash collector (systemd-coredump, apport).

Both entry points (`cocon-desktop`, `cocon`) call `disable()` before anything else: RLIMIT_CORE set to 0 (soft and
hard, so that nothing in the process raises it again) and, on Linux, prctl(PR_SET_DUMPABLE, 0), which also stops
another process of the same user from attaching to this one (ptrace) or reading its memory through /proc. Cheap:
`resource` is built in and `ctypes` (≈ 2 ms) is imported anyway by the window; elsewhere (Windows) it does
nothing."""

from __future__ import annotations

import contextlib
import sys

PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4


def disable() -> None:
    """Turn core dumps off for this process and its children; never fails (a platform without it keeps its
    default)."""
    try:
        import resource
    except ImportError:  # Windows
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def dumpable() -> bool | None:
    """Whether this process may still be dumped (Linux: PR_GET_DUMPABLE; elsewhere None)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    return bool(ctypes.CDLL(None).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))
