"""A process killed while issuing leaves no invoice and no consumed number."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from cocon_desktop.services import invoicing
from cocon_desktop.services.practice_handle import Practice, open_with_passphrase
from tests.conftest import STRONG_PASSPHRASE
from tests.db.invoice_helpers import OCTOBER, TODAY, fill, plain_render

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import os, signal, sys
from cocon_desktop.services import invoicing
from cocon_desktop.services.practice_handle import open_with_passphrase
from tests.db.invoice_helpers import OCTOBER, TODAY, plain_render
calls = []
def render(request):
    calls.append(request.number)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # in the middle of the run, the first invoice already inserted
    return plain_render(request)
from pathlib import Path
practice = open_with_passphrase(Path(sys.argv[1]), sys.argv[2])
invoicing.issue_run(practice.sessions, "RPO", *OCTOBER, TODAY, render)
"""


def test_killed_mid_issue(practice: Practice, data_dir: Path) -> None:
    fill(practice)
    practice.close()
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(data_dir), STRONG_PASSPHRASE], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert result.returncode == -signal.SIGKILL, result.stderr[-400:]
    reopened = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:
        docs = invoicing.issue_run(reopened.sessions, "RPO", *OCTOBER, TODAY, plain_render)
        assert [d.number for d in docs] == ["FAC-2026-0001", "FAC-2026-0002", "FAC-2026-0003"]
    finally:
        reopened.close()
