"""The protocol between a practice and its regional network: receipts, errors, URLs (see docs/sync-protocol.md).

`PUT {base}/batches/{batch_id}` sends a closed batch (the ZIP), `GET {base}/batches/{batch_id}` reads its
current state. Shared by the client (client.py) and the reference receiver (receiver.py)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")

# What the program takes from a network's answer (issue 19, #6 and #8): the receiver may be hostile.
# a receipt is a few hundred bytes; a rejection's reason at most 64 KB; per-document decisions (issue 21): up to
# 5,000 of ~60 bytes each, a few with a reason — 4 MB bounds them all (a larger answer is never read whole)
MAX_ANSWER_BYTES = 4 * 1024 * 1024
MAX_REMOTE_TEXT = 64 * 1024  # bytes of UTF-8 of any text from a network (a reason, a code, a detail)
MAX_RECEIPT_ID = 100  # batch.receipt_id's column
MAX_CODE = 64
SERIES_PATTERN = re.compile(r"^[A-Z]{2,5}-[0-9]{4}$")  # « FAC-2026 », « AV-2026 »
MAX_SERIES = 64  # series in a receipt's "highest"
MAX_SEQUENCE = 10**9
MAX_DECISIONS = 5000  # per-document decisions in one receipt (issue 21)
# a document's number, as the manifest writes it (cocon_exchange/batch_format.NUMBER_PATTERN: a test keeps them equal)
DOCUMENT_NUMBER_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
DOCUMENT_ACCEPTED = "accepte"
DOCUMENT_REJECTED = "rejete"
DOCUMENT_PAID = "paye"
DOCUMENT_STATUSES = (DOCUMENT_ACCEPTED, DOCUMENT_REJECTED, DOCUMENT_PAID)
_SPACES = frozenset("\t\n\r\v\f\u0085\u2028\u2029")
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def remote_text(value: object, limit: int = MAX_REMOTE_TEXT) -> str:
    """A text received from a network, safe to print, store and show: not a string → ""; line breaks and tabs
    become spaces; control characters (C0, DEL, C1: the terminal's ESC sequences among them) and bidirectional
    overrides are removed; at most `limit` bytes of UTF-8 (cut on a character, then « … »)."""
    if not isinstance(value, str):
        return ""
    if len(value) > 4 * limit:  # never walk megabytes: 4 × limit characters hold more than `limit` bytes
        value = value[:4 * limit]
    value = _ESCAPES.sub("", value)  # a terminal's sequences go whole (their ESC alone would leave « [31m »)
    kept = "".join(" " if c in _SPACES else c for c in value
                   if c in _SPACES or (unicodedata.category(c) not in ("Cc", "Cs") and c not in _BIDI))
    text = kept.strip()
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit - 3].decode("utf-8", "ignore").rstrip() + "…"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_answer(body: bytes) -> Any:
    """The JSON of a network's answer; ValueError when it is too large (MAX_ANSWER_BYTES), not UTF-8, not JSON
    (NaN and Infinity included) or nested too deep for the parser."""
    if len(body) > MAX_ANSWER_BYTES:
        raise ValueError("réponse trop volumineuse")
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:  # "[" × 200,000: the C parser gives up by recursion
        raise ValueError("JSON imbriqué trop profondément") from None
    except ValueError:  # not UTF-8, not JSON, NaN: the parser's own words are English
        raise ValueError("pas du JSON") from None


def parse_highest(value: Any) -> dict[str, int]:
    """A receipt's "highest": series (« FAC-2026 ») → the highest sequence the network holds for this practice.
    ValueError unless an object of at most 64 such series, each a whole number 0…10⁹."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_SERIES:
        raise ValueError("« highest » n'est pas un objet d'au plus 64 séries")
    highest: dict[str, int] = {}
    for series, sequence in value.items():
        if not SERIES_PATTERN.match(series) or type(sequence) is not int or not 0 <= sequence <= MAX_SEQUENCE:
            raise ValueError("« highest » contient une série ou un numéro mal formé")
        highest[series] = sequence
    return highest


@dataclass(frozen=True)
class DocumentDecision:
    """The network's decision on one document of the batch: accepte, rejete (with its French reason) or paye."""

    number: str  # « FAC-2026-0001 », as in the manifest
    status: str  # DOCUMENT_STATUSES
    reason: str = ""  # French, a remote_text

    def to_json(self) -> dict[str, str]:
        data = {"number": self.number, "status": self.status}
        if self.reason:
            data["reason"] = self.reason
        return data


def parse_documents(value: Any) -> tuple[DocumentDecision, ...]:
    """A receipt's "documents": at most 5,000 decisions, each a number as the manifest writes it, a status among
    DOCUMENT_STATUSES and an optional reason (a remote_text). ValueError otherwise — and for a number given twice
    (two decisions on one document: which one holds?)."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_DECISIONS:
        raise ValueError(f"« documents » n'est pas une liste d'au plus {MAX_DECISIONS} décisions")
    decisions: list[DocumentDecision] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, dict):
            raise ValueError("« documents » contient autre chose qu'un objet")
        number, status, reason = item.get("number"), item.get("status"), item.get("reason", "")
        if not isinstance(number, str) or not DOCUMENT_NUMBER_PATTERN.fullmatch(number):
            raise ValueError("« documents » contient un numéro de document mal formé")
        if not isinstance(status, str) or status not in DOCUMENT_STATUSES:
            raise ValueError("« documents » contient un état inconnu")
        if reason is not None and not isinstance(reason, str):
            raise ValueError("« documents » contient un motif qui n'est pas un texte")
        if number in seen:
            raise ValueError("« documents » donne deux décisions pour un même document")
        seen.add(number)
        decisions.append(DocumentDecision(number, status, remote_text(reason)))
    return tuple(decisions)


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
    # series → the highest document number the network holds for this practice (a witness of the numbering)
    highest: dict[str, int] = field(default_factory=dict)
    # the network's decision on each document it has decided about (issue 21): optional, at most 5,000
    documents: tuple[DocumentDecision, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"receipt_id": self.receipt_id, "received_at": self.received_at.isoformat(),
                                "status": self.status, "batch_id": self.batch_id, "sha256": self.sha256,
                                "highest": dict(sorted(self.highest.items()))}
        if self.reason or self.code:
            data["reason"] = self.reason
            data["code"] = self.code
        if self.documents:
            data["documents"] = [decision.to_json() for decision in self.documents]
        return data

    @classmethod
    def from_json(cls, data: Any) -> Receipt:
        """A receipt read from the network; ValueError when something required is missing or malformed. Its texts
        are `remote_text`: bounded, without control characters."""
        if not isinstance(data, dict):
            raise ValueError("pas un objet JSON")
        receipt_id, received_at, status = data.get("receipt_id"), data.get("received_at"), data.get("status")
        receipt_id = remote_text(receipt_id, MAX_RECEIPT_ID)
        if not receipt_id:
            raise ValueError("« receipt_id » absent")
        if not isinstance(received_at, str) or len(received_at) > 40:
            raise ValueError("« received_at » absent")
        try:
            moment = datetime.fromisoformat(received_at.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("« received_at » n'est pas une date ISO 8601") from None
        if moment.tzinfo is None:
            raise ValueError("« received_at » sans fuseau horaire")
        try:
            moment = moment.astimezone(UTC)  # year 1 or 9999 with an offset overflows: a malformed receipt
        except OverflowError:
            raise ValueError("« received_at » hors limites") from None
        if not isinstance(status, str) or status not in STATUSES:
            raise ValueError("« status » inconnu")
        batch_id, sha256 = data.get("batch_id"), data.get("sha256")
        return cls(receipt_id=receipt_id, received_at=moment, status=status,
                   reason=remote_text(data.get("reason")), code=remote_text(data.get("code"), MAX_CODE),
                   batch_id=batch_id if isinstance(batch_id, str) and BATCH_ID_PATTERN.match(batch_id) else "",
                   sha256=sha256 if isinstance(sha256, str) and SHA256_PATTERN.match(sha256) else "",
                   highest=parse_highest(data.get("highest")), documents=parse_documents(data.get("documents")))


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
