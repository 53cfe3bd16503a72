"""Per-document decisions in a receipt (issue 21, #5 and #6): `documents` is read from a network that is not
trusted — at most 5,000 decisions, numbers as the manifest writes them, a known status, a reason bounded and
without control characters — and written back as it was read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cocon_exchange import batch_format
from cocon_exchange.protocol import (
    DOCUMENT_NUMBER_PATTERN,
    MAX_ANSWER_BYTES,
    MAX_DECISIONS,
    MAX_REMOTE_TEXT,
    DocumentDecision,
    Receipt,
    parse_answer,
)

RECEIPT: dict[str, Any] = {"receipt_id": "r-1", "received_at": "2026-11-24T09:30:02+00:00", "status": "recu",
                           "batch_id": "b-1", "sha256": "0" * 64}


def receipt_with(documents: object) -> Receipt:
    return Receipt.from_json({**RECEIPT, "documents": documents})


def test_decisions_are_read_and_written_back() -> None:
    documents = [{"number": "FAC-2026-0001", "status": "accepte"},
                 {"number": "FAC-2026-0002", "status": "rejete", "reason": "Enfant hors inclusion le 03/10/2026"},
                 {"number": "AV-2026-0001", "status": "paye"}]
    receipt = receipt_with(documents)
    assert receipt.documents == (DocumentDecision("FAC-2026-0001", "accepte"),
                                 DocumentDecision("FAC-2026-0002", "rejete", "Enfant hors inclusion le 03/10/2026"),
                                 DocumentDecision("AV-2026-0001", "paye"))
    written = receipt.to_json()
    assert written["documents"] == documents
    assert Receipt.from_json(json.loads(json.dumps(written))) == receipt


def test_a_receipt_without_decisions_has_none_and_writes_none() -> None:
    receipt = Receipt.from_json(RECEIPT)
    assert receipt.documents == () and "documents" not in receipt.to_json()
    assert receipt_with(None).documents == () and receipt_with([]).documents == ()


@pytest.mark.parametrize("documents", [
    "FAC-2026-0001", {"number": "FAC-2026-0001", "status": "paye"}, 5, [5], [None], [["FAC-2026-0001", "paye"]],
    [{"status": "paye"}], [{"number": "FAC-2026-0001"}], [{"number": 1, "status": "paye"}],
    [{"number": "FAC-2026-0001", "status": "payé"}], [{"number": "FAC-2026-0001", "status": "PAYE"}],
    [{"number": "FAC-2026-0001", "status": ["paye"]}], [{"number": "FAC-2026-0001", "status": "recu"}],
    [{"number": "", "status": "paye"}], [{"number": "../../etc/passwd", "status": "paye"}],
    [{"number": "FAC 2026 0001", "status": "paye"}], [{"number": "<b>FAC</b>", "status": "paye"}],
    [{"number": "F" * 41, "status": "paye"}], [{"number": "FAC-2026-0001\n", "status": "paye"}],
    [{"number": "FAC-2026-0001", "status": "rejete", "reason": 5}],
    [{"number": "FAC-2026-0001", "status": "rejete", "reason": ["x"]}],
    [{"number": "FAC-2026-0001", "status": "paye"}, {"number": "FAC-2026-0001", "status": "rejete"}],
], ids=lambda d: json.dumps(d)[:40])
def test_malformed_decisions_make_the_receipt_unreadable(documents: object) -> None:
    with pytest.raises(ValueError, match="documents"):
        receipt_with(documents)


def test_5000_decisions_are_read_5001_are_refused() -> None:
    many = [{"number": f"FAC-2026-{n:04d}", "status": "paye"} for n in range(1, MAX_DECISIONS + 2)]
    assert len(receipt_with(many[:MAX_DECISIONS]).documents) == MAX_DECISIONS
    with pytest.raises(ValueError, match="5000"):
        receipt_with(many)
    # 5,000 decisions fit in what the client reads of an answer
    body = json.dumps({**RECEIPT, "documents": many[:MAX_DECISIONS]}).encode()
    assert len(body) <= MAX_ANSWER_BYTES
    assert len(Receipt.from_json(parse_answer(body)).documents) == MAX_DECISIONS


def test_a_hostile_reason_is_bounded_and_stripped() -> None:
    hostile = "<b>Refus</b>\x1b[31m ROUGE\x1b]0;titre\x07\u202e\x00 ligne\nsuivante " + "é" * 100_000
    (decision,) = receipt_with([{"number": "FAC-2026-0001", "status": "rejete", "reason": hostile}]).documents
    assert decision.reason.startswith("<b>Refus</b> ROUGE ligne suivante é")
    assert len(decision.reason.encode("utf-8")) <= MAX_REMOTE_TEXT
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in decision.reason)


def test_a_null_reason_is_no_reason() -> None:
    (decision,) = receipt_with([{"number": "FAC-2026-0001", "status": "accepte", "reason": None}]).documents
    assert decision.reason == ""


def test_the_number_pattern_is_the_manifests() -> None:
    assert DOCUMENT_NUMBER_PATTERN.pattern == batch_format.NUMBER_PATTERN.pattern
