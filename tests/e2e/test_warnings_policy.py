"""Other packages' warnings never reach the user; the program's own deprecations fail the suite."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

from tests.e2e.test_cli import COMMAND, ROOT

WARN_BOTH = """
import warnings
from cocon_desktop import third_party_warnings
third_party_warnings.silence()
warnings.warn_explicit("bibliotheque obsolete", DeprecationWarning, "lib.py", 1, module="somelibrary.sub")
warnings.warn_explicit("avertissement du programme", UserWarning, "x.py", 1, module="cocon_desktop.domain.ages")
"""


def test_silence_keeps_only_the_programs_own_warnings() -> None:
    result = subprocess.run([sys.executable, "-c", WARN_BOTH], capture_output=True, text=True, cwd=ROOT,
                            timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert "avertissement du programme" in result.stderr
    assert "bibliotheque obsolete" not in result.stderr


def test_warnings_asked_for_on_the_command_line_are_kept() -> None:
    result = subprocess.run([sys.executable, "-W", "default", "-c", WARN_BOTH], capture_output=True, text=True,
                            cwd=ROOT, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert "bibliotheque obsolete" in result.stderr


def test_the_command_prints_no_warning_of_its_libraries() -> None:
    """The whole command line is imported (pyHanko, cryptography, SQLAlchemy…): nothing on stderr."""
    result = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert result.stderr == ""


def test_the_programs_own_deprecation_fails_the_suite() -> None:
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old API", DeprecationWarning, "ages.py", 1, module="cocon_desktop.domain.ages")
    with warnings.catch_warnings(record=True):  # another package's: reported, not an error
        warnings.warn_explicit("old API", DeprecationWarning, "lib.py", 1, module="somelibrary")
