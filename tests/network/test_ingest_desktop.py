"""The desktop and the two-phase reception (issue 21, part G): a batch the network received (201, « Reçu »), then
rejected at the full verification of its PDFs, shows « Rejeté » with the network's reason at the practice's next
`cocon sync` — the real command in its own process, a real encrypted practice, uvicorn on PostgreSQL.

The desktop signs its PDFs properly, so the verification's verdict is made to fail here: the server verifies, in
its thread pool (verify_processes = 0), the practice's own batch with one PDF byte changed — the real verifier's
real fault on those bytes (the manifest no longer vouches for that PDF)."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_desktop.models.batch import Batch as DesktopBatch
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import batches, network_endpoints
from cocon_desktop.services.practice_handle import create_practice, open_with_passphrase
from cocon_network.server import conventions, verify_pool
from cocon_network.server.db import session_factory, transaction
from cocon_network.server.models import Batch as ServerBatch
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.batch_helpers import NOW, issue_october
from tests.network.api_server import running_server, wait_verified
from tests.network.test_end_to_end import sync

pytestmark = pytest.mark.slow

NETWORK = "RPO"


def _one_pdf_altered(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        altered = False
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("documents/") and not altered:
                content, altered = content[:7] + b"6" + content[8:], True
            target.writestr(info, content)
    return out.getvalue()


def test_cocon_sync_shows_a_batch_rejected_after_its_receipt(postgres_url: str, data_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real_verify = verify_pool.verify
    monkeypatch.setattr(verify_pool, "verify", lambda batch_id, data: real_verify(batch_id, _one_pdf_altered(data)))
    practice = create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    issue_october(practice, networks=(NETWORK,))
    closed = batches.close_batch(practice, NETWORK, NOW)
    _name, zip_data = batches.batch_file(practice.sessions, closed.id)
    with running_server(postgres_url, network=NETWORK, verify_processes=0) as server:
        with transaction(session_factory(server.engine)) as session:
            therapist = conventions.register_therapist(
                session, name=PROFILE.name, discipline="orthophonie", siret=PROFILE.siret,
                iban="FR7630006000011234567890189", bic="AGRIFRPP", rpps=PROFILE.rpps, departement="31",
                convention_start=date(2026, 1, 1))
            conventions.add_certificate(session, therapist.id, zip_data)
            token = conventions.issue_token(session, therapist.id).token
        network_endpoints.set_endpoint(practice.sessions, NETWORK, server.url, token)
        practice.close()

        first = sync(data_dir)
        assert first.returncode == 0 and "reçu par le réseau" in first.stdout, first.stdout
        assert wait_verified(server.engine, closed.batch_id) == "echec"
        with transaction(session_factory(server.engine)) as session:
            rejected = session.get(ServerBatch, closed.batch_id)
            assert rejected is not None and rejected.status == "rejete" and rejected.reject_reason
            reason = rejected.reject_reason
        second = sync(data_dir)
        assert second.returncode == 1, second.stdout + second.stderr

    practice = open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:
        with practice.sessions() as session:
            batch = session.scalars(select(DesktopBatch).where(DesktopBatch.batch_id == closed.batch_id)).one()
            assert batch.state == "rejete"
            assert batch.reason == reason and "FAC-" in reason
    finally:
        practice.close()
