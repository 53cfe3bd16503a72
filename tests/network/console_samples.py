"""A fixture database for the console's tests: the sample practice under convention, its certificate registered,
and a real signed batch verified and stored by the server's own ingest code (verify_pool.verify and
ingest_store.store_accepted: what PUT /batches/{id} does, without HTTP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select

from cocon_network.server.db import session_factory, transaction
from cocon_network.server.models import Document
from tests.document_samples import SAMPLE_PROFILE
from tests.network_samples import sample_certificate, signed_batch


@dataclass(frozen=True)
class StoredBatch:
    therapist_id: int
    batch_id: str
    document_ids: tuple[int, ...]


def register_sample_practice(engine: Engine) -> int:
    from cocon_network.server import conventions

    p = SAMPLE_PROFILE
    with transaction(session_factory(engine)) as db:
        therapist = conventions.register_therapist(
            db, name=f"{p.name} — {p.trade_name}", discipline="psychomotricite", siret=p.siret, iban=p.iban,
            bic=p.bic, rpps=p.rpps, departement="13", convention_start=date(2025, 1, 1))
        conventions.add_certificate(db, therapist.id, sample_certificate()[0])
        return therapist.id


def store_sample_batch(engine: Engine, therapist_id: int,
                       numbers: tuple[str, ...] = ("FAC-2026-0001", "FAC-2026-0002")) -> StoredBatch:
    from cocon_network.server import ingest_store
    from cocon_network.server.models import Therapist
    from cocon_network.server.verify_pool import verify

    sample = signed_batch(numbers=numbers)
    verification = verify(sample.batch_id, sample.data)
    assert not verification.fault_code, verification.fault_reason
    with transaction(session_factory(engine)) as db:
        therapist = db.get(Therapist, therapist_id)
        assert therapist is not None
        ingest_store.store_accepted(db, therapist, sample.batch_id, sample.data, verification)
        ids = tuple(db.scalars(select(Document.id).where(Document.batch_id == sample.batch_id)
                               .order_by(Document.id)))
    return StoredBatch(therapist_id, sample.batch_id, ids)
