"""Where the reference receiver keeps what it received: one folder per batch id, written so that a crash at any
moment leaves a state it recovers from.

    <store>/batches/<batch_id>/batch.zip      the bytes received, exactly
    <store>/batches/<batch_id>/receipt.json   the receipt given at reception (recu, or rejete with the fault)
    <store>/batches/<batch_id>/status.json    a later decision of the network (paye, rejete), if any, and its
                                              decisions on single documents (issue 21: accepte, rejete, paye)
    <store>/batches/<batch_id>/index.json     an accepted batch's practice (SIRET) and highest number per series

Each receipt and status answer carries the highest document number per series the network holds for the
batch's practice (`highest`, issue 19 #1: the practice's outside witness against a rolled-back database), read
from the index of every batch of that SIRET accepted on receipt (a batch rejected on receipt proves nothing).

The ZIP is written first (temp file, fsync, rename), the receipt after it. A ZIP without a receipt (a crash
between the two) was never acknowledged: its receipt is written when the receiver starts again or when the
same batch arrives again, whichever comes first. One lock per batch id serialises concurrent deliveries."""

from __future__ import annotations

import contextlib
import io
import json
import re
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cocon_desktop.fsutil import atomic_write, ensure_private_dir
from cocon_exchange.protocol import (
    BATCH_ID_PATTERN,
    DOCUMENT_REJECTED,
    DOCUMENT_STATUSES,
    STATUS_PAID,
    STATUS_RECEIVED,
    STATUS_REJECTED,
    DocumentDecision,
    Receipt,
    encode,
    sha256_hex,
)

ZIP_NAME = "batch.zip"
RECEIPT_NAME = "receipt.json"
STATUS_NAME = "status.json"
INDEX_NAME = "index.json"
MANIFEST_NAME = "manifest.json"
NUMBER_PATTERN = re.compile(r"^([A-Z]{2,5}-[0-9]{4})-([0-9]{1,9})$")  # FAC-2026-0023 → FAC-2026, 23

