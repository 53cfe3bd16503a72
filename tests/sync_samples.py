"""Real batches for the sync tests: signed invoice PDFs (rendered, Factur-X, PAdES) put into ZIPs by
`build_batch`, and a self-signed TLS certificate for the receiver on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import functools
import io
import ipaddress
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cocon_desktop.documents.invoice_data import InvoiceData
from cocon_desktop.documents.signing import render_signed_invoice
from cocon_desktop.security.certificate import create_self_signed
from cocon_exchange.batch_format import BatchAct, BatchContent, BatchDocument, BatchPractice, build_batch
from cocon_exchange.manifest_signature import simple_manifest_signer
from tests.document_samples import SAMPLE_PROFILE, sample_invoice

TOKEN = "jeton-de-test-3f9a1c"


@functools.cache
def _certificate() -> tuple[bytes, bytes]:
    return create_self_signed("Camille Martin EI", "Cabinet de psychomotricité du Vieux-Port", "91234567500017")


def _acts(data: InvoiceData) -> tuple[BatchAct, ...]:
    kinds = {"Séance": "seance", "Bilan initial": "bilan_initial"}
    return tuple(BatchAct(data.number, n, line.service_date, line.inclusion_number, line.initials, "psychomotricite",
                          kinds.get(line.kind, "seance"), line.amount) for n, line in enumerate(data.lines, start=1))


@functools.cache
def _documents() -> tuple[BatchDocument, ...]:
    certificate, key = _certificate()
    documents = []
    for number in ("FAC-2026-0001", "FAC-2026-0002"):
        data = sample_invoice(3, number=number)
        pdf = render_signed_invoice(data, certificate, key)
        total = sum((line.amount for line in data.lines), Decimal("0"))
        documents.append(BatchDocument(number, "invoice", data.issue_date, None, total, pdf, _acts(data)))
    return tuple(documents)


@dataclass(frozen=True)
class SampleBatch:
    batch_id: str
    data: bytes


def make_batch(batch_id: str | None = None) -> SampleBatch:
    """A real batch of two signed invoices of the sample practice (RPM), under a fresh batch id."""
    batch_id = batch_id or str(uuid.uuid4())
    p = SAMPLE_PROFILE
    practice = BatchPractice(name=p.name, profession=p.profession, rpps=p.rpps, adeli=p.adeli, siret=p.siret,
                             address=f"{p.address}, {p.postcode} {p.city}")
    content = BatchContent(batch_id=batch_id, network="RPM", period_start=dt.date(2026, 11, 1),
                           period_end=dt.date(2026, 11, 30), created_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                           practice=practice, documents=_documents())
    return SampleBatch(batch_id, build_batch(content, simple_manifest_signer(*_certificate())))


def tamper(data: bytes, member: str = "documents/FAC-2026-0001.pdf") -> bytes:
    """The same ZIP with one byte of `member` changed after the batch was closed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                middle = len(content) // 2
                content = content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1:]
            target.writestr(info, content)
    return out.getvalue()


def tls_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed server certificate for localhost / 127.0.0.1 (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
