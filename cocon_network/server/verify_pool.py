"""Batch verification off the event loop: a pool of processes (Settings.verify_processes) runs `verify`, which
checks a batch with cocon_exchange.batch_verify and, when it holds, reads out everything the database stores
(documents with their PDF, SHA-256, Factur-X XML and signature status; acts from actes.csv) — all the CPU work of
an upload, in another process, so that one upload never stalls the others.

    pool = VerifyPool(processes)       # 0: a thread instead of processes (a trial, a debugger)
    pool.warm()                        # optional: start the processes and their imports now
    verification = await pool.verify(batch_id, data)
    pool.close()

`verify` is a plain function of picklable values: call it directly where no pool is needed (tests, the CLI).
The processes are spawned (never forked from a threaded server): like any `spawn` pool, a program embedding the
server from a script needs the `if __name__ == "__main__":` guard (`cocon-network` and uvicorn's workers have it)."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import multiprocessing
import re
import time
import zipfile
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cocon_exchange.batch_verify import BatchCheck

log = logging.getLogger(__name__)

NUMBER_PATTERN = re.compile(r"^([A-Z]{2,5}-[0-9]{4})-([0-9]{1,9})$")  # FAC-2026-0023 → FAC-2026, 23
NICENESS = 10  # the verification processes' CPU priority below the server's
RECEIPTS_FIRST_LONGEST = 30.0  # seconds a verification waits at most for the receipts in flight
RECEIPTS_POLL = 0.05
FORMULA_GUARD = "'"  # actes.csv's cells that a spreadsheet would read as a formula start with it


@dataclass(frozen=True)
class VerifiedAct:
    document: str
    line: int
    act_date: date
    inclusion_number: str
    initials: str
    discipline: str
    nature: str
    amount_cents: int  # negative on a credit note


@dataclass(frozen=True)
class VerifiedDocument:
    number: str
    series: str  # « FAC-2026 », "" when the number has another form
    sequence: int
    kind: str  # invoice | credit_note
    corrects: str
    issue_date: date
    amount_cents: int  # negative for a credit note, as the manifest writes it
    pdf: bytes  # b"" after precheck
    sha256: str
    facturx_xml: str
    signature_status: str  # French


@dataclass(frozen=True)
class Verification:
    """A verdict on a batch: `fault_code` empty when the file holds; then what to store."""

    batch_id: str
    fault_code: str = ""
    fault_reason: str = ""
    network: str = ""
    pathway: str = "cocon"  # the manifest's `pathway` (absent: COCON), checked by ingest_store.admission_fault
    siret: str = ""
    signer_pem: bytes = b""
    signer_fingerprint: str = ""
    period_start: date | None = None
    period_end: date | None = None
    total_cents: int = 0
    documents: tuple[VerifiedDocument, ...] = ()
    acts: tuple[VerifiedAct, ...] = field(default=())
    complete: bool = True  # False after precheck: the PDFs' signatures and Factur-X data still to verify

    @property
    def ok(self) -> bool:
        return not self.fault_code


def cents(amount: str | Decimal) -> int:
    return int(Decimal(amount).scaleb(2).to_integral_exact())


def series_of(number: str) -> tuple[str, int]:
    match = NUMBER_PATTERN.match(number)
    return (match[1], int(match[2])) if match else ("", 0)


def _plain(cell: str) -> str:
    return cell[1:] if cell.startswith(FORMULA_GUARD) and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _acts(csv_data: bytes) -> tuple[VerifiedAct, ...]:
    """actes.csv's lines (already checked by verify_batch: format, sums, lines)."""
    from cocon_exchange.acts_csv import HEADER

    reader = csv.reader(io.StringIO(csv_data.decode("utf-8").lstrip("\ufeff"), newline=""), delimiter=";")
    rows = list(reader)
    if not rows or tuple(rows[0]) != HEADER:
        raise ValueError("actes.csv header")
    acts = []
    for cells in rows[1:]:
        values = dict(zip(HEADER, cells, strict=True))
        acts.append(VerifiedAct(
            document=values["numero_document"], line=int(values["ligne"]),
            act_date=date.fromisoformat(values["date_acte"]),
            inclusion_number=_plain(values["numero_inclusion"]), initials=_plain(values["initiales"]),
            discipline=_plain(values["discipline"]), nature=_plain(values["nature"]),
            amount_cents=cents(values["montant"].replace(",", "."))))
    return tuple(acts)


def _signature_status(signer_subject: str, signer_fingerprint: str, earlier: bool) -> str:
    """What verify_batch established for every PDF (no second parse of each signature: it costs more than the
    check itself): signed by the manifest's signer, or by an earlier certificate the signed manifest lists."""
    name = next((part[3:] for part in signer_subject.split(",") if part.startswith("CN=")), "")
    text = (f"Signature PAdES valide à la réception, par {name or 'le signataire du lot'} "
            f"(certificat {signer_fingerprint[:16].upper()}…)")
    if earlier:
        text += " ou un certificat antérieur du cabinet attesté par le manifeste"
    return text[:200]


def _facturx_xml(pdf: bytes, sha256: str) -> str:
    import facturx

    from cocon_exchange.facturx_summary import FILENAME
    from cocon_network.server.verify_speedups import extracted_xml

    xml = extracted_xml(sha256)
    if xml is None:
        _name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False, filenames=[FILENAME])
    return xml.decode("utf-8") if isinstance(xml, bytes) else ""


