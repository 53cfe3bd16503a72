"""Rendering, embedding and signing an invoice ask for no temporary file (no plaintext copy on disk, even briefly):
a tripwire replaces the tempfile functions before anything imports them, and the folder stays empty."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import tempfile
def tripwire(*args, **kwargs):
    raise AssertionError("a temporary file was requested")
for name in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
    setattr(tempfile, name, tripwire)  # before any library imports them
from cocon_desktop.documents import samples
from cocon_desktop.documents.signing import render_signed_invoice
from cocon_desktop.security.certificate import create_self_signed
cert, key = create_self_signed("Camille Martin EI", "Cabinet", "91234567500017")
pdf = render_signed_invoice(samples.sample_invoice(), cert, key)
assert pdf.startswith(b"%PDF")
print("ok")
"""


def test_no_temporary_file(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp)}
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-500:]
    assert list(temp.iterdir()) == []
