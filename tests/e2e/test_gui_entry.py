"""`cocon-desktop` itself (the GUI entry point), offscreen in a fresh process: the installers' self-test, and the
promise of `--verbose`: a detailed log without any patient data (libraries log content at DEBUG)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dates import TODAY

pytestmark = pytest.mark.slow  # the GUI entry point in fresh processes, ~5 s a test


def test_self_test_passes_and_the_verbose_log_holds_no_patient_data(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COCON_TODAY": TODAY.isoformat()}  # the demo's day
    result = subprocess.run([sys.executable, "-m", "cocon_desktop", "--self-test", "--verbose", "--data-dir",
                             str(tmp_path / "cabinet")], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "self-test: 7 pages, OK" in result.stdout
    for private in ("CrossIndustryInvoice", "RPM-20", "RPO-20", "RPNA-20", "Initiales"):
        assert private not in result.stderr, private  # the demo's inclusion numbers and the invoices' XML


def test_without_verbose_nothing_reaches_the_terminal(tmp_path: Path) -> None:
    """Neither other packages' warnings (cryptography's deprecations through pyHanko) nor Qt's platform notes
    ("This plugin does not support propagateSizeHints()") are printed for the user."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COCON_TODAY": TODAY.isoformat()}  # the demo's day
    env.pop("PYTHONWARNINGS", None)
    result = subprocess.run([sys.executable, "-m", "cocon_desktop", "--self-test", "--data-dir",
                             str(tmp_path / "cabinet")], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stderr == ""