def verify(batch_id: str, data: bytes) -> Verification:
    """Every check of cocon_exchange.batch_verify on `data` (sent as `batch_id`), then its content."""
    from cocon_exchange.batch_verify import verify_batch
    from cocon_network.server.verify_speedups import forget_extracted, install

    install()
    forget_extracted()
    return _content(batch_id, data, verify_batch(data), full=True)


def precheck(batch_id: str, data: bytes) -> Verification:
    """Phase one, before the receipt (a few tens of milliseconds: run it in a thread): every check but each PDF's
    signature and Factur-X data — the manifest's signature and signer, every member's SHA-256 against the signed
    manifest, actes.csv against it. Its documents carry no PDF bytes (the batch's ZIP keeps them: document_pdf.py),
    no Factur-X XML nor signature status yet."""
    from cocon_exchange.batch_verify import verify_batch

    return _content(batch_id, data, verify_batch(data, documents=False), full=False)


def _content(batch_id: str, data: bytes, check: BatchCheck, *, full: bool) -> Verification:
    from cocon_exchange.acts_csv import ACTS_CSV_NAME

    if not check.ok:
        fault = check.first_fault
        assert fault is not None
        return Verification(batch_id, fault.code, fault.message)
    if check.batch_id != batch_id or check.manifest is None:
        return Verification(batch_id, "batch_id_mismatch", f"le numéro de lot de l'adresse ({batch_id}) diffère "
                                                           f"de celui du manifeste ({check.batch_id})")
    manifest = check.manifest
    signer = check.signer_fingerprint
    status = _signature_status(check.signer_subject, signer,
                               bool(manifest["practice"].get("signing_certificates"))) if full else ""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            documents = []
            for entry in manifest["documents"]:
                pdf = archive.read(entry["file"]) if full else b""  # stored in the ZIP: not read twice
                series, sequence = series_of(entry["number"])
                documents.append(VerifiedDocument(
                    number=entry["number"], series=series, sequence=sequence, kind=entry["kind"],
                    corrects=entry["corrects"] or "", issue_date=date.fromisoformat(entry["issue_date"]),
                    amount_cents=cents(entry["amount"]), pdf=pdf, sha256=entry["sha256"],
                    facturx_xml=_facturx_xml(pdf, entry["sha256"]) if full else "", signature_status=status))
            acts = _acts(archive.read(ACTS_CSV_NAME))
    except Exception:  # verify_batch read it all: only a bug gets here
        log.exception("batch %s: verified but unreadable", batch_id)
        return Verification(batch_id, "batch_unreadable", "lot vérifié mais illisible par le serveur")
    return Verification(
        batch_id, network=str(manifest["network"]), pathway=check.pathway, siret=str(manifest["practice"]["siret"]),
        signer_pem=check.signer_pem, signer_fingerprint=signer,
        period_start=date.fromisoformat(manifest["period"]["start"]),
        period_end=date.fromisoformat(manifest["period"]["end"]), total_cents=cents(manifest["totals"]["amount"]),
        documents=tuple(documents), acts=acts, complete=full)


def _quiet() -> None:
    """A verification process runs at a lower CPU priority (the receipts, the console and the database first: a
    verification only makes a batch's final verdict later) — Linux's SCHED_IDLE where it can (the CPU that
    nothing else wants: at nice 10 four processes still took ≈ 15 % of the cores from 20 receipts in flight), and
    nice 10 anyway — and prints no other package's warnings (pyHanko importing DSA…) unless asked for."""
    import contextlib
    import os
    import sys
    import warnings

    with contextlib.suppress(OSError):  # not allowed here: the same work at the same priority
        os.nice(NICENESS)
    with contextlib.suppress(OSError, AttributeError):  # not Linux: nice only
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))

    if not sys.warnoptions:
        warnings.filterwarnings("ignore")
        warnings.filterwarnings("default", module=r"cocon_(network|exchange)\b")


def _warm() -> None:
    import cocon_exchange.batch_verify  # noqa: F401  (pyHanko, facturx: a second of imports, paid once)


class VerifyPool:
    """The processes start with the first verification, or at once with `warm()` (what `serve` does, so that the
    first upload does not wait for pyHanko's imports); an application that never verifies starts none."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.tasks: set[asyncio.Task[None]] = set()  # the verifications after a receipt (ingest_verify.py)
        self.receiving = 0  # uploads of this worker between their body and their receipt (ingest.py)
        self._executor: Executor
        if processes > 0:
            self._executor = ProcessPoolExecutor(max_workers=processes,
                                                 mp_context=multiprocessing.get_context("spawn"), initializer=_quiet)
        else:
            self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cocon-verify")

    def warm(self) -> None:
        for _ in range(max(self.processes, 1)):
            self._executor.submit(_warm)

    def receipt_due(self, due: bool) -> None:
        """An upload's receipt is under way (True) or answered (False): verifications wait for none to be due."""
        self.receiving += 1 if due else -1

    async def no_receipt_due(self, longest: float = RECEIPTS_FIRST_LONGEST) -> None:
        """Returns once no upload of this worker waits for its receipt (at most after `longest` seconds: a steady
        stream of uploads never holds the verifications back for longer). What the receipts need most is the
        CPU: sending a batch to a verification process and its verdict's transaction wait until they are out."""
        deadline = time.monotonic() + longest  # polled: a pool may outlive an event loop (a test client's)
        while self.receiving and time.monotonic() < deadline:
            await asyncio.sleep(RECEIPTS_POLL)

    async def verify(self, batch_id: str, data: bytes) -> Verification:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, verify, batch_id, data)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
