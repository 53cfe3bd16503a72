"""Other packages' warnings never reach the user: the two entry points call `silence()` before anything else.

A library's release can start printing a warning at import (cryptography 51 deprecated DSA, and pyHanko imports
it): the user of `cocon` or of the window can do nothing about it, so only the program's own warnings stay visible.
A developer who asks for warnings (`python -W default`, PYTHONWARNINGS) still gets them all; the test suite turns
the program's own deprecations into errors (pyproject.toml, filterwarnings)."""

from __future__ import annotations

import sys
import warnings

OWN_MODULES = r"cocon_desktop\b"


def silence() -> None:
    """Ignore warnings attributed to any module but the program's own, unless warnings were asked for."""
    if sys.warnoptions:
        return
    warnings.filterwarnings("ignore")
    warnings.filterwarnings("default", module=OWN_MODULES)  # inserted first: it wins for the program's modules
