"""Issue 19, #12: core dumps are off in both entry points. The real `cocon` and `cocon-desktop` start in fresh
processes: the kernel's view of them (/proc/<pid>/limits, read from outside while `cocon` waits for its passphrase)
says « Max core file size 0 0 », and a probe run inside the process at its exit (sitecustomize → atexit) finds
PR_GET_DUMPABLE = 0 and RLIMIT_CORE = (0, 0)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.dates import TODAY
from tests.e2e.test_cli import COMMAND, ROOT

pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux's"),
              pytest.mark.slow]  # fresh processes, the GUI's self-test ~5 s

PROBE = """
import atexit, ctypes, os, resource

def _probe():
    dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    with open(os.environ["COCON_CORE_PROBE"], "w") as out:
        out.write(f"{dumpable} {soft} {hard}\\n")

atexit.register(_probe)
"""


def _probed_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    probe_dir = tmp_path / "probe"
    probe_dir.mkdir()
    (probe_dir / "sitecustomize.py").write_text(PROBE, "utf-8")
    out = tmp_path / "probe.txt"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(probe_dir), os.environ.get("PYTHONPATH")])),
           "COCON_CORE_PROBE": str(out), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
           "COCON_TODAY": TODAY.isoformat(), "QT_QPA_PLATFORM": "offscreen"}
    return env, out


def _core_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            return " ".join(line.split()[4:6])
    return "?"


def test_the_command_line_runs_without_core_dumps(tmp_path: Path) -> None:
    data_dir = tmp_path / "cabinet"
    data_dir.mkdir()
    (data_dir / "vault.json").write_text("{}")  # enough for `cocon` to ask for the passphrase, then refuse
    env, out = _probed_env(tmp_path)
    process = subprocess.Popen([*COMMAND, "--data-dir", str(data_dir), "--passphrase-stdin", "info"], cwd=ROOT,
                               env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        limit, deadline = "?", time.monotonic() + 20
        while limit != "0 0" and time.monotonic() < deadline and process.poll() is None:
            limit = _core_limit(process.pid)
            time.sleep(0.05)
        status = Path(f"/proc/{process.pid}/status").read_text() if process.poll() is None else ""
    finally:
        _, err = process.communicate("une phrase de passe\n", timeout=60)
    assert limit == "0 0", f"/proc/{process.pid}/limits: Max core file size {limit}"
    assert "CoreDumping:\t0" in status
    assert process.returncode == 1 and "vault.json" in err and "Traceback" not in err  # the damaged key file
    assert out.read_text().split() == ["0", "0", "0"], "PR_GET_DUMPABLE, RLIMIT_CORE soft and hard"


def test_the_window_runs_without_core_dumps(tmp_path: Path) -> None:
    env, out = _probed_env(tmp_path)
    result = subprocess.run([sys.executable, "-m", "cocon_desktop", "--self-test", "--data-dir",
                             str(tmp_path / "cabinet")], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert out.read_text().split() == ["0", "0", "0"], "PR_GET_DUMPABLE, RLIMIT_CORE soft and hard"


def test_the_window_script_is_the_entry_point_tested() -> None:
    """`cocon-desktop` (pyproject's gui-scripts) is `cocon_desktop.__main__:main`, what the test above runs."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    assert 'cocon-desktop = "cocon_desktop.__main__:main"' in text
    assert 'cocon = "cocon_desktop.cli.__main__:main"' in text
