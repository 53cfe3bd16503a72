"""The reference receiver of the sync protocol (docs/sync-protocol.md, docs/sync-openapi.yaml).

What a network runs to receive batches, or starts from: the standard library's threaded HTTP server, TLS when
given a certificate, bearer tokens, every batch verified with `verify_batch` (hashes, PDF signatures, manifest
signature, totals) and stored with its receipt (store.py). A batch is accepted only when its signer's
certificate is registered for the practice's SIRET (registry.py; `trust_first_use` registers the first one).
Each receipt carries the highest document number per series the network holds for the practice. The tests run it
on 127.0.0.1 and inject faults through `Receiver.faults`.

    python -m cocon_network --store DIR --port 8443 --token-file tokens.txt --tls-cert cert.pem --tls-key key.pem
    python -m cocon_network register --store DIR --siret 91234567500017 practice-cert.pem
    python -m cocon_network mark-paid --store DIR BATCH_ID
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from cocon_exchange.protocol import (
    BATCH_ID_PATTERN,
    MAX_BATCH_BYTES,
    SHA256_HEADER,
    encode,
    sha256_hex,
)
from cocon_network.registry import CertificateRegistry
from cocon_network.store import ConflictError, Judge, ReceiverStore, Stored

if TYPE_CHECKING:
    from cocon_exchange.batch_verify import BatchCheck

log = logging.getLogger(__name__)


def _verdict(batch_id: str, check: BatchCheck) -> tuple[str, str] | None:
    if not check.ok:
        fault = check.first_fault
        assert fault is not None
        return fault.code, fault.message
    if check.batch_id != batch_id:
        return "batch_id_mismatch", (f"le numéro de lot de l'adresse ({batch_id}) diffère de celui du "
                                     f"manifeste ({check.batch_id})")
    return None


def verify_judge(batch_id: str, data: bytes) -> tuple[str, str] | None:
    """What a network checks on receipt, using only the file; None when the batch is accepted."""
    from cocon_exchange.batch_verify import verify_batch

    return _verdict(batch_id, verify_batch(data))


def pinned_judge(registry: CertificateRegistry, *, trust_first_use: bool = False) -> Judge:
    """`verify_judge`, then the signer pinning (issue 19, #4): the certificate that signed the manifest (and, as
    verify_batch checks, every PDF) must be registered for the SIRET the manifest names."""
    from cocon_exchange.batch_verify import verify_batch

    def judge(batch_id: str, data: bytes) -> tuple[str, str] | None:
        check = verify_batch(data)
        fault = _verdict(batch_id, check)
        if fault is not None or check.manifest is None:
            return fault or ("batch_unreadable", "lot illisible")
        siret = str(check.manifest["practice"].get("siret", ""))
        return registry.admit(siret, check.signer_pem, trust_first_use=trust_first_use)

    return judge


@dataclass
class Faults:
    """Faults injected into the next requests (tests). Each kind counts down by one per request it affects."""

    fail_status: int = 500
    fail_count: int = 0  # answer `fail_status` without storing
    delay_seconds: float = 0.0
    delay_count: int = 0  # store, then sleep before answering (the client times out; the batch is stored)
    delay_before_store: bool = False  # sleep before storing instead
    drop_count: int = 0  # store, then close the connection without any answer
    delaying: threading.Event = field(default_factory=threading.Event, repr=False)  # set when a delay starts
    released: threading.Event = field(default_factory=threading.Event, repr=False)  # ends every delay (stop)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail_next(self, count: int, status: int = 500) -> None:
        with self._lock:
            self.fail_count, self.fail_status = count, status

    def delay_next(self, count: int, seconds: float, *, before_store: bool = False) -> None:
        with self._lock:
            self.delay_count, self.delay_seconds, self.delay_before_store = count, seconds, before_store

    def drop_next(self, count: int) -> None:
        with self._lock:
            self.drop_count = count

    def sleep(self) -> None:
        self.delaying.set()
        self.released.wait(self.delay_seconds)

    def take(self, kind: str) -> bool:
        """Consume one fault of `kind` ("fail", "delay", "drop") if any is left."""
        with self._lock:
            left: int = getattr(self, f"{kind}_count")
            if left <= 0:
                return False
            setattr(self, f"{kind}_count", left - 1)
            return True


@dataclass(frozen=True)
class Exchange:
    """One request as the receiver saw it (status 0: dropped without an answer)."""

    method: str
    batch_id: str
    status: int


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], receiver: Receiver) -> None:
        self.receiver = receiver
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "COCON-receiver/1"
    timeout = 120  # a client that stops sending mid-body does not hold a thread for ever

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _answer(self, status: int, body: dict[str, Any], batch_id: str = "", *, close: bool = False) -> None:
        payload = encode(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.server.receiver.record(Exchange(self.command, batch_id, status))
        self.end_headers()
        self.wfile.write(payload)

    def _error(self, status: int, code: str, reason: str, batch_id: str = "", *, close: bool = False) -> None:
        if close and status != 413:
            self._drain()
        self._answer(status, {"code": code, "reason": reason}, batch_id, close=close)

    def _drain(self) -> None:
        """Read an unread body before answering, so that the client gets the answer rather than a reset."""
        try:
            left = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return
        if left > self.server.receiver.max_bytes:
            return
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                return
            left -= len(chunk)

    def _batch_id(self) -> str | None:
        path = unquote(urlsplit(self.path).path)
        prefix = self.server.receiver.base_path + "/batches/"
        if not path.startswith(prefix):
            return None
        batch_id = path[len(prefix):]
        return batch_id if BATCH_ID_PATTERN.match(batch_id) else None

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and self.server.receiver.token_ok(token.strip())

    def _common(self) -> str | None:
        """Path, token and injected failures; the batch id when the request may go on (else answered)."""
        receiver = self.server.receiver
        batch_id = self._batch_id()
        if batch_id is None:
            self._error(404, "not_found", "adresse inconnue : attendu …/batches/<numéro de lot>", close=True)
            return None
        if not self._authorised():
            self._error(401, "unauthorized", "jeton d'accès absent ou refusé", batch_id, close=True)
            return None
        if receiver.faults.take("fail"):
            status = receiver.faults.fail_status
            self._error(status, "injected", "panne simulée du serveur", batch_id, close=True)
            return None
        return batch_id

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_PUT(self) -> None:
        self._guarded(self._put)

    def _guarded(self, method: Callable[[], None]) -> None:
        """A bug or a full disk answers 500 (the client sends again later), never a dropped connection."""
        try:
            method()
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client has gone: nobody to answer
        except Exception:
            log.exception("%s %s failed", self.command, self.path)
            with contextlib.suppress(OSError):
                self._error(500, "internal_error", "erreur interne du serveur : réessayez plus tard", close=True)

    def _get(self) -> None:
        batch_id = self._common()
        if batch_id is None:
            return
        stored = self.server.receiver.store.get(batch_id)
        if stored is None:
            self._error(404, "unknown_batch", f"le lot {batch_id} n'a pas été reçu", batch_id)
            return
        self._answer(200, stored.receipt.to_json(), batch_id)

    def _put(self) -> None:
        receiver = self.server.receiver
        batch_id = self._common()
        if batch_id is None:
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._error(411, "length_required", "en-tête Content-Length attendu", batch_id, close=True)
            return
        if length > receiver.max_bytes or length < 0:
            self._error(413, "too_large", f"lot trop volumineux (au plus {receiver.max_bytes} octets)",
                        batch_id, close=True)
            return
        data = self.rfile.read(length)
        if len(data) != length:
            self.close_connection = True  # the client went away mid-body: nothing stored, nothing to answer
            receiver.record(Exchange("PUT", batch_id, 0))
            return
        expected = self.headers.get(SHA256_HEADER, "").strip().lower()
        if expected != sha256_hex(data):
            code = "sha256_missing" if not expected else "sha256_mismatch"
            self._error(400, code, f"empreinte {SHA256_HEADER} absente ou différente du contenu reçu", batch_id)
            return
        self._store(batch_id, data)

    def _store(self, batch_id: str, data: bytes) -> None:
        receiver = self.server.receiver
        delay = receiver.faults.take("delay")
        if delay and receiver.faults.delay_before_store:
            receiver.faults.sleep()
        try:
            stored, created = receiver.store.receive(batch_id, data)
        except ConflictError:
            self._error(409, "conflict", f"un autre fichier a déjà été reçu sous le numéro de lot {batch_id}",
                        batch_id)
            return
        if receiver.faults.take("drop"):
            self.close_connection = True
            receiver.record(Exchange("PUT", batch_id, 0))
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if delay and not receiver.faults.delay_before_store:
            receiver.faults.sleep()
        self._reply(batch_id, stored, created)

    def _reply(self, batch_id: str, stored: Stored, created: bool) -> None:
        body = stored.receipt.to_json()
        if stored.rejected_on_receipt:
            self._answer(422, body, batch_id)
        else:
            self._answer(201 if created else 200, body, batch_id)


class Receiver:
    """The receiver, started in a thread (tests, embedding) or served for ever (`serve_forever`)."""

    def __init__(self, store_dir: Path, tokens: Iterable[str], *, host: str = "127.0.0.1", port: int = 0,
                 tls_cert: Path | None = None, tls_key: Path | None = None, base_path: str = "",
                 max_bytes: int = MAX_BATCH_BYTES, judge: Judge | None = None, trust_first_use: bool = False,
                 now: Callable[[], datetime] | None = None) -> None:
        """`judge` None: verify_batch and the signer pinning of `registry` (under store_dir), where a SIRET without
        a registered certificate is refused, unless `trust_first_use` registers its first signer."""
        self.tokens = tuple(t for t in tokens if t)
        if not self.tokens:
            raise ValueError("at least one access token is needed")
        self.registry = CertificateRegistry(store_dir)
        if judge is None:
            judge = pinned_judge(self.registry, trust_first_use=trust_first_use)
        self.store = ReceiverStore(store_dir, judge) if now is None else ReceiverStore(store_dir, judge, now=now)
        self.faults = Faults()
        self.base_path = "/" + base_path.strip("/") if base_path.strip("/") else ""
        self.max_bytes = max_bytes
        self.host, self.port = host, port
        self.tls_cert, self.tls_key = tls_cert, tls_key
        self.exchanges: list[Exchange] = []
        self._exchanges_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:  # never the tokens
        return f"Receiver({str(self.store.root)!r}, port={self.port})"

    def token_ok(self, token: str) -> bool:
        given = token.encode("utf-8")
        return any(hmac.compare_digest(given, t.encode("utf-8")) for t in self.tokens) if token else False

    def record(self, exchange: Exchange) -> None:
        with self._exchanges_lock:
            self.exchanges.append(exchange)

    def statuses(self, method: str = "PUT") -> list[int]:
        with self._exchanges_lock:
            return [e.status for e in self.exchanges if e.method == method]

    @property
    def url(self) -> str:
        scheme = "https" if self.tls_cert else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}{self.base_path}"

    def bind(self) -> _Server:
        self.store.recover()
        server = _Server((self.host, self.port), self)
        if self.tls_cert:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_cert_chain(str(self.tls_cert), str(self.tls_key) if self.tls_key else None)
            # the handshake happens in the request's thread, not in the accepting loop
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        self.port = server.server_address[1]
        self._server = server
        return server

    def start(self) -> Receiver:
        self.faults.released.clear()
        server = self.bind()
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="cocon-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: new connections are refused; delayed requests finish at once in their threads."""
        self.faults.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def read_tokens(path: Path) -> list[str]:
    """One token a line; blank lines and lines starting with # are ignored."""
    lines = (line.strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def describe(stored: Stored) -> dict[str, Any]:
    return {**stored.receipt.to_json(), "rejected_on_receipt": stored.rejected_on_receipt}


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
