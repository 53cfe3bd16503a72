"""`cocon signing …` from the shell: a PKCS#12 file imported, a PKCS#11 token (SoftHSM) used, then invoices
signed by each and `cocon verify` still accepting the documents signed by the older certificate."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from cocon_desktop.documents.signing import validate
from cocon_desktop.security.certificate import create_self_signed
from tests.dates import TODAY
from tests.e2e.conftest import copy_demo
from tests.e2e.test_cli import assert_french_failure, cocon
from tests.softhsm import Token

P12_PASSWORD = "mot-de-passe-du-p12"


@pytest.fixture
def demo(tmp_path: Path, demo_made_once: Path) -> Path:
    return copy_demo(demo_made_once, tmp_path / "cabinet")


@pytest.fixture(scope="module")
def p12(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A .p12 file protected by a password, and its certificate (PEM)."""
    certificate_pem, key_der = create_self_signed("Dominique Import EI", "Cabinet importé", "91234567500017")
    key = serialization.load_der_private_key(key_der, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    data = pkcs12.serialize_key_and_certificates(b"cabinet", key, x509.load_pem_x509_certificate(certificate_pem),
                                                 None, serialization.BestAvailableEncryption(P12_PASSWORD.encode()))
    path = tmp_path_factory.mktemp("p12") / "cabinet.p12"
    path.write_bytes(data)
    return path, certificate_pem


def _run(folder: Path, *args: str | Path, stdin: str = "demo\n") -> subprocess.CompletedProcess[str]:
    return cocon("--data-dir", folder, "--passphrase-stdin", *args, stdin=stdin)


def _previous_month() -> str:
    return (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _invoice(folder: Path, network: str, out: Path, *extra: str, stdin: str = "demo\n") -> list[Path]:
    result = _run(folder, "invoice", "--network", network, "--period", _previous_month(), "--out", out, *extra,
                  stdin=stdin)
    assert result.returncode == 0, result.stderr
    pdfs = sorted(out.glob("FAC-*.pdf"))
    assert pdfs
    return pdfs


@pytest.mark.slow
def test_import_p12_then_invoices_are_signed_by_it(demo: Path, p12: tuple[Path, bytes], tmp_path: Path) -> None:
    path, certificate_pem = p12
    before = _run(demo, "signing", "show")
    assert before.returncode == 0 and "auto-signé" in before.stdout
    wrong = _run(demo, "signing", "import-p12", path, "--p12-password-stdin", stdin="demo\nmauvais\n")
    assert wrong.returncode == 1
    assert_french_failure(wrong, "Mot de passe incorrect pour ce fichier de certificat.")
    missing = _run(demo, "signing", "import-p12", tmp_path / "absent.p12", "--p12-password-stdin",
                   stdin="demo\nx\n")
    assert_french_failure(missing, f"Le fichier {tmp_path / 'absent.p12'} est introuvable.")
    imported = _run(demo, "signing", "import-p12", path, "--p12-password-stdin", stdin=f"demo\n{P12_PASSWORD}\n")
    assert imported.returncode == 0, imported.stderr
    assert "Dominique Import EI" in imported.stdout
    shown = _run(demo, "signing", "show")
    assert shown.returncode == 0, shown.stderr
    assert "Titulaire   : Dominique Import EI" in shown.stdout and "PKCS#12" in shown.stdout
    for pdf in _invoice(demo, "RPM", tmp_path / "pdf"):
        check = validate(pdf.read_bytes(), certificate_pem)
        assert check.ok and check.signer == "Dominique Import EI", pdf.name
    verified = _run(demo, "verify")  # the demo's older invoices, signed by the self-signed certificate, too
    assert verified.returncode == 0 and "Vérification réussie" in verified.stdout


def test_import_p12_help_explains_the_stdin_order() -> None:
    result = cocon("signing", "import-p12", "--help")
    text = " ".join(result.stdout.split())
    assert result.returncode == 0
    assert "la phrase de passe du cabinet, puis le mot de passe du fichier .p12" in text


@pytest.mark.slow
def test_use_token_then_invoices_are_signed_on_the_token(demo: Path, softhsm_token: Token, tmp_path: Path) -> None:
    t = softhsm_token
    token_args = ("signing", "use-token", "--module", t.module, "--token", t.label, "--key", t.key_label,
                  "--pin-stdin")
    wrong = _run(demo, *token_args, stdin="demo\n0000\n")
    assert_french_failure(wrong, "Code PIN incorrect pour la carte ou le jeton de signature.")
    absent = _run(demo, "signing", "use-token", "--module", t.module, "--token", "absent", "--key", t.key_label,
                  "--pin-stdin", stdin=f"demo\n{t.pin}\n")
    assert absent.returncode == 1 and absent.stderr.startswith("La carte ou le jeton de signature n'est pas accessible")
    used = _run(demo, *token_args, stdin=f"demo\n{t.pin}\n")
    assert used.returncode == 0, used.stderr
    shown = _run(demo, "signing", "show")
    assert "Camille Jeton EI" in shown.stdout and f"Jeton       : {t.label}" in shown.stdout
    bad_pin = _run(demo, "invoice", "--network", "RPO", "--period", _previous_month(), "--pin-stdin",
                   stdin="demo\n0000\n")
    assert_french_failure(bad_pin, "Code PIN incorrect pour la carte ou le jeton de signature.")
    for pdf in _invoice(demo, "RPO", tmp_path / "pdf", "--pin-stdin", stdin=f"demo\n{t.pin}\n"):
        check = validate(pdf.read_bytes(), t.certificate_pem)
        assert check.ok and check.signer == "Camille Jeton EI", pdf.name
    number = sorted((tmp_path / "pdf").glob("FAC-*.pdf"))[0].stem
    note = _run(demo, "credit-note", number, "--line", "1", "--pin-stdin", stdin=f"demo\n{t.pin}\n")
    assert note.returncode == 0, note.stderr
    verified = _run(demo, "verify")
    assert verified.returncode == 0 and "Vérification réussie" in verified.stdout
