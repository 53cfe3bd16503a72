"""Bad input against a real practice and a real receiver: a CSV import that fails leaves the database exactly
as it was (children and audit log alike), one that succeeds adds exactly its rows; the reference receiver answers
any body or path with a French reason, never a 500 nor a dropped connection."""

from __future__ import annotations

import io
import struct
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cocon_desktop import messages
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.models import AuditEntry, Child, Guardian
from cocon_desktop.services.children_import import import_children
from cocon_desktop.services.practice_handle import Practice
from cocon_exchange.protocol import SHA256_HEADER, sha256_hex
from cocon_network.receiver import Receiver
from tests.sync_samples import TOKEN, make_batch

TODAY = date(2026, 6, 1)
HEADER = "N° d'inclusion;Nom;Prénom;Né(e) le;Sexe;AG;Poids (g);Réseau;Parent;Téléphone"
CELLS = st.sampled_from(["RPO-2026-0001", "RPO-2026-0002", "rpo-2026-0001", "Lefèvre", "Martin", "Léa", "",
                         "12/03/2026", "31/02/2026", "2026-01-05", "F", "M", "X", "28+3", "45", "1 150", "RPO",
                         "Occitanie", "ZZZ", "0612345678", "06 12", "=cmd|' /C calc'!A0", "\"", ";", "\n", "é" * 300])
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=11).map(";".join), max_size=6)
DB_FUZZ = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def counts(practice: Practice) -> tuple[int, int, int]:
    with practice.sessions() as session:
        return tuple(int(session.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[return-value]
                     for table in (Child, Guardian, AuditEntry))


def imported_or_unchanged(practice: Practice, raw: bytes) -> None:
    before = counts(practice)
    try:
        report = import_children(practice.sessions, raw, TODAY, "RPO")
    except CoconError as error:
        codes = [e.code for e in error.errors] if isinstance(error, ValidationError) else [error.code]
        assert all(code in messages.MESSAGES for code in codes) and messages.describe(error)
        assert counts(practice) == before, "a refused import wrote nothing"
        return
    after = counts(practice)
    assert after[0] == before[0] + report.imported and after[2] == before[2] + report.imported
    for row_error in report.errors:
        assert row_error.code in messages.MESSAGES


@DB_FUZZ
@given(rows=ROWS, encoding=st.sampled_from(["utf-8", "cp1252", "utf-16", "utf-8-sig"]))
def test_csv_import_adds_its_rows_or_nothing(practice: Practice, rows: list[str], encoding: str) -> None:
    text = "\r\n".join([HEADER, *rows])
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    imported_or_unchanged(practice, raw)


@DB_FUZZ
@given(raw=st.binary(max_size=500))
def test_csv_import_of_any_bytes(practice: Practice, raw: bytes) -> None:
    imported_or_unchanged(practice, raw)
    imported_or_unchanged(practice, HEADER.encode() + b"\n" + raw)


# --- the receiver's PUT ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Receiver]:
    server = Receiver(Path(tmp_path_factory.mktemp("reseau")), [TOKEN], trust_first_use=True).start()
    yield server
    server.stop()


def put(receiver: Receiver, batch_id: str, body: bytes, sha: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {TOKEN}", SHA256_HEADER: sha if sha is not None else sha256_hex(body)}
    return httpx.put(f"{receiver.url}/batches/{batch_id}", content=body, headers=headers, timeout=20)


def answered_in_french(response: httpx.Response) -> None:
    assert response.status_code != 500, response.text
    body = response.json()
    assert body.get("reason") or body.get("status") == "recu", body


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2000))
def test_put_any_body(network: Receiver, body: bytes) -> None:
    response = put(network, str(uuid.uuid4()), body)
    answered_in_french(response)
    assert response.status_code == 422 and response.json()["status"] == "rejete"


def member_spans(data: bytes) -> list[tuple[int, int]]:
    """Where each member's stored (deflated) bytes lie in the ZIP file: [start, end)."""
    spans = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_length + extra_length  # after the local file header
            spans.append((start, start + info.compress_size))
    return spans


def members_read(data: bytes) -> list[bytes | None]:
    """Each member's content as a ZIP reader (zipfile) gets it; None when it cannot be read (bad CRC, damage)."""
    contents: list[bytes | None] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            try:
                contents.append(archive.read(info))
            except Exception:  # zipfile and zlib raise many kinds of errors on damaged bytes
                contents.append(None)
    return contents


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=4))
def test_put_a_real_batch_damaged(network: Receiver, flips: list[tuple[float, int]]) -> None:
    """Bytes of the members (manifest, signature, PDFs, CSV) damaged after the batch was closed: rejected (422,
    "rejete", with a reason), since the CRC, the manifest's hashes and its signature cover every one of them.
    The only damage that leaves the batch received (201) is one a reader cannot see, where the members still read
    back exactly as they were signed: the padding bits that align a deflate block to a byte, the last-block flag or
    the end-of-block code (a reader stops at the member's size). Damage to the ZIP's own metadata (timestamps,
    attributes) is not covered by any check and is not drawn here."""
    batch = make_batch()  # a fresh batch id each time: its length varies a little, hence the positions as fractions
    spans = member_spans(batch.data)
    offsets = [start + i for start, end in spans for i in range(end - start)]
    changes = {offsets[int(where * len(offsets))]: mask for where, mask in flips}  # each drawn byte changes
    damaged = bytearray(batch.data)
    for offset, mask in changes.items():
        damaged[offset] ^= mask
    unchanged = members_read(bytes(damaged)) == members_read(batch.data)
    response = put(network, batch.batch_id, bytes(damaged))
    answered_in_french(response)
    if unchanged:
        assert (response.status_code, response.json()["status"]) == (201, "recu")
    else:
        assert (response.status_code, response.json()["status"]) == (422, "rejete"), response.json()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch_id=st.text(max_size=90), sha=st.text(max_size=70))
def test_put_any_path_and_header(network: Receiver, batch_id: str, sha: str) -> None:
    try:
        response = put(network, httpx.URL(f"x/{batch_id}").path[3:] or "-", b"PK", sha.encode("ascii", "ignore")
                       .decode() or None)
    except (httpx.InvalidURL, httpx.LocalProtocolError):
        return  # the client refuses to send it: nothing reaches the receiver
    answered_in_french(response)
    assert response.status_code in (400, 404, 422)
