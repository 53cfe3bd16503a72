"""A hostile network receiver on 127.0.0.1 (issue 19, #6 and #8): it answers every request with whatever the test
sets — any status, any bytes, any headers — after reading the request's body, so that the client always gets it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int = 201
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    declared_length: int | None = None  # a Content-Length other than the body's (a lie): None → the body's


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length", "0") or 0)
        if length:
            self.rfile.read(length)
        answer = self.server.answer
        self.server.requests.append(self.command)
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        declared = len(answer.body) if answer.declared_length is None else answer.declared_length
        self.send_header("Content-Length", str(declared))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        with contextlib.suppress(OSError):  # the client stopped reading (too large), as a hostile server sees it
            self.wfile.write(answer.body)

    do_GET = _answer
    do_PUT = _answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = Answer()
        self.requests: list[str] = []


@contextmanager
def hostile_receiver() -> Iterator[_Server]:
    """The server (set `.answer`); its base URL is `url(server)`."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"
