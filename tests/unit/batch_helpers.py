"""A real batch for the tests: two signed invoices and a signed credit note (Factur-X inside), and ZIP surgery."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from cocon_desktop.documents.invoice_data import InvoiceData
from cocon_desktop.documents.signing import render_signed_invoice
from cocon_desktop.security.certificate import create_self_signed
from cocon_exchange.batch_format import BatchAct, BatchContent, BatchDocument, BatchPractice
from tests.document_samples import sample_credit_note, sample_invoice

PARIS = timezone(timedelta(hours=1))
CREATED_AT = datetime(2026, 12, 8, 9, 30, 15, tzinfo=PARIS)
BATCH_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
PRACTICE = BatchPractice(name="Camille Martin EI", profession="psychomotricien", rpps="10001234565", adeli="",
                         siret="91234567500017", address="12 rue de la République, 13002 Marseille")
KIND_CODES = {"Séance": "seance", "Bilan initial": "bilan_initial"}


@dataclass(frozen=True)
class Identity:
    certificate_pem: bytes
    private_key_der: bytes


def identity(name: str = "Camille Martin EI") -> Identity:
    return Identity(*create_self_signed(name, "Cabinet du Vieux-Port", "91234567500017"))


def invoice_datas() -> list[InvoiceData]:
    first = sample_invoice(line_count=3, number="FAC-2026-0001", issue_date=date(2026, 11, 30))
    second = sample_invoice(line_count=2, number="FAC-2026-0002", issue_date=date(2026, 11, 30))
    return [first, second, sample_credit_note(first, number="AV-2026-0001", issue_date=date(2026, 12, 7))]


def batch_document(data: InvoiceData, pdf: bytes) -> BatchDocument:
    acts = tuple(BatchAct(document_number=data.number, line_no=index, service_day=line.service_date,
                          inclusion_number=line.inclusion_number, initials=line.initials, discipline="psychomotricite",
                          seance_kind=KIND_CODES[line.kind], amount=line.amount)
                 for index, line in enumerate(data.lines, start=1))
    return BatchDocument(number=data.number, kind=data.kind, issue_date=data.issue_date,
                         corrects_number=data.corrects.number if data.corrects else None, total=data.total, pdf=pdf,
                         acts=acts)


def signed_documents(who: Identity) -> tuple[BatchDocument, ...]:
    """~0.2 s a document: build them once per test module."""
    return tuple(batch_document(data, render_signed_invoice(data, who.certificate_pem, who.private_key_der))
                 for data in invoice_datas())


def content(documents: Sequence[BatchDocument]) -> BatchContent:
    return BatchContent(batch_id=BATCH_ID, network="RPM", period_start=date(2026, 11, 1),
                        period_end=date(2026, 11, 30), created_at=CREATED_AT, practice=PRACTICE,
                        documents=tuple(documents))


def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def rezip(entries: Sequence[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names on purpose
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, value in entries:
                archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 8, 9, 30, 14)), value)
    return out.getvalue()


def replace(data: bytes, name: str, value: bytes) -> bytes:
    return rezip([(n, value if n == name else v) for n, v in members(data)])


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The archive with `name`'s declared uncompressed size changed in its local and central headers."""
    buffer = bytearray(data)
    encoded = name.encode("utf-8")
    central = buffer.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", buffer, central + 28)[0]
        if bytes(buffer[central + 46:central + 46 + name_length]) == encoded:
            struct.pack_into("<I", buffer, central + 24, size)
            local = struct.unpack_from("<I", buffer, central + 42)[0]
            struct.pack_into("<I", buffer, local + 22, size)
        central = buffer.find(b"PK\x01\x02", central + 4)
    return bytes(buffer)


def set_flag(data: bytes, name: str, flag: int) -> bytes:
    """The archive with a general-purpose flag bit set on `name` (0x1: "encrypted")."""
    buffer = bytearray(data)
    encoded = name.encode("utf-8")
    central = buffer.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", buffer, central + 28)[0]
        if bytes(buffer[central + 46:central + 46 + name_length]) == encoded:
            struct.pack_into("<H", buffer, central + 8, struct.unpack_from("<H", buffer, central + 8)[0] | flag)
        central = buffer.find(b"PK\x01\x02", central + 4)
    return bytes(buffer)


def total(documents: Sequence[BatchDocument]) -> Decimal:
    return sum((d.total if d.kind == "invoice" else -d.total for d in documents), Decimal("0.00"))
