"""From the shell, on the demo: export a batch, verify it without the practice, catch a tampered copy, list the
batches, set a network's endpoint with its token on standard input."""

from __future__ import annotations

import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography import x509

from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import cocon
from tests.sync_samples import tls_certificate

pytestmark = pytest.mark.slow  # a demo practice per module (cocon demo), then batches from the shell

TOKEN = "jeton-secret-4c1d2e3f"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_made_once: Path) -> Path:
    folder = copy_demo(demo_made_once, tmp_path_factory.mktemp("lots") / "cabinet")
    return folder


def _run(folder: Path, *args: str | Path, stdin: str = "demo\n") -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin=stdin)


def _tampered(source: Path, target: Path) -> Path:
    """A copy where one signed PDF has one byte changed (the rest, manifest and signature, as they were)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename.startswith("documents/"):
                data = data.replace(b"/Producer", b"/Producex", 1)
            copy.writestr(info, data)
    return target


def test_export_verify_and_tamper(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "cle"
    exported = _run(demo, "export-batch", "--network", "RPO", "--out", out)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("Lot fermé : ")
    files = list(out.glob("COCON-RPO-*.zip"))
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert f"Écrit dans {files[0]}." in exported.stdout

    closed = int(exported.stdout.removeprefix("Lot fermé : ").split()[0])  # the demo's RPO invoices of its month
    assert closed >= 1

    checked = cocon("verify-batch", files[0])  # no practice, no passphrase
    assert checked.returncode == 0, checked.stderr
    signer, fingerprint, valid = checked.stdout.splitlines()  # who signed it, then the verdict (issue 19, #4)
    assert signer.startswith("Signataire : ") and "CN=" in signer
    assert fingerprint.startswith("Empreinte SHA-256 du certificat : ") and fingerprint.count(":") == 32
    assert valid.startswith(f"Lot valide : {closed} documents, total ") and valid.endswith("€")

    broken = cocon("verify-batch", _tampered(files[0], tmp_path / "copie.zip"))
    assert broken.returncode == 1 and "Traceback" not in broken.stderr and broken.stdout == ""
    assert len(broken.stderr.strip().splitlines()) == 1 and broken.stderr.strip().endswith(".")
    assert any(word in broken.stderr for word in ("empreinte", "modifié", "signature"))

    again = _run(demo, "export-batch", "--network", "RPO", "--out", tmp_path / "autre")
    assert again.returncode == 0 and "exporté de nouveau" in again.stdout
    assert (tmp_path / "autre" / files[0].name).read_bytes() == files[0].read_bytes()

    nothing = _run(demo, "export-batch", "--network", "RPM", "--out", out)  # the demo's RPM batch is received
    assert nothing.returncode == 1 and "Traceback" not in nothing.stderr
    assert nothing.stderr.strip() == ("Aucune facture ni aucun avoir n'attend d'être envoyé au réseau RPM, et "
                                      "aucun lot de ce réseau n'attend d'accusé de réception.")

    listing = _run(demo, "batch", "list")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert "RPO" in lines[0] and "Exporté (à remettre au réseau)" in lines[0]  # newest first
    assert "exporté le" in lines[0]
    assert "RPM" in lines[1] and "Reçu, accusé DEMO-" in lines[1]
    assert "3 lots." in lines and any("réseau RPNA en attente" in line for line in lines)

    absent = tmp_path / "absent.zip"
    missing = cocon("verify-batch", absent)
    assert missing.returncode == 2 and missing.stderr.strip() == f"Le fichier {absent} est introuvable."


def test_network_endpoint_keeps_the_token_out_of_sight(demo: Path) -> None:
    url = "https://lots.rpo.example.org/cocon"
    result = _run(demo, "network", "endpoint", "--network", "RPO", "--url", url, "--token-stdin",
                  stdin=f"demo\n{TOKEN}\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Réception du réseau RPO : {url} (jeton d'accès : enregistré)."
    kept = _run(demo, "network", "endpoint", "--network", "RPO", "--url", url + "/v2")
    assert kept.stdout.strip().endswith("(jeton d'accès : inchangé).")
    for output in (result.stdout, result.stderr, kept.stdout, kept.stderr):
        assert TOKEN not in output
    for path in demo.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path

    plain = _run(demo, "network", "endpoint", "--network", "RPO", "--url", "http://lots.example.org")
    assert plain.returncode == 1 and plain.stderr.strip().startswith("Adresse de réception invalide : ")


def test_network_endpoint_stores_the_servers_certificate(demo: Path, tmp_path: Path) -> None:
    cert, _key = tls_certificate(tmp_path)
    url = "https://127.0.0.1:8443"
    chosen = _run(demo, "network", "endpoint", "--network", "RPM", "--url", url, "--server-ca", cert)
    assert chosen.returncode == 0, chosen.stderr
    expiry = x509.load_pem_x509_certificate(cert.read_bytes()).not_valid_after_utc
    assert chosen.stdout.splitlines()[-1] == f"Certificat du serveur : localhost, valable jusqu'au {expiry:%d/%m/%Y}."
    kept = _run(demo, "network", "endpoint", "--network", "RPM", "--url", url)  # without the option: kept
    assert kept.stdout.splitlines()[-1] == chosen.stdout.splitlines()[-1]

    not_pem = tmp_path / "serveur.pem"
    not_pem.write_text("ceci n'est pas un certificat\n")
    refused = _run(demo, "network", "endpoint", "--network", "RPM", "--url", url, "--server-ca", not_pem)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().startswith("Ce fichier ne contient aucun certificat PEM lisible")
    assert _run(demo, "network", "endpoint", "--network", "RPM", "--url", url).stdout.splitlines()[-1] == \
        chosen.stdout.splitlines()[-1]  # the refused file changed nothing

    removed = _run(demo, "network", "endpoint", "--network", "RPM", "--url", url, "--no-server-ca")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.splitlines()[-1] == "Certificat du serveur : aucun (autorités du système)."
