"""The reference receiver alone, on 127.0.0.1 with real batches (signed PDFs, signed manifest), through the real
client: receipts, duplicates, conflicts, a tampered batch, tokens, sizes, later decisions of the network, TLS,
concurrent deliveries, and a crash between the stored ZIP and its receipt."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from cocon_desktop.errors import CoconError
from cocon_desktop.sync.client import fetch_status, push_batch
from cocon_exchange.protocol import (
    SHA256_HEADER,
    AuthRejectedError,
    BatchRejectedError,
    Receipt,
    TransientSendError,
    sha256_hex,
)
from cocon_network.receiver import Receiver, verify_judge
from cocon_network.store import INDEX_NAME, RECEIPT_NAME, ZIP_NAME, ReceiverStore
from tests.sync_samples import TOKEN, make_batch, tamper, tls_certificate
from tests.sync_samples import _certificate as sample_certificate

RECEIVER = [sys.executable, "-m", "cocon_network"]


def stored_files(receiver: Receiver) -> list[str]:
    root = receiver.store.batches_dir
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_batch_is_received_once_and_a_duplicate_gets_the_first_receipt(receiver: Receiver) -> None:
    batch = make_batch()
    first = push_batch(receiver.url, TOKEN, batch.batch_id, batch.data, timeout=10)
    assert first.status == "recu"
    assert first.batch_id == batch.batch_id and first.sha256 == sha256_hex(batch.data)
    assert first.received_at.tzinfo is not None
    again = push_batch(receiver.url, TOKEN, batch.batch_id, batch.data, timeout=10)
    assert again == first
    assert receiver.statuses() == [201, 200]
    assert stored_files(receiver) == [f"{batch.batch_id}/{ZIP_NAME}", f"{batch.batch_id}/{INDEX_NAME}",
                                      f"{batch.batch_id}/{RECEIPT_NAME}"]
    assert receiver.store.data(batch.batch_id) == batch.data
    assert fetch_status(receiver.url, TOKEN, batch.batch_id) == first


def test_other_bytes_under_the_same_batch_id_are_refused(receiver: Receiver) -> None:
    batch = make_batch()
    push_batch(receiver.url, TOKEN, batch.batch_id, batch.data)
    other = make_batch(batch.batch_id)  # same id, new manifest signature: other bytes
    assert other.data != batch.data
    with pytest.raises(BatchRejectedError) as caught:
        push_batch(receiver.url, TOKEN, batch.batch_id, other.data)
    assert caught.value.reject_code == "conflict"
    assert receiver.store.data(batch.batch_id) == batch.data


def test_a_tampered_batch_is_rejected_with_its_reason_and_so_is_its_duplicate(receiver: Receiver) -> None:
    batch = make_batch()
    damaged = tamper(batch.data)
    with pytest.raises(BatchRejectedError) as caught:
        push_batch(receiver.url, TOKEN, batch.batch_id, damaged)
    reason, code = caught.value.reason, caught.value.reject_code
    assert code and code != "conflict"
    assert "FAC-2026-0001" in reason or "empreinte" in reason.lower() or "signature" in reason.lower(), reason
    with pytest.raises(BatchRejectedError) as again:
        push_batch(receiver.url, TOKEN, batch.batch_id, damaged)
    assert (again.value.reason, again.value.reject_code) == (reason, code)
    assert receiver.statuses() == [422, 422]
    status = fetch_status(receiver.url, TOKEN, batch.batch_id)
    assert (status.status, status.reason, status.code) == ("rejete", reason, code)
    assert receiver.store.data(batch.batch_id) == damaged  # kept for the network to look at


def test_a_batch_whose_manifest_names_another_id_is_rejected(receiver: Receiver) -> None:
    batch = make_batch()
    other_id = make_batch().batch_id
    with pytest.raises(BatchRejectedError) as caught:
        push_batch(receiver.url, TOKEN, other_id, batch.data)
    assert caught.value.reject_code == "batch_id_mismatch"


def test_a_wrong_token_is_refused_and_never_shown(receiver: Receiver) -> None:
    batch = make_batch()
    secret = "jeton-faux-0123456789"
    with pytest.raises(AuthRejectedError) as caught:
        push_batch(receiver.url, secret, batch.batch_id, batch.data)
    for text in (str(caught.value), repr(caught.value), repr(caught.value.data), str(caught.value.__cause__)):
        assert secret not in text and TOKEN not in text
    assert caught.value.__cause__ is None
    with pytest.raises(AuthRejectedError):
        push_batch(receiver.url, "", batch.batch_id, batch.data)
    assert receiver.store.batch_ids() == []
    assert TOKEN not in repr(receiver)


def test_a_batch_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    batch = make_batch()
    with Receiver(tmp_path / "reseau", [TOKEN], trust_first_use=True, max_bytes=1000) as small:
        with pytest.raises(BatchRejectedError) as caught:
            push_batch(small.url, TOKEN, batch.batch_id, batch.data)
        assert caught.value.reject_code == "too_large"
        assert small.statuses() == [413]


def test_a_body_damaged_on_the_way_is_not_stored_and_may_be_sent_again(receiver: Receiver) -> None:
    batch = make_batch()
    url = f"{receiver.url}/batches/{batch.batch_id}"
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/zip"}
    answer = httpx.put(url, content=batch.data, headers={**headers, SHA256_HEADER: "0" * 64})
    assert answer.status_code == 400 and answer.json()["code"] == "sha256_mismatch"
    answer = httpx.put(url, content=batch.data, headers=headers)
    assert answer.status_code == 400 and answer.json()["code"] == "sha256_missing"
    assert receiver.store.batch_ids() == []
    assert httpx.get(f"{receiver.url}/elsewhere", headers=headers).status_code == 404
    assert push_batch(receiver.url, TOKEN, batch.batch_id, batch.data).status == "recu"


def test_the_network_marks_a_batch_paid_or_rejected_later(receiver: Receiver) -> None:
    paid, refused = make_batch(), make_batch()
    with pytest.raises(BatchRejectedError) as unknown:
        fetch_status(receiver.url, TOKEN, paid.batch_id)
    assert unknown.value.reject_code == "unknown_batch"
    first = push_batch(receiver.url, TOKEN, paid.batch_id, paid.data)
    push_batch(receiver.url, TOKEN, refused.batch_id, refused.data)
    store = str(receiver.store.root)
    done = subprocess.run([*RECEIVER, "mark-paid", "--store", store, paid.batch_id], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    reason = "Enfant RPM-2025-00456 sorti du parcours avant la séance du 02/11/2026."
    done = subprocess.run([*RECEIVER, "mark-rejected", "--store", store, refused.batch_id, "--reason", reason],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    status = fetch_status(receiver.url, TOKEN, paid.batch_id)
    assert (status.status, status.receipt_id, status.received_at) == ("paye", first.receipt_id, first.received_at)
    status = fetch_status(receiver.url, TOKEN, refused.batch_id)
    assert (status.status, status.reason) == ("rejete", reason)
    # a late duplicate gets the receipt with the current state, not a new reception
    assert push_batch(receiver.url, TOKEN, paid.batch_id, paid.data).status == "paye"
    listing = subprocess.run([*RECEIVER, "list", "--store", store], capture_output=True, text=True, check=True)
    assert {row["status"] for row in json.loads(listing.stdout)} == {"paye", "rejete"}
    missing = subprocess.run([*RECEIVER, "mark-paid", "--store", store, "inconnu"], capture_output=True, text=True)
    assert missing.returncode == 1 and "n'a pas été reçu" in missing.stderr


def test_concurrent_deliveries_of_one_batch_store_it_once(receiver: Receiver) -> None:
    batch = make_batch()
    receipts: list[Receipt] = []
    lock = threading.Lock()

    def send() -> None:
        receipt = push_batch(receiver.url, TOKEN, batch.batch_id, batch.data, timeout=20)
        with lock:
            receipts.append(receipt)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(receipts) == 6 and len({r.receipt_id for r in receipts}) == 1
    assert sorted(receiver.statuses()) == [200] * 5 + [201] and receiver.store.created == [batch.batch_id]
    assert stored_files(receiver) == [f"{batch.batch_id}/{ZIP_NAME}", f"{batch.batch_id}/{INDEX_NAME}",
                                      f"{batch.batch_id}/{RECEIPT_NAME}"]


def test_a_crash_between_the_zip_and_its_receipt_is_recovered(tmp_path: Path) -> None:
    batch = make_batch()

    def crash(batch_id: str) -> None:
        raise SystemExit("power cut")

    crashed = ReceiverStore(tmp_path / "reseau", verify_judge, after_zip=crash)
    with pytest.raises(SystemExit):
        crashed.receive(batch.batch_id, batch.data)
    folder = crashed.folder(batch.batch_id)
    assert (folder / ZIP_NAME).exists() and not (folder / RECEIPT_NAME).exists()
    (folder / f".{ZIP_NAME}.999.tmp").write_bytes(b"half")  # a write cut short before its rename
    with Receiver(tmp_path / "reseau", [TOKEN],
                  trust_first_use=True) as restarted:  # recovers at start: the receipt is written
        assert not (folder / f".{ZIP_NAME}.999.tmp").exists()
        written = restarted.store.get(batch.batch_id)
        assert written is not None and written.receipt.status == "recu"
        receipt = push_batch(restarted.url, TOKEN, batch.batch_id, batch.data)
        assert receipt == written.receipt and restarted.statuses() == [200]


def test_a_zip_without_receipt_is_completed_by_the_next_delivery(tmp_path: Path) -> None:
    batch = make_batch()
    store = ReceiverStore(tmp_path / "reseau", verify_judge, after_zip=lambda _: (_ for _ in ()).throw(OSError()))
    with pytest.raises(OSError):
        store.receive(batch.batch_id, batch.data)
    store.after_zip = None
    stored, created = store.receive(batch.batch_id, batch.data)
    assert not created and stored.receipt.status == "recu"
    assert store.receive(batch.batch_id, batch.data) == (stored, False)


def test_tls_with_the_networks_self_signed_certificate(tmp_path: Path) -> None:
    cert, key = tls_certificate(tmp_path)
    batch = make_batch()
    with Receiver(tmp_path / "reseau", [TOKEN], trust_first_use=True, tls_cert=cert, tls_key=key) as secure:
        assert secure.url.startswith("https://127.0.0.1:")
        with pytest.raises(TransientSendError) as caught:  # not trusted by the system
            push_batch(secure.url, TOKEN, batch.batch_id, batch.data, timeout=10)
        assert "certificat" in caught.value.detail
        receipt = push_batch(secure.url, TOKEN, batch.batch_id, batch.data, timeout=10, verify=str(cert))
        assert receipt.status == "recu"
        localhost = secure.url.replace("127.0.0.1", "localhost")
        assert fetch_status(localhost, TOKEN, batch.batch_id, verify=str(cert)) == receipt
        with pytest.raises(TransientSendError):  # plain http to a TLS port: no answer that makes sense
            push_batch(secure.url.replace("https", "http"), TOKEN, batch.batch_id, batch.data, timeout=5)
    assert secure.store.batch_ids() == [batch.batch_id]


def test_only_https_leaves_this_computer() -> None:
    for url in ("http://reseau.example.org/cocon", "ftp://127.0.0.1/", "https://", "https://u:p@x.org/"):
        with pytest.raises(CoconError) as caught:
            push_batch(url, TOKEN, "abc", b"zip")
        assert caught.value.code == "endpoint_url_invalid"
    with pytest.raises(CoconError) as invalid:
        push_batch("https://reseau.example.org", TOKEN, "../etc", b"zip")
    assert invalid.value.code == "batch_id_invalid"


def test_the_receiver_runs_from_the_command_line(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.txt"
    tokens.write_text(f"# cabinet de test\n{TOKEN}\n\n", "utf-8")
    certificate = tmp_path / "cabinet.pem"  # the practice's signing certificate, registered for its SIRET
    certificate.write_bytes(sample_certificate()[0])
    registered = subprocess.run([*RECEIVER, "register", "--store", str(tmp_path / "reseau"), "--siret",
                                 "912 345 675 00017", str(certificate)], capture_output=True, text=True, check=True)
    assert "Certificat enregistré pour le SIRET 91234567500017" in registered.stdout
    command = [*RECEIVER, "--store", str(tmp_path / "reseau"), "--port", "0", "--token-file", str(tokens),
               "--base-path", "/cocon/v1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split(" sur ")[1].split(" ")[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/cocon/v1")
        batch = make_batch()
        assert push_batch(url, TOKEN, batch.batch_id, batch.data, timeout=10).status == "recu"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "reseau" / "batches" / batch.batch_id / ZIP_NAME).read_bytes() == batch.data


# The OpenAPI document ---------------------------------------------------------------------------------------

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "sync-openapi.yaml"


def outline(text: str) -> dict[str, Any]:
    """The mapping keys of a block-style YAML document, nested by indentation (a tiny check for when PyYAML is
    not installed): list items and block scalars' contents are skipped, scalar values kept as text."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, root)]
    block_indent: int | None = None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        assert "\t" not in raw[:indent], "tabs are not allowed in YAML indentation"
        if block_indent is not None:
            if indent > block_indent:
                continue
            block_indent = None
        line = raw.strip()
        if line.startswith("- "):
            continue
        key, colon, value = line.partition(":")
        assert colon, f"not a mapping line: {raw!r}"
        key = key.strip().strip('"').strip("'")
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        value = value.strip()
        if value in ("|", ">", "|-", ">-"):
            parent[key] = ""
            block_indent = indent
        elif value:
            parent[key] = value.strip('"').strip("'")
        else:
            parent[key] = {}
            stack.append((indent, parent[key]))
    return root


