"""A hostile network (issue 19, #6 and #8): whatever a receiver answers — `[` × 200,000, 5 MB bodies, a body
longer than it says, bad JSON, wrong types, terminal escapes and HTML in its reasons — a sync run ends with one
French sentence per batch, stores no receipt from it, never raises, and every text kept or printed from it is
bounded (64 KB) and free of control characters. Against a real HTTP server on 127.0.0.1 (tests/hostile_receiver.py)
and a real encrypted practice; the fuzz at the end goes through the client on every kind of answer."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocon_desktop.cli.main import main as cocon
from cocon_desktop.services import batches, network_endpoints
from cocon_desktop.services.batches import BatchSummary
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.sync_run import WAITING, sync_now
from cocon_desktop.sync import client
from cocon_exchange.protocol import MAX_ANSWER_BYTES, MAX_REMOTE_TEXT, Receipt, SendError
from tests.conftest import STRONG_PASSPHRASE
from tests.db.batch_helpers import NOW, issue_october
from tests.hostile_receiver import Answer, _Server, hostile_receiver, url
from tests.sync_samples import TOKEN

ESCAPES = "\x1b[2J\x1b[31mROUGE\x1b]0;titre volé\x07\x9b31m\x00\x08\u202e"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
RECEIPT = {"receipt_id": "r-1", "received_at": "2026-11-24T09:30:02+00:00", "status": "recu",
           "batch_id": "x", "sha256": "0" * 64}


def clean(text: str) -> bool:
    """No control character (C0, DEL, C1) and no bidirectional override; at most 64 KB of UTF-8."""
    return (not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in BIDI for c in text)
            and len(text.encode("utf-8")) <= MAX_REMOTE_TEXT + 200)


@pytest.fixture
def hostile() -> Iterator[_Server]:
    with hostile_receiver() as server:
        yield server


@pytest.fixture
def batch(practice: Practice, hostile: _Server) -> BatchSummary:
    issue_october(practice, networks=("RPO",))
    closed = batches.close_batch(practice, "RPO", NOW)
    network_endpoints.set_endpoint(practice.sessions, "RPO", url(hostile), TOKEN)
    return closed


def send(practice: Practice) -> tuple[str, BatchSummary]:
    """One sync run: the batch's outcome (its state and French sentence) and the batch as stored after it."""
    report = sync_now(practice, now=lambda: NOW, timeout=10)
    (outcome,) = report.outcomes
    assert clean(outcome.message) and all(clean(e) for e in report.errors)
    return outcome.state, batches.get_batch(practice.sessions, outcome.batch_pk)


def waits_with(practice: Practice, batch: BatchSummary, *words: str) -> str:
    state, stored = send(practice)
    assert state == WAITING and stored.state == "prepare" and stored.receipt_id == ""
    assert stored.received_at is None and stored.reason == ""
    assert all(word in stored.last_error for word in words), stored.last_error
    return stored.last_error


@pytest.mark.parametrize("body", [b"[" * 200_000, b"{" * 200_000 + b"}" * 200_000, b'{"a":' * 100_000],
                         ids=["brackets", "braces", "objects"])
def test_a_receipt_nested_too_deep_is_one_sentence(practice: Practice, hostile: _Server, batch: BatchSummary,
                                                   body: bytes) -> None:
    hostile.answer = Answer(201, body)  # RecursionError in sync/client.py:75 before
    hostile.answer.body = body[:MAX_ANSWER_BYTES]
    waits_with(practice, batch, "accusé de réception illisible")


def test_a_huge_body_is_not_read(practice: Practice, hostile: _Server, batch: BatchSummary) -> None:
    hostile.answer = Answer(201, b" " * (5 * 1024 * 1024) + json.dumps(RECEIPT).encode())
    waits_with(practice, batch, "trop volumineuse")


def test_a_body_longer_than_announced_or_without_length_is_bounded(practice: Practice, hostile: _Server,
                                                                   batch: BatchSummary) -> None:
    hostile.answer = Answer(201, b"[" * (MAX_ANSWER_BYTES + 10), declared_length=MAX_ANSWER_BYTES + 10)
    waits_with(practice, batch, "trop volumineuse")


@pytest.mark.parametrize("body", [
    b"", b"not json", b"\xff\xfe\x00", b"NaN", b'{"receipt_id": NaN}', b"[]", b"null", b'"recu"',
    json.dumps({**RECEIPT, "receipt_id": 5}).encode(),
    json.dumps({**RECEIPT, "status": ["recu"]}).encode(),
    json.dumps({**RECEIPT, "received_at": 1}).encode(),
    json.dumps({**RECEIPT, "received_at": "0001-01-01T00:00:00+05:00"}).encode(),
    json.dumps({**RECEIPT, "received_at": "x" * 10_000}).encode(),
    json.dumps({**RECEIPT, "highest": "FAC-2026"}).encode(),
    json.dumps({**RECEIPT, "highest": {"FAC-2026": "23"}}).encode(),
    json.dumps({**RECEIPT, "highest": {"FAC-2026": 10**30}}).encode(),
    json.dumps({**RECEIPT, "highest": {"<script>": 1}}).encode(),
    json.dumps({**RECEIPT, "highest": {f"FAC-{year:04d}": 1 for year in range(100)}}).encode(),
], ids=lambda b: b[:24].decode("utf-8", "replace"))
def test_a_malformed_receipt_waits_and_stores_nothing(practice: Practice, hostile: _Server, batch: BatchSummary,
                                                      body: bytes) -> None:
    hostile.answer = Answer(201, body)
    waits_with(practice, batch, "accusé de réception illisible")


