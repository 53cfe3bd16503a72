"""The controls on a real signed batch uploaded over HTTP to the server (uvicorn, PostgreSQL): the ingest runs them
with the verdict of its full verification, and their flags are stored linked to the documents the batch carried."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from cocon_exchange.protocol import SHA256_HEADER, sha256_hex
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.inclusions import import_inclusions
from cocon_network.server.models import ControlFlag, Document
from tests.network.api_server import convention, running_server, wait_verified
from tests.sync_samples import make_batch

# The sample batch: FAC-2026-0001 and FAC-2026-0002 bill the same three acts (01/11, 02/11, 03/11/2026)
INCLUSIONS = ("numero_inclusion;initiales;date_naissance;terme_sa;date_inclusion;date_sortie;departement\n"
              "RPM-2024-00123;L. B.;12/03/2024;30;01/04/2024;;13\n"
              "RPM-2025-00456;E. M.;2025-06-01;;2026-11-05;;13\n")


def test_a_real_batch_is_controlled_on_receipt(postgres_url: str) -> None:
    with running_server(postgres_url) as server:
        with transaction(session_factory(server.engine)) as session:
            assert import_inclusions(session, INCLUSIONS.encode()).imported
        practice = convention(server.engine)
        batch = make_batch()
        answer = httpx.put(f"{server.url}/batches/{batch.batch_id}", content=batch.data, timeout=60, headers={
            "Authorization": f"Bearer {practice.token}", SHA256_HEADER: sha256_hex(batch.data)})
        assert answer.status_code == 201, answer.text
        assert wait_verified(server.engine, batch.batch_id) == "verifie"  # the flags come with the verdict
        with transaction(session_factory(server.engine)) as session:
            numbers = {row.id: row.number for row in session.execute(select(Document.id, Document.number))}
            flags = [(f.inclusion_number, f.kind, numbers.get(f.document_id or 0), f.batch_id)
                     for f in session.scalars(select(ControlFlag).order_by(ControlFlag.inclusion_number,
                                                                            ControlFlag.kind, ControlFlag.id))]
            messages = {f.kind: f.message for f in session.scalars(select(ControlFlag))}
    assert flags == [
        ("RPM-2024-00123", "same_day_twice", "FAC-2026-0001", batch.batch_id),
        ("RPM-2025-00456", "before_inclusion", "FAC-2026-0001", batch.batch_id),
        ("RPM-2025-00456", "before_inclusion", "FAC-2026-0002", batch.batch_id),
        ("RPM-2025-00456", "same_day_twice", "FAC-2026-0001", batch.batch_id),
        ("RPM-2025-00789", "same_day_twice", "FAC-2026-0001", batch.batch_id),
        ("RPM-2025-00789", "unknown_child", "FAC-2026-0001", batch.batch_id),
    ]
    assert "FAC-2026-0001 (Camille Martin), FAC-2026-0002 (Camille Martin)" in messages["same_day_twice"]
    assert "J.-P. R." in messages["unknown_child"]
