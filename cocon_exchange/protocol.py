"""The protocol between a practice and its regional network: receipts, errors, URLs (see docs/sync-protocol.md).

`PUT {base}/batches/{batch_id}` sends a closed batch (the ZIP), `GET {base}/batches/{batch_id}` reads its
current state. Shared by the client (client.py) and the reference receiver (receiver.py)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from cocon_exchange.errors import CoconError

PROTOCOL_VERSION = 1
CONTENT_TYPE = "application/zip"
SHA256_HEADER = "X-Content-SHA256"
MAX_BATCH_BYTES = 256 * 1024 * 1024  # a month of signed PDFs is a few MB; the receiver answers 413 above

STATUS_RECEIVED = "recu"
STATUS_REJECTED = "rejete"
STATUS_PAID = "paye"
STATUSES = (STATUS_RECEIVED, STATUS_REJECTED, STATUS_PAID)

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
BATCH_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")


@dataclass(frozen=True)
class Receipt:
    """The network's acknowledgement of one batch: its id and time, and the batch's current state."""

    receipt_id: str
    received_at: datetime  # aware
    status: str  # recu | rejete | paye
    reason: str = ""  # French, when rejected
    code: str = ""  # the rejection's code (a fault code of verify_batch, or set by the network)
    batch_id: str = ""
    sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"receipt_id": self.receipt_id, "received_at": self.received_at.isoformat(),
                                "status": self.status, "batch_id": self.batch_id, "sha256": self.sha256}
        if self.reason or self.code:
            data["reason"] = self.reason
            data["code"] = self.code
        return data

    @classmethod
    def from_json(cls, data: Any) -> Receipt:
        """A receipt read from the network; ValueError when something required is missing or malformed."""
        if not isinstance(data, dict):
            raise ValueError("receipt is not a JSON object")
        receipt_id, received_at, status = data.get("receipt_id"), data.get("received_at"), data.get("status")
        if not isinstance(receipt_id, str) or not receipt_id:
            raise ValueError("receipt_id missing")
        if not isinstance(received_at, str):
            raise ValueError("received_at missing")
        moment = datetime.fromisoformat(received_at.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError("received_at has no time zone")
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        return cls(receipt_id=receipt_id, received_at=moment, status=str(status),
                   reason=_text(data, "reason"), code=_text(data, "code"),
                   batch_id=_text(data, "batch_id"), sha256=_text(data, "sha256"))


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return value if isinstance(value, str) else ""


def encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class SendError(CoconError):
    """Sending a batch (or asking for its state) did not give a receipt."""


class TransientSendError(SendError):
    """Nothing definitive happened (offline, time-out, server error): the batch waits and is sent again."""

    def __init__(self, detail: str) -> None:
        super().__init__("send_transient", detail=detail)
        self.detail = detail


class BatchRejectedError(SendError):
    """The network refused this batch for good (a fault in the file, or another file under the same id)."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__("batch_rejected", reason=reason, reject_code=code)
        self.reason = reason
        self.reject_code = code


class AuthRejectedError(SendError):
    """The network refused the access token: nothing is sent again until the settings change."""

    def __init__(self, detail: str) -> None:
        super().__init__("send_auth_rejected", detail=detail)
        self.detail = detail


def is_local_host(host: str) -> bool:
    return host.strip("[]").lower() in LOCAL_HOSTS


def check_base_url(url: str) -> str:
    """The base URL without its trailing slash; https:// only, except plain http:// to this computer."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if not host or parts.query or parts.fragment or parts.username or parts.password:
        raise CoconError("endpoint_url_invalid", url=url)
    if parts.scheme == "https" or (parts.scheme == "http" and is_local_host(host)):
        return url.strip().rstrip("/")
    raise CoconError("endpoint_url_invalid", url=url)


def batch_url(base_url: str, batch_id: str) -> str:
    if not BATCH_ID_PATTERN.match(batch_id):
        raise CoconError("batch_id_invalid", batch_id=batch_id)
    return f"{check_base_url(base_url)}/batches/{quote(batch_id, safe='')}"
