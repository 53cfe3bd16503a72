"""The torture driver: sets up a practice, then N times starts the worker (tests/torture/worker.py) on one kind of
work — séance and invoice writing, backup, restore, passphrase change, key rotation, erasure, schema migration, in
turn — kills it with SIGKILL at a random moment (mostly while it works, sometimes while it is still opening the
practice), and reopens what it worked on to check that:

- the vault opens with the passphrase (one of the two, during a passphrase change) and the database with its key;
- `PRAGMA integrity_check` says ok;
- every séance, invoice and credit note whose commit the worker reported is there;
- invoice and credit-note numbers have no gap (each series runs 1…n);
- `verify` holds (chain, hashes, numbering, anchor) after every kill, and at the end
  `services/invoice_documents.verify_practice` holds with every PDF signature checked;
- and what each other kind promises (tests/torture/kinds.py): a backup or a restored practice is whole under its
  final name or absent, an erasure is whole or absent, an upgrade killed halfway finishes and keeps every row.
"""

from __future__ import annotations

import os
import random
import select as io_select
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from datetime import time as clock_time
from pathlib import Path

from sqlalchemy import select, update

from cocon_desktop.db.snapshot import integrity_of
from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.practice import PracticeProfile
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.models import Invoice, Prescription, Seance
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import children, prescriptions, seances
from cocon_desktop.services.backup import create_backup
from cocon_desktop.services.invoice_documents import NetworkAddress, issue_period, set_network_address, verify_practice
from cocon_desktop.services.invoice_verify import verify
from cocon_desktop.services.practice_handle import Practice, create_practice, open_with_passphrase
from cocon_desktop.services.signing_identities import active_identity
from tests.torture import kinds
from tests.torture.kinds import Layout
from tests.torture.operations import PASSPHRASES

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = PASSPHRASES[0]  # seven words: any passphrase rule of the program accepts it
KDF = Argon2Params(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PROFILE = PracticeProfile(name="Alice Dupont", trade_name="Cabinet torture", profession="orthophoniste",
                          rpps="10001234565", siret="91234567500017", address="3 place du Capitole",
                          postcode="31000", city="Toulouse", phone="05 61 00 00 00", email="alice@example.org",
                          iban="FR8930001000640000000000000", bic="BDFEFRPP", network="RPO")
NETWORKS = ("RPO", "RPM")


TortureFailure = kinds.Failure


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
    kills: Counter[str] = field(default_factory=Counter)  # by kind
    completed: Counter[str] = field(default_factory=Counter)  # operations the worker reported finished, by kind
    leftovers: Counter[str] = field(default_factory=Counter)  # temporary names found (and removed), by kind
    erased: set[int] = field(default_factory=set)
    durations: dict[str, list[float]] = field(default_factory=dict)  # one operation's time, by kind
    keys_state: int = 0  # which of PASSPHRASES opens the keys' practice

    def summary(self) -> str:
        kinds_line = ", ".join(f"{kind} {self.kills[kind]} ({self.completed[kind]} done"
                               + (f", {self.leftovers[kind]} leftovers" if self.leftovers[kind] else "") + ")"
                               for kind in sorted(self.kills))
        return (f"{self.runs} kills ({self.killed_while_opening} while opening) in {self.seconds:.0f} s — by kind: "
                f"{kinds_line}; {len(self.seances)} séances and {len(self.documents)} documents reported "
                f"committed, all present; {self.final_seances} séances and {self.final_documents} documents in "
                f"the practice; integrity ok, no gap, verify ok after every kill, signatures ok at the end.")


def setup(data_dir: Path) -> None:
    """A practice with 3 children in RPO and 3 in RPM, each with a long orthophonie prescription."""
    today = date(2026, 1, 2)
    practice = create_practice(data_dir, PASSPHRASE, PROFILE, RecoveryKey.generate(), params=KDF)
    made: list[int] = []
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
                made.append(child_id)
                # a forfait the torture never exhausts: beyond what the program accepts (twice the forfait)
                with practice.sessions.begin() as session:
                    session.execute(update(Prescription).where(Prescription.id == pid)
                                    .values(sessions_authorised=100000))
        active_identity(practice.sessions)  # the self-signed signing identity, made once here
        for n, child_id in enumerate(made):  # one invoice run before the first kill: backups and keys have some
            seances.record_seance(practice.sessions, SeanceData(child_id, date(2026, 1, 2), clock_time(8 + n, 0)))
        issue_period(practice, "RPO", date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 2))
    finally:
        practice.close()
    layout = Layout(data_dir, data_dir.parent)
    shutil.copytree(data_dir, layout.keys)  # the practice whose passphrase and key change
    for folder in (layout.backups_out, layout.restore_source, layout.restored, layout.migrations):
        folder.mkdir(exist_ok=True)
    practice = open_with_passphrase(data_dir, PASSPHRASE)
    try:
        create_backup(practice, layout.restore_source)  # what each restore restores
    finally:
        practice.close()


