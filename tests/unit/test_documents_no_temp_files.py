"""Rendering, embedding and signing an invoice ask for no temporary file (no plaintext copy on disk, even briefly):
a tripwire replaces the tempfile functions before anything imports them, and the folder stays empty. The same for
a family's export, previews and printing from memory, a scan shown and an erasure; and only the modules listed in
JUSTIFIED_TEMPFILE may ask for a temporary folder at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import tempfile
def tripwire(*args, **kwargs):
    raise AssertionError("a temporary file was requested")
for name in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
    setattr(tempfile, name, tripwire)  # before any library imports them
from tests import document_samples as samples
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


# A family's access request, an attestation previewed and printed from memory, a scan shown, a child erased: the
# same tripwire, and nothing in the temporary folder. Real practice (light Argon2id), offscreen Qt.
PRIVACY_SCRIPT = """
import sys, tempfile
def tripwire(*args, **kwargs):
    raise AssertionError("a temporary file was requested")
real_mkstemp = tempfile.mkstemp
def beside_target(*args, dir=None, **kwargs):  # fsutil.atomic_write: the new file's own temporary, in its folder
    if dir is None:
        tripwire()
    return real_mkstemp(*args, dir=dir, **kwargs)
for name in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "mkdtemp"):
    setattr(tempfile, name, tripwire)
tempfile.mkstemp = beside_target
from datetime import date
from pathlib import Path
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from cocon_desktop.domain.attestation import parse_period
from cocon_desktop.fsutil import atomic_write
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import attestations, prescriptions
from cocon_desktop.services.child_erasure import erase_child
from cocon_desktop.services.child_export import export_child
from cocon_desktop.services.practice_handle import create_practice
from cocon_desktop.services.signature_image import import_signature_image
from cocon_desktop.ui.dialogs.attestation_preview import AttestationPreview
from cocon_desktop.ui.dialogs.document_viewer import DocumentViewer
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.attestation_helpers import TODAY, make_child, signature_png

work = Path(sys.argv[1])
app = QApplication([])
practice = create_practice(work / "cabinet", STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF)
child = make_child(practice)
import_signature_image(practice.sessions, signature_png())
[prescription] = prescriptions.list_prescriptions(practice.sessions, child)
attestation = attestations.issue(practice.sessions, child, "seances", parse_period("2026-10"), TODAY)
scan_id = prescriptions.save_prescription(practice.sessions, prescription.data, TODAY,
                                          prescriptions.Scan("ordonnance.pdf", attestation.pdf))
atomic_write(work / "out" / "dossier.zip", export_child(practice.sessions, child))
preview = AttestationPreview(attestation.pdf, "Attestation", "attestation.pdf")
printer = QPrinter()
printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
printer.setOutputFileName(str(work / "out" / "imprime.pdf"))
assert preview.is_ready() and preview.print_to(printer) == 1
[document] = [d for d in prescriptions.list_prescriptions(practice.sessions, child) if d.document_id]
viewer = DocumentViewer(prescriptions.get_document(practice.sessions, document.document_id))
viewer.show(); preview.show(); app.processEvents()
duplicata = attestations.reprint(practice.sessions, attestation.attestation.number, TODAY)
assert duplicata.startswith(b"%PDF")
erase_child(practice.sessions, child, date(2060, 1, 1))
practice.close()
print("ok")
"""

# Where the program may still ask for a temporary folder, and why that holds no plaintext.
JUSTIFIED_TEMPFILE = {
    "cocon_desktop/app.py": "the demo practice's folder (fictitious data, encrypted like any practice)",
    "cocon_desktop/services/backup.py": "a 0700 staging folder inside the data folder for the encrypted snapshot",
    "cocon_desktop/fsutil.py": "mkstemp in the target's own folder (O_EXCL, no symlink followed), renamed over it",
}


@pytest.mark.slow
def test_privacy_exports_previews_and_printing_write_no_temporary_file(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "TMPDIR": str(temp), "TEMP": str(temp), "TMP": str(temp), "QT_QPA_PLATFORM": "offscreen",
           "XDG_RUNTIME_DIR": str(runtime)}
    result = subprocess.run([sys.executable, "-c", PRIVACY_SCRIPT, str(tmp_path / "work")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr[-1500:]
    assert list(temp.iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "work" / "out").iterdir()) == ["dossier.zip", "imprime.pdf"]


def test_tempfile_is_used_only_where_justified() -> None:
    users = set()
    for path in sorted((ROOT / "cocon_desktop").rglob("*.py")):
        source = path.read_text("utf-8")
        if any(word in source for word in ("import tempfile", "from tempfile", "QTemporaryFile", "QTemporaryDir")):
            users.add(path.relative_to(ROOT).as_posix())
    assert users <= set(JUSTIFIED_TEMPFILE), sorted(users - set(JUSTIFIED_TEMPFILE))