def load_openapi() -> dict[str, Any]:
    text = OPENAPI.read_text("utf-8")
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        return outline(text)
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict)
    return {k: v for k, v in loaded.items()}


def implemented_statuses() -> set[int]:
    """Every HTTP status the receiver's handler can answer (integer constants of the handler class)."""
    import ast

    import cocon_network.receiver as module

    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
    handler = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "_Handler")
    return {n.value for n in ast.walk(handler) if isinstance(n, ast.Constant) and type(n.value) is int
            and 200 <= n.value < 600}


def test_the_openapi_document_covers_what_the_receiver_answers() -> None:
    doc = load_openapi()
    assert str(doc["openapi"]).startswith("3.1")
    paths = doc["paths"]
    assert set(paths) == {"/batches/{batch_id}"}
    operation = paths["/batches/{batch_id}"]
    put = {int(code) for code in operation["put"]["responses"]}
    get = {int(code) for code in operation["get"]["responses"]}
    statuses = implemented_statuses()
    assert {200, 201, 400, 401, 404, 409, 411, 413, 422, 500} <= statuses  # the scan finds them
    assert statuses <= put, f"undocumented PUT statuses: {statuses - put}"
    assert {200, 401, 404, 500} <= get
    assert set(doc["components"]["schemas"]) >= {"Receipt", "Error"}
    receipt_fields = set(doc["components"]["schemas"]["Receipt"]["properties"])
    batch = make_batch()
    assert set(Receipt(receipt_id="r", received_at=datetime.now(UTC), status="rejete", reason="x", code="c",
                       batch_id=batch.batch_id, sha256="0").to_json()) <= receipt_fields


def test_the_outline_reader_sees_nesting() -> None:
    doc = outline("a:\n  b:\n    '201':\n      d: |\n        x: y\n    e: 1\n  f: [1, 2]\nlist:\n  - q: 1\n")
    assert doc == {"a": {"b": {"201": {"d": ""}, "e": "1"}, "f": "[1, 2]"}, "list": {}}


def test_the_token_never_reaches_the_logs(receiver: Receiver, caplog: pytest.LogCaptureFixture) -> None:
    batch = make_batch()
    with caplog.at_level(logging.DEBUG):
        push_batch(receiver.url, TOKEN, batch.batch_id, batch.data)
        fetch_status(receiver.url, TOKEN, batch.batch_id)
        with pytest.raises(AuthRejectedError):
            fetch_status(receiver.url, "jeton-refuse-77", batch.batch_id)
    assert "HTTP" in caplog.text  # httpx and the receiver did log the requests
    assert TOKEN not in caplog.text and "jeton-refuse-77" not in caplog.text