def _reported(output: str) -> tuple[list[tuple[str, str]], bool]:
    """The worker's whole lines (kind, value), and whether it said « ready »."""
    lines: list[tuple[str, str]] = []
    ready = False
    for line in output.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # cut by the kill
        kind, _, value = line.strip().partition(" ")
        if kind == "ready":
            ready = True
        else:
            lines.append((kind, value))
    return lines, ready


def sound(practice: Practice, *, signatures: bool = False) -> int:
    """Integrity, gap-free numbering and verify (with every signature when asked); returns the documents' count."""
    with practice.engine.connect() as conn:
        integrity = integrity_of(conn.connection.dbapi_connection)
    if integrity != "ok":
        raise TortureFailure(f"integrity_check: {integrity}")
    with practice.sessions() as session:
        numbers = session.execute(select(Invoice.kind, Invoice.year, Invoice.sequence)).all()
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
    return len(numbers)


def check(practice: Practice, report: Report, *, signatures: bool = False) -> None:
    """The main practice: sound, every reported séance and document present, erasures whole or absent."""
    report.final_documents = sound(practice, signatures=signatures)
    with practice.sessions() as session:
        present = set(session.scalars(select(Seance.id)))
        numbers = set(session.scalars(select(Invoice.number)))
    erased_seances = report.seances - present
    if erased_seances:
        raise TortureFailure(f"séances reported committed but missing: {sorted(erased_seances)[:10]}")
    lost = report.documents - numbers
    if lost:
        raise TortureFailure(f"documents reported committed but missing: {sorted(lost)[:10]}")
    kinds.check_erasures(practice, report.erased)
    report.final_seances = len(present)


def run(data_dir: Path, runs: int, *, seed: int = 0, max_delay: float = 2.0, log: bool = False,
        only: tuple[str, ...] | None = None) -> Report:
    """Set up (if needed) and torture the practice in `data_dir` (and its neighbours: kinds.Layout), the kinds of
    work in turn (`only`: those; default every kind the program has); TortureFailure at the first broken promise.

    The workers are forked by one "zygote" process that imported everything once (tests/torture/worker.py):
    each is a separate process, killed with SIGKILL, whatever it was doing."""
    if not data_dir.exists():
        setup(data_dir)
    layout = Layout(data_dir, data_dir.parent)
    turn = only or kinds.available_kinds()
    rows = kinds.fixture_rows() if "migration" in turn else {}
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
            kind = turn[index % len(turn)]
            _one_kill(zygote, layout, kind, index, out_path, err_path, rng, max_delay, report, rows)
            if log:
                print(f"kill {index + 1}/{runs} ({kind}): {report.last}", flush=True)
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


def _job(layout: Layout, kind: str, index: int, report: Report) -> tuple[Path, str, str]:
    """(the folder the worker works in, its passphrase, the kind's extra argument)."""
    if kind == "backup":
        return layout.main, PASSPHRASE, str(layout.backups_out)
    if kind == "restore":
        return layout.restored, PASSPHRASE, str(next(layout.restore_source.iterdir()))
    if kind in ("passphrase", "rekey"):
        return layout.keys, PASSPHRASES[report.keys_state], ""
    if kind == "migration":
        return kinds.fresh_migration(layout, index), kinds.FIXTURE_PASSPHRASE, ""
    return layout.main, PASSPHRASE, ""  # write, erasure


