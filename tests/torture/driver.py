"""The torture driver: sets up a practice, then N times starts the worker (tests/torture/worker.py), kills it with
SIGKILL at a random moment (mostly while it works, sometimes while it is still opening the practice), and
reopens the practice to check that:

- the vault opens with the passphrase and the database with its key;
- `PRAGMA integrity_check` says ok;
- every séance, invoice and credit note whose commit the worker reported is there;
- invoice and credit-note numbers have no gap (each series runs 1…n);
- `verify` holds (chain, hashes, numbering, anchor) after every kill, and at the end
  `services/invoice_documents.verify_practice` holds with every PDF signature checked.
"""

from __future__ import annotations

import os
import random
import select as io_select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select, update

from cocon_desktop.db.snapshot import integrity_of
from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.models import Invoice, Prescription, Seance
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import children, prescriptions
from cocon_desktop.services.invoice_documents import NetworkAddress, set_network_address, verify_practice
from cocon_desktop.services.invoice_verify import verify
from cocon_desktop.services.practice_handle import Practice, create_practice, open_with_passphrase
from cocon_desktop.services.signing_identities import active_identity

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "Torture-Crash-42-Lavande!"
KDF = Argon2Params(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PROFILE = PracticeProfile(name="Alice Dupont", trade_name="Cabinet torture", profession="orthophoniste",
                          rpps="10001234565", siret="91234567500017", address="3 place du Capitole",
                          postcode="31000", city="Toulouse", phone="05 61 00 00 00", email="alice@example.org",
                          iban="FR8930001000640000000000000", bic="BDFEFRPP", network="RPO")
NETWORKS = ("RPO", "RPM")


class TortureFailure(AssertionError):
    pass


@dataclass
class Report:
    runs: int = 0
    killed_while_opening: int = 0
    seances: set[int] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    seconds: float = 0.0
    final_documents: int = 0
    final_seances: int = 0
    last: str = ""

    def summary(self) -> str:
        return (f"{self.runs} kills ({self.killed_while_opening} while opening the practice) in "
                f"{self.seconds:.0f} s; {len(self.seances)} séances and {len(self.documents)} documents reported "
                f"committed, all present; {self.final_seances} séances and {self.final_documents} documents in "
                f"the practice; integrity ok, no gap, verify ok after every kill, signatures ok at the end.")


def setup(data_dir: Path) -> None:
    """A practice with 3 children in RPO and 3 in RPM, each with a long orthophonie prescription."""
    today = date(2026, 1, 2)
    practice = create_practice(data_dir, PASSPHRASE, PROFILE, RecoveryKey.generate(), params=KDF)
    try:
        for code in NETWORKS:
            set_network_address(practice.sessions, code, NetworkAddress("1 rue du Test", "31000", "Toulouse"))
            for n in range(3):
                child_id = children.create_child(practice.sessions, ChildData(
                    last_name=f"Torture{code}{n}", first_name="Prénom", birth_date=date(2025, 3, 1 + n), sex="F",
                    gestational_weeks=30, inclusion_number=f"{code}-2025-{n:04d}", network=code), today)
                pid = prescriptions.save_prescription(practice.sessions, PrescriptionData(
                    child_id=child_id, discipline="orthophonie", forfait_kind="precoce_0_24",
                    sessions_authorised=35, valid_from=date(2026, 1, 1), valid_until=date(2026, 12, 31),
                    prescribed_on=date(2025, 12, 20)), today)
                # a forfait the torture never exhausts: beyond what the program accepts (twice the forfait)
                with practice.sessions.begin() as session:
                    session.execute(update(Prescription).where(Prescription.id == pid)
                                    .values(sessions_authorised=100000))
        active_identity(practice.sessions)  # the self-signed signing identity, made once here
    finally:
        practice.close()


def _reported(output: str) -> tuple[list[int], list[str], bool]:
    seances: list[int] = []
    documents: list[str] = []
    ready = False
    for line in output.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # cut by the kill
        kind, _, value = line.strip().partition(" ")
        if kind == "ready":
            ready = True
        elif kind == "seance":
            seances.append(int(value))
        elif kind in ("invoice", "credit"):
            documents.append(value)
    return seances, documents, ready


def check(practice: Practice, report: Report, *, signatures: bool = False) -> None:
    with practice.engine.connect() as conn:
        integrity = integrity_of(conn.connection.dbapi_connection)
    if integrity != "ok":
        raise TortureFailure(f"integrity_check: {integrity}")
    with practice.sessions() as session:
        present = set(session.scalars(select(Seance.id)))
        numbers = session.execute(select(Invoice.number, Invoice.kind, Invoice.year, Invoice.sequence)).all()
    missing = report.seances - present
    if missing:
        raise TortureFailure(f"séances reported committed but missing: {sorted(missing)[:10]}")
    lost = report.documents - {row.number for row in numbers}
    if lost:
        raise TortureFailure(f"documents reported committed but missing: {sorted(lost)[:10]}")
    series: dict[tuple[str, int], list[int]] = {}
    for row in numbers:
        series.setdefault((row.kind, row.year), []).append(row.sequence)
    for key, sequences in series.items():
        if sorted(sequences) != list(range(1, len(sequences) + 1)):
            raise TortureFailure(f"numbering gap in {key}: {sorted(sequences)}")
    result = verify_practice(practice) if signatures else verify(practice.sessions, practice.data_dir,
                                                                 practice.key.data_key)
    if not result.ok:
        raise TortureFailure(f"verify: {result.code} {result.data}")
    report.final_seances, report.final_documents = len(present), len(numbers)


def run(data_dir: Path, runs: int, *, seed: int = 0, max_delay: float = 2.0, log: bool = False) -> Report:
    """Set up (if needed) and torture the practice in `data_dir`; TortureFailure at the first broken promise.

    The workers are forked by one "zygote" process that imported everything once (tests/torture/worker.py):
    each is a separate process, killed with SIGKILL, whatever it was doing."""
    if not data_dir.exists():
        setup(data_dir)
    rng = random.Random(seed)
    report = Report()
    started = time.monotonic()
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    out_path, err_path = data_dir.parent / "worker.out", data_dir.parent / "worker.err"
    with open(err_path, "wb") as err:
        zygote = subprocess.Popen([sys.executable, "-m", "tests.torture.worker", "--zygote"], cwd=ROOT, env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        for index in range(runs):
            _one_kill(zygote, data_dir, out_path, err_path, rng, max_delay, report)
            if log:
                print(f"kill {index + 1}/{runs}: {report.last}", flush=True)
    finally:
        assert zygote.stdin is not None
        zygote.stdin.close()
        try:
            zygote.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still running after a failure: end it and the zygote
            zygote.kill()
            zygote.wait()
    practice = open_with_passphrase(data_dir, PASSPHRASE)
    try:
        check(practice, report, signatures=True)
    finally:
        practice.close()
    report.seconds = time.monotonic() - started
    return report


def _one_kill(zygote: subprocess.Popen[str], data_dir: Path, out_path: Path, err_path: Path,
              rng: random.Random, max_delay: float, report: Report) -> None:
    assert zygote.stdin is not None and zygote.stdout is not None
    out_path.unlink(missing_ok=True)
    zygote.stdin.write(f"{data_dir}\t{PASSPHRASE}\t{rng.randrange(1 << 30)}\t{out_path}\n")
    zygote.stdin.flush()
    pid = int(zygote.stdout.readline().split()[1])
    early = rng.random() < 0.1  # now and then, while the practice is still being opened
    deadline = time.monotonic() + (rng.uniform(0.0, 0.3) if early else 60.0)
    while time.monotonic() < deadline:
        if io_select.select([zygote.stdout], [], [], 0.005)[0]:
            raise TortureFailure(f"the worker stopped by itself ({zygote.stdout.readline().strip()}): "
                                 f"{err_path.read_text('utf-8', 'replace')[-2000:]}")
        if not early and out_path.exists() and b"ready\n" in out_path.read_bytes():
            deadline = min(deadline, time.monotonic() + rng.uniform(0.0, max_delay))
            early = True  # the delay is set once
    os.kill(pid, signal.SIGKILL)
    status = int(zygote.stdout.readline().split()[1])
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        raise TortureFailure(f"the worker ended otherwise than by SIGKILL (status {status}): "
                             f"{err_path.read_text('utf-8', 'replace')[-2000:]}")
    seances, documents, ready = _reported(out_path.read_text("utf-8") if out_path.exists() else "")
    report.runs += 1
    report.killed_while_opening += 0 if ready else 1
    report.seances.update(seances)
    report.documents.update(documents)
    report.last = f"{len(seances)} séances, {len(documents)} documents reported" + (
        "" if ready else " (killed while opening)")
    practice = open_with_passphrase(data_dir, PASSPHRASE)
    try:
        check(practice, report)
    finally:
        practice.close()
