"""The sync protocol's API (docs/sync-protocol.md, docs/sync-openapi.yaml), answering as the reference receiver
(cocon_network/receiver.py) does, on the database:

    PUT /batches/{batch_id}   Bearer token → its therapist; the body read streamed up to Settings.max_batch_bytes
                              (413 above), X-Content-SHA256 checked (400), then ingest.py (201/200/409/422):
                              the receipt once the batch is checked and stored, its PDFs verified after it
    GET /batches/{batch_id}   the current receipt: status (paye once every invoice is paid), the decision on each
                              document, the highest number per series held for the practice

Errors are JSON {"code", "reason"} with a French reason; a bug answers 500 (the practice sends again later)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from cocon_exchange.protocol import BATCH_ID_PATTERN, SHA256_HEADER, encode, sha256_hex
from cocon_network.server.conventions import token_therapist
from cocon_network.server.db import transaction
from cocon_network.server.ingest import current_receipt, ingest
from cocon_network.server.ingest_verify import cancel_all, start_resuming
from cocon_network.server.verify_pool import VerifyPool

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from cocon_network.server.app import ServerState

log = logging.getLogger(__name__)


def json_answer(status: int, body: dict[str, Any], *, close: bool = False) -> Response:
    headers = {"Connection": "close"} if close else None
    return Response(encode(body), status_code=status, media_type="application/json; charset=utf-8",
                    headers=headers)


def error(status: int, code: str, reason: str, *, close: bool = False) -> Response:
    return json_answer(status, {"code": code, "reason": reason}, close=close)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """The verification pool lives as long as the application (one per worker process); at its start, the batches
    received but not fully verified (a server stopped meanwhile) are verified again."""
    state: ServerState = app.state.server
    pool = VerifyPool(state.settings.verify_processes)
    if getattr(app.state, "warm_verify_pool", False):  # serve.app_factory: production starts them at once
        pool.warm()
    app.state.verify_pool = pool
    start_resuming(state, pool)  # the batches a stopped server left « en_cours »
    try:
        yield
    finally:
        await cancel_all(pool)  # unfinished verifications stay « en_cours »: done again at the next start
        pool.close()
        app.state.verify_pool = None


def _pool(request: Request) -> VerifyPool:
    pool: VerifyPool | None = getattr(request.app.state, "verify_pool", None)
    if pool is None:  # an application used without its lifespan (a test client outside `with`)
        pool = VerifyPool(0)
        request.app.state.verify_pool = pool
    return pool


def _therapist_id(state: ServerState, request: Request) -> int | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    with transaction(state.sessions) as session:
        therapist = token_therapist(session, token.strip())
        return therapist.id if therapist is not None else None


async def _common(request: Request) -> tuple[str, int] | Response:
    """The batch id and the token's therapist, or the answer already due (404, 401)."""
    state: ServerState = request.app.state.server
    batch_id = request.path_params["batch_id"]
    if not BATCH_ID_PATTERN.match(batch_id):
        return error(404, "not_found", "adresse inconnue : attendu …/batches/<numéro de lot>", close=True)
    therapist_id = await run_in_threadpool(_therapist_id, state, request)
    if therapist_id is None:
        return error(401, "unauthorized", "jeton d'accès absent ou refusé", close=True)
    return batch_id, therapist_id


async def _read_body(request: Request, limit: int) -> bytes | Response:
    too_large = error(413, "too_large", f"lot trop volumineux (au plus {limit} octets)", close=True)
    declared = request.headers.get("Content-Length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            return error(411, "length_required", "en-tête Content-Length illisible", close=True)
        if length > limit or length < 0:
            return too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def put_batch(request: Request) -> Response:
    common = await _common(request)
    if isinstance(common, Response):
        return common
    batch_id, therapist_id = common
    state: ServerState = request.app.state.server
    try:
        data = await _read_body(request, state.settings.max_batch_bytes)
    except ClientDisconnect:
        return Response(status_code=400)  # nobody left to read it; nothing stored
    if isinstance(data, Response):
        return data
    expected = request.headers.get(SHA256_HEADER, "").strip().lower()
    digest = sha256_hex(data)
    if expected != digest:
        code = "sha256_missing" if not expected else "sha256_mismatch"
        return error(400, code, f"empreinte {SHA256_HEADER} absente ou différente du contenu reçu")
    outcome = await ingest(state, _pool(request), therapist_id, batch_id, data, digest=digest)
    return json_answer(outcome.status, outcome.body)


async def get_batch(request: Request) -> Response:
    common = await _common(request)
    if isinstance(common, Response):
        return common
    batch_id, therapist_id = common
    state: ServerState = request.app.state.server
    body = await run_in_threadpool(current_receipt, state, therapist_id, batch_id)
    if body is None:
        return error(404, "unknown_batch", f"le lot {batch_id} n'a pas été reçu")
    return json_answer(200, body)


def _guarded(handler: Any) -> Any:
    async def guarded(request: Request) -> Response:
        try:
            response: Response = await handler(request)
        except Exception:
            log.exception("%s %s failed", request.method, request.url.path)
            return error(500, "internal_error", "erreur interne du serveur : réessayez plus tard", close=True)
        return response

    return guarded


def routes() -> list[BaseRoute]:
    return [Route("/batches/{batch_id}", _guarded(put_batch), methods=["PUT"]),
            Route("/batches/{batch_id}", _guarded(get_batch), methods=["GET"])]
