"""The HTTP client of the sync protocol: push a closed batch to the network, read its state (httpx).

Every answer maps to one outcome: a `Receipt`, `TransientSendError` (try again later), `BatchRejectedError`
(never again as is) or `AuthRejectedError` (the settings must change). The access token is only ever put in the
Authorization header: never in an exception, a log line or a repr.

The network may be hostile (issue 19, #6 and #8): its answer is read up to MAX_ANSWER_BYTES (a larger one is a
failure, never read whole), parsed without trusting its depth, types or sizes, and every text taken from it is
`remote_text` (bounded, without control characters) before anyone prints or stores it."""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from typing import Any

import httpx

from cocon_exchange.protocol import (
    CONTENT_TYPE,
    MAX_ANSWER_BYTES,
    MAX_CODE,
    SHA256_HEADER,
    AuthRejectedError,
    BatchRejectedError,
    Receipt,
    TransientSendError,
    batch_url,
    parse_answer,
    remote_text,
    sha256_hex,
)

log = logging.getLogger(__name__)
USER_AGENT = "COCON-Desktop-sync/1"
Verify = bool | str | ssl.SSLContext  # True: the system's authorities; a CA file's path; a ready context


def _verify(verify: Verify) -> ssl.SSLContext | bool:
    """httpx 0.28 wants an SSLContext for a CA file (a plain path is deprecated)."""
    if isinstance(verify, str):
        try:
            return ssl.create_default_context(cafile=verify)
        except (OSError, ssl.SSLError) as exc:
            raise TransientSendError(f"certificat d'autorité illisible ({verify}) : {exc}") from None
    return verify


@dataclass(frozen=True)
class Answer:
    """A network's answer: its HTTP status and its body, read up to MAX_ANSWER_BYTES."""

    status_code: int
    body: bytes


def _read_bounded(response: httpx.Response) -> bytes:
    """The body, or TransientSendError as soon as it is larger than MAX_ANSWER_BYTES (never read whole)."""
    declared = response.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > MAX_ANSWER_BYTES:
        raise TransientSendError(f"réponse du serveur trop volumineuse ({int(declared)} octets annoncés)")
    body = bytearray()
    for chunk in response.iter_raw():
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            raise TransientSendError(f"réponse du serveur trop volumineuse (plus de {MAX_ANSWER_BYTES} octets)")
    return bytes(body)


def _request(method: str, url: str, token: str, *, content: bytes | None, headers: dict[str, str],
             timeout: float, verify: Verify, transport: httpx.BaseTransport | None) -> Answer:
    token = token.strip()
    if not token or not token.isprintable() or not token.isascii():
        raise AuthRejectedError("aucun jeton d'accès configuré, ou jeton illisible")
    # identity: the body is read as sent (raw), so that no compressed answer expands past the limit
    all_headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": USER_AGENT,
                   "Accept-Encoding": "identity", **headers}
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), verify=_verify(verify), transport=transport,
                          follow_redirects=False, trust_env=False) as client, \
                client.stream(method, url, content=content, headers=all_headers) as response:
            return Answer(response.status_code, _read_bounded(response))
    except httpx.TimeoutException as exc:
        detail = f"pas de réponse du serveur en {timeout:g} s ({type(exc).__name__})"
    except httpx.ConnectError as exc:
        detail = _connect_detail(exc)
    except httpx.TransportError as exc:  # connection dropped, protocol error: the outcome is unknown
        detail = f"connexion interrompue avant la réponse ({type(exc).__name__})"
    # `from None`: the httpx exception holds the request, and so the Authorization header
    raise TransientSendError(detail) from None


def _connect_detail(exc: httpx.ConnectError) -> str:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in text.lower():
        return f"certificat du serveur refusé ({text})"
    if "refused" in text.lower():
        return "connexion refusée : le serveur du réseau n'écoute pas"
    return f"connexion impossible ({text})"


def _json(answer: Answer) -> Any:
    try:
        return parse_answer(answer.body)
    except ValueError:
        return None


def _receipt(answer: Answer) -> Receipt:
    try:
        return Receipt.from_json(parse_answer(answer.body))
    except ValueError as exc:  # protocol.py's own French words, never the answer's text
        raise TransientSendError(f"accusé de réception illisible ({remote_text(str(exc), 200)})") from None
    except (TypeError, OverflowError):
        raise TransientSendError("accusé de réception illisible (valeur d'un type inattendu)") from None


def _outcome(answer: Answer) -> Receipt:
    status = answer.status_code
    body = _json(answer)
    fields = body if isinstance(body, dict) else {}
    reason = remote_text(fields.get("reason"))
    code = remote_text(fields.get("code"), MAX_CODE)
    if status in (200, 201):
        return _receipt(answer)
    if status == 422:
        raise BatchRejectedError(reason or "lot refusé par le réseau", code or "rejected")
    if status == 409:
        raise BatchRejectedError(reason or "le réseau a déjà reçu un autre fichier sous ce numéro de lot",
                                 "conflict")
    if status in (401, 403):
        raise AuthRejectedError(reason or f"accès refusé par le réseau (HTTP {status})")
    if status == 404:
        raise BatchRejectedError(reason or "lot inconnu du réseau", code or "unknown_batch")
    if status == 413:
        raise BatchRejectedError(reason or "fichier trop volumineux pour le réseau", "too_large")
    if status == 400 and code != "sha256_mismatch":
        raise BatchRejectedError(reason or "requête refusée par le réseau", code or "bad_request")
    # 5xx, 429, a body damaged on the way (400 sha256_mismatch), an unexpected answer: try again later
    return _transient(status, reason)


def _transient(status: int, reason: str) -> Receipt:
    raise TransientSendError(f"le serveur a répondu HTTP {status}" + (f" : {reason}" if reason else ""))


def push_batch(url: str, token: str, batch_id: str, data: bytes, *, timeout: float = 30,
               verify: Verify = True, transport: httpx.BaseTransport | None = None) -> Receipt:
    """Send one batch (idempotent: the same bytes again give the first receipt back).

    `url` is the network's base URL; `verify` is True (system CAs), False, or the path of a CA/certificate
    file (a network's self-signed server certificate)."""
    target = batch_url(url, batch_id)
    headers = {"Content-Type": CONTENT_TYPE, SHA256_HEADER: sha256_hex(data)}
    answer = _request("PUT", target, token, content=data, headers=headers, timeout=timeout, verify=verify,
                      transport=transport)
    log.info("batch %s: HTTP %s", batch_id, answer.status_code)
    return _outcome(answer)


def fetch_status(url: str, token: str, batch_id: str, *, timeout: float = 30, verify: Verify = True,
                 transport: httpx.BaseTransport | None = None) -> Receipt:
    """The batch's current state at the network (recu, rejete with its reason, paye)."""
    target = batch_url(url, batch_id)
    answer = _request("GET", target, token, content=None, headers={}, timeout=timeout, verify=verify,
                      transport=transport)
    if answer.status_code == 200:
        return _receipt(answer)
    return _outcome(answer)