def test_a_rejection_reason_is_bounded_and_stripped_before_storage(practice: Practice, hostile: _Server,
                                                                   batch: BatchSummary) -> None:
    reason = "<b>Lot</b> <img src='http://x/y.png'> refusé " + ESCAPES + "é" * 100_000  # 200 KB: read, then cut
    body = json.dumps({**RECEIPT, "status": "rejete", "reason": reason, "code": "\x1b[31m" + "c" * 10_000},
                      ensure_ascii=False).encode()
    assert MAX_REMOTE_TEXT < len(body) <= MAX_ANSWER_BYTES
    hostile.answer = Answer(422, body)
    state, stored = send(practice)
    assert state == "rejete" and stored.state == "rejete"
    assert clean(stored.reason) and len(stored.reason.encode()) <= MAX_REMOTE_TEXT
    assert stored.reason.startswith("<b>Lot</b> <img src='http://x/y.png'> refusé ROUGE")  # as text: see the UI
    assert "\x1b" not in stored.reason and "titre volé" not in stored.reason


def test_a_5_mb_rejection_is_refused_before_reading(practice: Practice, hostile: _Server,
                                                    batch: BatchSummary) -> None:
    reason = "x" * (5 * 1024 * 1024)
    hostile.answer = Answer(422, json.dumps({**RECEIPT, "status": "rejete", "reason": reason}).encode())
    error = waits_with(practice, batch, "trop volumineuse")
    assert len(error) < 1000


@pytest.mark.parametrize("status", [400, 401, 404, 409, 413, 500, 503, 302, 418])
def test_error_reasons_reach_the_terminal_without_escapes(practice: Practice, hostile: _Server,
                                                          batch: BatchSummary, status: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`cocon sync`'s output (its lines and its errors) holds no terminal escape from the network."""
    body = json.dumps({"code": "\x1b[0m" + "code", "reason": "motif " + ESCAPES + " fin"}).encode()
    hostile.answer = Answer(status, body)
    monkeypatch.setattr("sys.stdin", io.StringIO(STRONG_PASSPHRASE + "\n"))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cocon(["--data-dir", str(practice.data_dir), "sync", "--passphrase-stdin", "--timeout", "10"])
    assert code in (1, 2)
    printed = out.getvalue() + err.getvalue()
    assert "Traceback" not in printed and "\x1b" not in printed and "\x9b" not in printed and "\x07" not in printed
    assert "motif" in printed or "HTTP" in printed or "jeton" in printed, printed


def test_a_wellformed_answer_is_still_a_receipt(practice: Practice, hostile: _Server, batch: BatchSummary) -> None:
    hostile.answer = Answer(201, json.dumps({**RECEIPT, "batch_id": batch.batch_id, "reason": "",
                                             "highest": {"FAC-2026": 3}}).encode())
    state, stored = send(practice)
    assert state == "recu" and stored.state == "recu" and stored.receipt_id == "r-1"


# --- the fuzz: any status, any body, through the client ---------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
FIELDS = st.fixed_dictionaries({}, optional={
    "receipt_id": st.one_of(st.text(max_size=300), JSON_VALUES), "status": st.sampled_from(["recu", "rejete",
                                                                                            "paye", "x", ""]),
    "received_at": st.one_of(st.sampled_from(["2026-11-24T09:30:02+00:00", "2026-11-24T09:30:02Z",
                                              "9999-12-31T23:59:59-05:00", "2026-11-24"]), JSON_VALUES),
    "reason": st.one_of(st.text(), st.just(ESCAPES * 50), JSON_VALUES),
    "code": st.one_of(st.text(), JSON_VALUES),
    "batch_id": JSON_VALUES, "sha256": JSON_VALUES,
    "highest": st.one_of(st.dictionaries(st.text(max_size=10), st.integers(), max_size=5), JSON_VALUES)})
BODIES = st.one_of(
    FIELDS.map(lambda d: json.dumps(d, allow_nan=True).encode()),
    st.binary(max_size=300),
    st.integers(1, 300_000).map(lambda n: b"[" * n),
    st.builds(lambda head, n: head * n, st.sampled_from([b"[", b"{\"a\":", b" "]), st.integers(1, 400_000)))


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[_Server]:
    with hostile_receiver() as server:
        yield server


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=st.sampled_from([200, 201, 202, 204, 301, 400, 401, 403, 404, 409, 411, 413, 422, 429, 500, 503]),
       body=BODIES, method=st.sampled_from(["push", "status"]))
def test_any_answer_is_a_receipt_or_a_send_error_with_clean_text(fuzzed: _Server, status: int, body: bytes,
                                                                 method: str) -> None:
    fuzzed.answer = Answer(status, body)
    batch_id = str(uuid.uuid4())
    try:
        if method == "push":
            receipt = client.push_batch(url(fuzzed), TOKEN, batch_id, b"PK\x05\x06" + b"\0" * 18, timeout=10)
        else:
            receipt = client.fetch_status(url(fuzzed), TOKEN, batch_id, timeout=10)
    except SendError as error:
        texts = [str(value) for value in error.data.values()]
        assert all(clean(text) for text in texts), texts
        return
    assert isinstance(receipt, Receipt) and status in (200, 201)
    assert all(clean(text) for text in (receipt.receipt_id, receipt.reason, receipt.code, receipt.batch_id))
    assert len(receipt.receipt_id) <= 100 and len(receipt.highest) <= 64
