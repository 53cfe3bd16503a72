"""Batches signed by a key of one's choosing (issue 19, #4): the sample practice's batch as sync_samples makes it,
but with its PDFs and manifest signed by another certificate — another key with the same SIRET, as anyone holding
an access token could make one (a self-signed certificate carries whatever SIRET its maker typed)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from cocon_desktop.documents.signing import render_signed_invoice
from cocon_desktop.security.certificate import create_self_signed
from cocon_exchange.batch_format import BatchContent, BatchDocument, BatchPractice, build_batch
from cocon_exchange.manifest_signature import simple_manifest_signer
from tests.document_samples import SAMPLE_PROFILE, sample_invoice
from tests.sync_samples import SampleBatch
from tests.sync_samples import _acts as acts_of
from tests.sync_samples import _certificate as sample_certificate

__all__ = ["impostor_certificate", "sample_certificate", "signed_batch"]


@functools.cache
def impostor_certificate() -> tuple[bytes, bytes]:
    """Another key, a certificate with the very same names and SIRET as the sample practice's."""
    return create_self_signed("Camille Martin EI", "Cabinet de psychomotricité du Vieux-Port", "91234567500017")


@functools.cache
def _documents(certificate: bytes, key: bytes, numbers: tuple[str, ...]) -> tuple[BatchDocument, ...]:
    documents = []
    for number in numbers:
        data = sample_invoice(2, number=number)
        pdf = render_signed_invoice(data, certificate, key)
        total = sum((line.amount for line in data.lines), Decimal("0"))
        documents.append(BatchDocument(number, "invoice", data.issue_date, None, total, pdf, acts_of(data)))
    return tuple(documents)


def signed_batch(certificate: tuple[bytes, bytes] | None = None,
                 numbers: tuple[str, ...] = ("FAC-2026-0001", "FAC-2026-0002")) -> SampleBatch:
    """A real batch of the sample practice (RPM) holding `numbers`, signed by `certificate` (the sample's own by
    default), under a fresh batch id."""
    cert, key = certificate or sample_certificate()
    batch_id = str(uuid.uuid4())
    p = SAMPLE_PROFILE
    practice = BatchPractice(name=p.name, profession=p.profession, rpps=p.rpps, adeli=p.adeli, siret=p.siret,
                             address=f"{p.address}, {p.postcode} {p.city}")
    content = BatchContent(batch_id=batch_id, network="RPM", period_start=dt.date(2026, 11, 1),
                           period_end=dt.date(2026, 11, 30), created_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                           practice=practice, documents=_documents(cert, key, numbers))
    return SampleBatch(batch_id, build_batch(content, simple_manifest_signer(cert, key)))