def _one_kill(zygote: subprocess.Popen[str], layout: Layout, kind: str, index: int, out_path: Path,
              err_path: Path, rng: random.Random, max_delay: float, report: Report, rows: dict[str, object]
              ) -> None:
    assert zygote.stdin is not None and zygote.stdout is not None
    out_path.unlink(missing_ok=True)
    folder, passphrase, extra = _job(layout, kind, index, report)
    zygote.stdin.write(f"{kind}\t{folder}\t{passphrase}\t{rng.randrange(1 << 30)}\t{out_path}\t{extra}\n")
    zygote.stdin.flush()
    pid = int(zygote.stdout.readline().split()[1])
    early = rng.random() < 0.1  # now and then, while the practice is still being opened
    deadline = time.monotonic() + (rng.uniform(0.0, 0.3) if early else 60.0)
    while time.monotonic() < deadline:
        if io_select.select([zygote.stdout], [], [], 0.005)[0]:
            raise TortureFailure(f"the worker ({kind}) stopped by itself ({zygote.stdout.readline().strip()}): "
                                 f"{err_path.read_text('utf-8', 'replace')[-2000:]}")
        if not early and out_path.exists() and b"ready\n" in out_path.read_bytes():
            deadline = min(deadline, time.monotonic() + rng.uniform(0.0, _longest_delay(report, kind, max_delay)))
            early = True  # the delay is set once
    os.kill(pid, signal.SIGKILL)
    status = int(zygote.stdout.readline().split()[1])
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        raise TortureFailure(f"the worker ({kind}) ended otherwise than by SIGKILL (status {status}): "
                             f"{err_path.read_text('utf-8', 'replace')[-2000:]}")
    lines, ready = _reported(out_path.read_text("utf-8") if out_path.exists() else "")
    report.durations.setdefault(kind, []).extend(float(value) for said, value in lines if said == "took")
    lines = [(said, value) for said, value in lines if said != "took"]
    report.runs += 1
    report.kills[kind] += 1
    report.killed_while_opening += 0 if ready else 1
    done = [value for said, value in lines if said != "child"]
    report.completed[kind] += len(done)
    report.last = f"{len(done)} done" + ("" if ready else " (killed while opening)")
    _after(layout, kind, folder, lines, report, rows)


def _longest_delay(report: Report, kind: str, max_delay: float) -> float:
    """How long after « ready » the kill may come: for the writer, `max_delay`; for an operation, up to 1.3 times
    its median time so far (the kill lands within the first or second one), 2.5 × `max_delay` until one was timed
    (a passphrase change, with its Argon2id and its fresh backup, takes longer than `max_delay`)."""
    times = sorted(report.durations.get(kind, []))
    if kind == "write":
        return max_delay
    return 1.3 * times[len(times) // 2] if times else 2.5 * max_delay



def _after(layout: Layout, kind: str, folder: Path, lines: list[tuple[str, str]], report: Report,
           rows: dict[str, object]) -> None:
    """What must hold after a kill of `kind` (tests/torture/kinds.py)."""
    values = [value for _, value in lines]
    if kind == "write":
        report.seances.update(int(v) for said, v in lines if said == "seance")
        report.documents.update(v for said, v in lines if said in ("invoice", "credit"))
    elif kind == "erasure":
        report.erased.update(int(v) for said, v in lines if said == "erased")
    elif kind == "backup":
        report.leftovers[kind] += kinds.check_backups(layout, values, sound, PASSPHRASE)
        return
    elif kind == "restore":
        whole, leftovers = kinds.check_restores(layout, values, sound, PASSPHRASE)
        report.leftovers[kind] += leftovers
        report.last += f", {whole} whole practices restored"
        return
    elif kind in ("passphrase", "rekey"):
        if kind == "passphrase" and values:
            report.keys_state = int(values[-1])
        report.keys_state, leftovers = kinds.check_keys(layout, report.keys_state, sound)
        report.leftovers[kind] += leftovers
        return
    elif kind == "migration":
        finished, leftovers = kinds.check_migration(folder, rows, sound)
        report.leftovers[kind] += leftovers
        report.last += ", the upgrade had finished" if finished else ", the upgrade finished at the next opening"
        return
    practice = open_with_passphrase(layout.main, PASSPHRASE)
    try:
        check(practice, report)
    finally:
        practice.close()
