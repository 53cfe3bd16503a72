"""A network's server receives only its own pathway's batches (issue 22, S6): a PCO-TND batch — a PCO's milestone
invoice, made by a real practice — put to a COCON network's server (real uvicorn, real PostgreSQL) is refused with
`pathway_mismatch` before any network check, and none of its documents is stored; the COCON batch of the same
practice goes through. A server set up for PCO-TND (Settings.pathway) refuses a COCON batch the same way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches
from cocon_exchange.protocol import SHA256_HEADER, sha256_hex
from cocon_network.server import conventions
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.ingest_store import admission_fault
from cocon_network.server.models import Act, Batch, Document, Therapist
from cocon_network.server.verify_pool import verify
from tests.conftest import PROFILE
from tests.network.api_server import running_server
from tests.pco_batch_samples import NOW, practice_with_pco_invoice

pytestmark = pytest.mark.slow


def _put(url: str, token: str, batch_id: str, data: bytes) -> httpx.Response:
    return httpx.put(f"{url}/batches/{batch_id}", content=data, timeout=60,
                     headers={"Authorization": f"Bearer {token}", SHA256_HEADER: sha256_hex(data)})


def test_a_cocon_server_refuses_a_pco_batch_and_stores_none_of_it(postgres_url: str, data_dir: Path) -> None:
    practice = practice_with_pco_invoice(data_dir, RecoveryKey.generate())
    try:
        pco = batches.close_batch(practice, "PCO1", NOW)
        rpm = batches.close_batch(practice, "RPM", NOW)
        _, pco_data = batches.batch_file(practice.sessions, pco.id)
        _, rpm_data = batches.batch_file(practice.sessions, rpm.id)
    finally:
        practice.close()
    with running_server(postgres_url, network="RPM", verify_processes=0) as server:
        assert server.settings.pathway == "cocon"  # the default: a COCON network's server
        with transaction(session_factory(server.engine)) as session:
            therapist = conventions.register_therapist(
                session, name=PROFILE.name, discipline="psychomotricite", siret=PROFILE.siret,
                iban="FR7630006000011234567890189", bic="AGRIFRPP", rpps=PROFILE.rpps, departement="13",
                convention_start=date(2026, 1, 1))
            conventions.add_certificate(session, therapist.id, rpm_data)
            token = conventions.issue_token(session, therapist.id).token
            therapist_id = therapist.id

        refused = _put(server.url, token, pco.batch_id, pco_data)
        assert refused.status_code == 422, refused.text
        body = refused.json()
        assert body["status"] == "rejete" and body["code"] == "pathway_mismatch"  # not network_mismatch (PCO1)
        assert body["reason"] == ("ce serveur reçoit les lots du parcours COCON ; ce lot relève du parcours "
                                  "PCO-TND")
        with transaction(session_factory(server.engine)) as session:
            stored = session.get(Batch, pco.batch_id)
            assert stored is not None and stored.reject_code == "pathway_mismatch"
            assert session.scalar(select(func.count()).select_from(Document)) == 0
            assert session.scalar(select(func.count()).select_from(Act)) == 0

        accepted = _put(server.url, token, rpm.batch_id, rpm_data)
        assert accepted.status_code == 201, accepted.text
        with transaction(session_factory(server.engine)) as session:
            assert session.scalars(select(Document.number)).all() == ["FAC-2026-0001"]

            # the same practice before a PCO-TND platform's server: the COCON batch is the one refused
            found = session.get(Therapist, therapist_id)
            assert found is not None
            verification = verify(rpm.batch_id, rpm_data)
            assert verification.ok and verification.pathway == "cocon"
            assert admission_fault(session, found, verification, "", "pco-tnd") == (
                "pathway_mismatch", "ce serveur reçoit les lots du parcours PCO-TND ; ce lot relève du parcours "
                                    "COCON")
            pco_check = verify(pco.batch_id, pco_data)
            assert pco_check.pathway == "pco-tnd" and pco_check.network == "PCO1"
            assert admission_fault(session, found, pco_check, "PCO1", "pco-tnd") is None
