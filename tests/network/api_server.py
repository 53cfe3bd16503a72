"""The network's server for tests: the real ASGI application under a real uvicorn on 127.0.0.1 (a free port), in a
thread of the test process, its verification pool included; plus a therapist under convention with the sample
practice's certificate and a token, as the coordinator would set them up."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import uvicorn
from sqlalchemy import Engine

from cocon_network.server.app import create_app
from cocon_network.server.config import Settings
from cocon_network.server.conventions import add_certificate, issue_token, register_therapist
from cocon_network.server.db import init_schema, make_engine, session_factory, transaction
from tests.document_samples import SAMPLE_PROFILE
from tests.network_samples import sample_certificate


@dataclass(frozen=True)
class Practice:
    therapist_id: int
    token: str


@dataclass
class RunningServer:
    url: str
    engine: Engine
    settings: Settings
    app: Any = None  # the Starlette application (its state: the verification pool)


def convention(engine: Engine, *, siret: str = SAMPLE_PROFILE.siret, certificate: bytes | None = None,
               name: str = "Camille Martin", with_certificate: bool = True) -> Practice:
    """A therapist under convention, its signing certificate registered (the sample practice's by default) and a
    token issued."""
    with transaction(session_factory(engine)) as session:
        therapist = register_therapist(session, name=name, discipline="psychomotricite", siret=siret,
                                       iban="FR7630006000011234567890189", bic="AGRIFRPP", departement="13",
                                       rpps=SAMPLE_PROFILE.rpps, convention_start=date(2026, 1, 1))
        if with_certificate:
            add_certificate(session, therapist.id, certificate or sample_certificate()[0])
        return Practice(therapist.id, issue_token(session, therapist.id).token)


@contextmanager
def running_server(url: str, **settings: Any) -> Iterator[RunningServer]:
    """uvicorn serving create_app(Settings(database_url=url, **settings)) until the block ends."""
    values: dict[str, Any] = {"database_url": url, "verify_processes": 1, "secure_cookies": False}
    values.update(settings)
    config = Settings(**values)
    engine = make_engine(url)
    init_schema(engine)
    app = create_app(config, engine=engine)
    app.state.warm_verify_pool = True
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", timeout_keep_alive=5))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield RunningServer(f"http://127.0.0.1:{port}", engine, config, app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        engine.dispose()


def wait_verified(engine: Engine, batch_id: str, *, timeout: float = 120) -> str:
    """Wait for the full verification that follows a batch's receipt (ingest_verify.py); its final state:
    « verifie », or « echec » (the batch then rejected)."""
    from cocon_network.server.models import VERIFY_PENDING, Batch

    deadline = time.monotonic() + timeout
    sessions = session_factory(engine)
    while True:
        with transaction(sessions) as session:
            batch = session.get(Batch, batch_id)
            state = batch.verification if batch is not None else ""
        if state and state != VERIFY_PENDING:
            return state
        if time.monotonic() > deadline:
            raise TimeoutError(f"batch {batch_id} still {state or 'absent'} after {timeout} s")
        time.sleep(0.05)
