"""Backup and restore as docs/network-server.md tells the network to do it (issue 21, #8): `pg_dump -Fc` of a
database holding a received batch, `pg_restore` into a new database, and everything identical afterwards — the
batch's bytes and SHA-256, its documents' PDFs, the audit chain (still intact, still append-only) and the answer
of GET /batches/{id}. Debian's pg_dump and pg_restore, run as the cluster's user."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from cocon_network.server import audit, conventions
from cocon_network.server import models as m
from cocon_network.server.app import create_app
from cocon_network.server.config import Settings
from cocon_network.server.db import make_engine, session_factory, transaction
from tests.network.postgres import PostgresCluster, binaries
from tests.network.schema import create_schema
from tests.sync_samples import make_batch


def _as_cluster_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command


def _database(url: str) -> str:
    return url.split("/")[3].split("?")[0]


def _pg(tool: str, cluster: PostgresCluster, *args: str, stdin: bytes | None = None) -> bytes:
    """Run pg_dump / pg_restore as the cluster's user; the file goes through a pipe (the cluster's user may not
    write the test's folder)."""
    bin_dir = binaries()
    assert bin_dir is not None
    done = subprocess.run(_as_cluster_user([str(bin_dir / tool), "-h", str(cluster.socket_dir), "-p",
                                            str(cluster.port), "-U", cluster.user, *args]),
                          input=stdin, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout


def _receive_a_batch(url: str) -> tuple[str, str, bytes, object]:
    """A real signed batch PUT to the server (registered practice, its token); the GET answer afterwards."""
    from starlette.testclient import TestClient

    from tests.network.api_server import wait_verified

    sample = make_batch()
    engine = make_engine(url)
    create_schema(engine)
    with transaction(session_factory(engine)) as session:
        therapist = conventions.register_therapist(
            session, name="Camille Martin", discipline="psychomotricite", siret="91234567500017",
            iban="FR7630001007941234567890185", rpps="10001234565", departement="13",
            convention_start=date(2026, 1, 1))
        conventions.add_certificate(session, therapist.id, sample.data)
        token = conventions.issue_token(session, therapist.id).token
    app = create_app(Settings(database_url=url, secure_cookies=False), engine=engine)
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/zip",
                   "X-Content-SHA256": hashlib.sha256(sample.data).hexdigest()}
        put = client.put(f"/batches/{sample.batch_id}", content=sample.data, headers=headers)
        assert put.status_code == 201, put.text
        assert wait_verified(engine, sample.batch_id) == "verifie"  # the PDFs verified after the receipt
        answer = client.get(f"/batches/{sample.batch_id}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
    engine.dispose()
    return token, sample.batch_id, sample.data, answer.json()


def _snapshot(url: str) -> dict[str, object]:
    from cocon_exchange.protocol import sha256_hex
    from cocon_network.server.document_pdf import pdf_of

    engine = make_engine(url)
    with Session(engine) as session:
        batches = [(b.batch_id, b.sha256, bytes(b.data)) for b in session.scalars(select(m.Batch))]
        documents = [(d.number, d.sha256, pdf_of(session, d.id), d.status) for d in  # the PDF: from the ZIP
                     session.scalars(select(m.Document).order_by(m.Document.id))]
        assert all(d[2] is not None and sha256_hex(d[2][0]) == d[1] for d in documents)
        acts = session.execute(text("SELECT count(*), sum(amount_cents) FROM act")).one()
        entries = [(e.id, e.action, e.target, e.previous_sha256, e.entry_sha256) for e in
                   session.scalars(select(m.AuditEntry).order_by(m.AuditEntry.id))]
        chain = audit.verify_chain(session)
    engine.dispose()
    return {"batches": batches, "documents": documents, "acts": tuple(acts), "audit": entries,
            "chain_intact": chain.intact, "chain_count": chain.count}


@pytest.mark.skipif(shutil.which("runuser") is None and os.geteuid() == 0, reason="runuser absent")
def test_pg_dump_then_pg_restore_gives_the_same_network(postgres_cluster: PostgresCluster, postgres_url: str,
                                                        tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    token, batch_id, data, first_answer = _receive_a_batch(postgres_url)
    before = _snapshot(postgres_url)
    assert before["batches"] and before["documents"] and before["audit"] and before["chain_intact"]
    assert before["batches"] == [(batch_id, hashlib.sha256(data).hexdigest(), data)]

    dump = tmp_path / "reseau.dump"
    dump.write_bytes(_pg("pg_dump", postgres_cluster, "-Fc", _database(postgres_url)))
    assert dump.stat().st_size > len(data) // 2  # the batch's bytes are in it (compressed)

    restored = postgres_cluster.create_database()
    try:
        _pg("pg_restore", postgres_cluster, "--no-owner", "--exit-on-error", "-d", _database(restored),
            stdin=dump.read_bytes())
        after = _snapshot(restored)
        assert after == before
        engine = make_engine(restored)
        app = create_app(Settings(database_url=restored, secure_cookies=False), engine=engine)
        with TestClient(app) as client:
            answer = client.get(f"/batches/{batch_id}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
        assert answer.json() == first_answer
        with pytest.raises(DBAPIError), engine.begin() as connection:  # still append-only after a restore
            connection.execute(text("UPDATE audit_log SET target = 'effacé'"))
        with engine.begin() as connection, Session(bind=connection) as session:  # chained to the restored last
            audit.record(session, None, "backup_restored", "base restaurée", {"from": dump.name})
            session.flush()
            assert audit.verify_chain(session).intact
        engine.dispose()
    finally:
        postgres_cluster.drop_database(restored)