# (batch_id, data) -> None when the batch is accepted, else (fault code, French reason)
Judge = Callable[[str, bytes], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Stored:
    """The receipt of a batch and whether it was rejected on reception (then a duplicate gets a 422 again)."""

    receipt: Receipt
    rejected_on_receipt: bool


class ConflictError(Exception):
    """Another file was already received under this batch id."""


@dataclass(frozen=True)
class BatchIndex:
    """What an accepted batch tells about its practice's numbering."""

    siret: str
    highest: dict[str, int]


def index_of(data: bytes) -> BatchIndex:
    """The SIRET and the highest number per series of a batch's manifest (an accepted batch: its manifest
    follows the schema); an empty index when it cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(MANIFEST_NAME) as stream:
            manifest = json.loads(stream.read(50 * 1024 * 1024))
        siret = str(manifest["practice"]["siret"])
        highest: dict[str, int] = {}
        for document in manifest["documents"]:
            match = NUMBER_PATTERN.match(str(document["number"]))
            if match:
                highest[match[1]] = max(int(match[2]), highest.get(match[1], 0))
    except Exception:  # an accepted batch always reads; anything else proves nothing
        return BatchIndex("", {})
    return BatchIndex(siret, highest)


def document_numbers(data: bytes) -> set[str]:
    """The numbers of the documents a batch's manifest lists (empty when it cannot be read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(MANIFEST_NAME) as stream:
            manifest = json.loads(stream.read(50 * 1024 * 1024))
        return {str(document["number"]) for document in manifest["documents"]}
    except Exception:  # a batch rejected on receipt may not read: it has no documents to decide on
        return set()


def _decisions(later: dict[str, Any]) -> tuple[DocumentDecision, ...]:
    documents = later.get("documents")
    if not isinstance(documents, dict):
        return ()
    return tuple(DocumentDecision(number, str(decision.get("status", "")), str(decision.get("reason", "")))
                 for number, decision in sorted(documents.items()))


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class ReceiverStore:
    def __init__(self, root: Path, judge: Judge, *, now: Callable[[], datetime] = _now,
                 after_zip: Callable[[str], None] | None = None) -> None:
        self.root = Path(root)
        self.judge = judge
        self.now = now
        self.after_zip = after_zip  # tests: simulate a crash between the ZIP and its receipt
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.created: list[str] = []  # batch ids stored by this instance, in order (a duplicate never adds one)
        self._indexes: dict[str, BatchIndex] = {}  # batch id → its index, once read
        self._indexes_guard = threading.Lock()
        ensure_private_dir(self.batches_dir)

    @property
    def batches_dir(self) -> Path:
        return self.root / "batches"

    def folder(self, batch_id: str) -> Path:
        if not BATCH_ID_PATTERN.match(batch_id):
            raise ValueError(f"invalid batch id {batch_id!r}")
        return self.batches_dir / batch_id

    @contextlib.contextmanager
    def lock(self, batch_id: str) -> Iterator[None]:
        with self._locks_guard:
            lock = self._locks.setdefault(batch_id, threading.Lock())
        with lock:
            yield

    # reading -----------------------------------------------------------------------------------------------

    def _read_json(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        return data if isinstance(data, dict) else None

    def _load(self, batch_id: str) -> Stored | None:
        """The stored receipt (call with the lock held); completes a ZIP left without its receipt."""
        folder = self.folder(batch_id)
        raw = self._read_json(folder / RECEIPT_NAME)
        if raw is None:
            if not (folder / ZIP_NAME).exists():
                return None
            return self._acknowledge(batch_id, (folder / ZIP_NAME).read_bytes())
        receipt = Receipt.from_json(raw)
        rejected = receipt.status == STATUS_REJECTED
        later = self._read_json(folder / STATUS_NAME)
        if later is not None:
            receipt = replace(receipt, status=str(later["status"]), reason=str(later.get("reason", "")),
                              code=str(later.get("code", "")), documents=_decisions(later))
        return Stored(replace(receipt, highest={} if rejected else self.highest(self.index(batch_id).siret)),
                      rejected)

    # the practice's numbering (issue 19, #1) -------------------------------------------------------------------

    def index(self, batch_id: str) -> BatchIndex:
        """The batch's index (read from index.json, or from its ZIP for a batch stored by an earlier version);
        empty for a batch rejected on receipt or not received."""
        with self._indexes_guard:
            known = self._indexes.get(batch_id)
        if known is not None:
            return known
        folder = self.folder(batch_id)
        raw = self._read_json(folder / RECEIPT_NAME)
        if raw is None or raw.get("status") == STATUS_REJECTED:
            return BatchIndex("", {})
        stored = self._read_json(folder / INDEX_NAME)
        if stored is not None and isinstance(stored.get("highest"), dict):
            found = BatchIndex(str(stored.get("siret", "")),
                               {str(k): int(v) for k, v in stored["highest"].items() if type(v) is int})
        else:
            found = index_of((folder / ZIP_NAME).read_bytes()) if (folder / ZIP_NAME).exists() else BatchIndex("", {})
        with self._indexes_guard:
            self._indexes[batch_id] = found
        return found

    def highest(self, siret: str) -> dict[str, int]:
        """Series → the highest document number of every batch of `siret` accepted on receipt."""
        if not siret:
            return {}
        highest: dict[str, int] = {}
        for batch_id in self.batch_ids():
            index = self.index(batch_id)
            if index.siret == siret:
                for series, sequence in index.highest.items():
                    highest[series] = max(sequence, highest.get(series, 0))
        return highest

    def get(self, batch_id: str) -> Stored | None:
        with self.lock(batch_id):
            return self._load(batch_id)

    def batch_ids(self) -> list[str]:
        if not self.batches_dir.exists():
            return []
        return sorted(p.name for p in self.batches_dir.iterdir() if p.is_dir() and BATCH_ID_PATTERN.match(p.name))

    def data(self, batch_id: str) -> bytes:
        return (self.folder(batch_id) / ZIP_NAME).read_bytes()

    # writing -----------------------------------------------------------------------------------------------

    def _acknowledge(self, batch_id: str, data: bytes) -> Stored:
        """Judge the stored ZIP and write its receipt (the ZIP is already on disk)."""
        fault = self.judge(batch_id, data)
        status, code, reason = (STATUS_RECEIVED, "", "") if fault is None else (STATUS_REJECTED, *fault)
        receipt = Receipt(receipt_id=str(uuid.uuid4()), received_at=self.now(), status=status, reason=reason,
                          code=code, batch_id=batch_id, sha256=sha256_hex(data))
        with self._indexes_guard:
            self._indexes.pop(batch_id, None)
        if fault is None:  # before the receipt: a crash between the two judges the batch again at the restart
            index = index_of(data)
            atomic_write(self.folder(batch_id) / INDEX_NAME,
                         encode({"siret": index.siret, "highest": index.highest}))
        atomic_write(self.folder(batch_id) / RECEIPT_NAME, encode(receipt.to_json()))
        highest = {} if fault is not None else self.highest(self.index(batch_id).siret)
        return Stored(replace(receipt, highest=highest), fault is not None)

    def receive(self, batch_id: str, data: bytes) -> tuple[Stored, bool]:
        """Store a delivery: (its receipt, True) the first time; the first receipt and False for the same bytes
        again; ConflictError for other bytes under an id already received."""
        digest = sha256_hex(data)
        with self.lock(batch_id):
            stored = self._load(batch_id)
            if stored is not None:
                if stored.receipt.sha256 != digest:
                    raise ConflictError(batch_id)
                return stored, False
            folder = ensure_private_dir(self.folder(batch_id))
            atomic_write(folder / ZIP_NAME, data)
            if self.after_zip is not None:
                self.after_zip(batch_id)
            acknowledged = self._acknowledge(batch_id, data)
            self.created.append(batch_id)
            return acknowledged, True

    def set_status(self, batch_id: str, status: str, reason: str = "", code: str = "") -> Receipt:
        """A later decision of the network: the batch is paid, or rejected (with a French reason)."""
        if status not in (STATUS_RECEIVED, STATUS_REJECTED, STATUS_PAID):
            raise ValueError(f"unknown status {status!r}")
        with self.lock(batch_id):
            stored = self._load(batch_id)
            if stored is None:
                raise KeyError(batch_id)
            decision = {"status": status, "reason": reason, "code": code or (status if reason else ""),
                        "changed_at": self.now().isoformat(),
                        "documents": (self._read_json(self.folder(batch_id) / STATUS_NAME) or {}).get("documents", {})}
            atomic_write(self.folder(batch_id) / STATUS_NAME, encode(decision))
            loaded = self._load(batch_id)
            assert loaded is not None
            return loaded.receipt

    def set_document_status(self, batch_id: str, numbers: list[str], status: str, reason: str = "") -> Receipt:
        """The network's decision on single documents of a received batch (issue 21): accepte, rejete (with a
        French reason) or paye; the batch's own status does not change. A rejected document stays rejected.
        KeyError: the batch was not received (or was rejected on receipt); ValueError: an unknown status, or a
        number the batch does not hold."""
        if status not in DOCUMENT_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.lock(batch_id):
            stored = self._load(batch_id)
            if stored is None or stored.rejected_on_receipt:
                raise KeyError(batch_id)
            unknown = sorted(set(numbers) - document_numbers(self.data(batch_id)))
            if unknown:
                raise ValueError(", ".join(unknown))
            path = self.folder(batch_id) / STATUS_NAME
            later = self._read_json(path) or {"status": stored.receipt.status, "reason": "", "code": ""}
            documents = dict(later.get("documents") or {})
            for number in numbers:
                if documents.get(number, {}).get("status") != DOCUMENT_REJECTED:
                    documents[number] = {"status": status, "reason": reason} if reason else {"status": status}
            atomic_write(path, encode({**later, "documents": documents, "changed_at": self.now().isoformat()}))
            loaded = self._load(batch_id)
            assert loaded is not None
            return loaded.receipt

    def recover(self) -> int:
        """At start: remove temporary files a crash left, write the receipts of ZIPs left without one.
        Returns the number of receipts written."""
        written = 0
        for batch_id in self.batch_ids():
            folder = self.folder(batch_id)
            for stray in folder.glob(".*.tmp"):
                stray.unlink(missing_ok=True)
            with self.lock(batch_id):
                if not (folder / RECEIPT_NAME).exists() and (folder / ZIP_NAME).exists():
                    self._acknowledge(batch_id, (folder / ZIP_NAME).read_bytes())
                    written += 1
        return written
