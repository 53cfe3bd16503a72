"""Start-up cost of PySide6 itself: after `import PySide6`, every module imported is read back as source text
(inspect.getsource, through shibokensupport.feature) to find out whether it may use `from __feature__ import …`
(snake_case, true_property). COCON Desktop never uses those features, so the scan answers "no" at once: the
program's start imports ~70 modules before its window shows and several hundred (the ORM, the pages) just after,
at ~0.3 ms each. No feature selected anywhere means no module's answer matters: PySide6 behaves the same.
Checked by tests/ui/test_start_up.py."""

from __future__ import annotations

import sys


def skip_feature_scan() -> bool:
    """True when PySide6's per-module scan was replaced (its internals are as expected), else False."""
    import PySide6.QtCore  # noqa: F401  (loads shibokensupport)

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _never  # type: ignore[attr-defined]
    return True


def _never(module: object) -> bool:
    return False
