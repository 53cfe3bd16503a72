"""The process the torture driver kills: opens the practice, then loops recording séances and issuing invoices
(and now and then a credit note) through the real services, printing each committed id or number on stdout,
flushed, only after the call that committed it has returned. The other kinds of kill (backup, restore, passphrase
change, key rotation, erasure, migration) loop in tests/torture/operations.py.

    python -m tests.torture.worker DATA_DIR PASSPHRASE SEED
    python -m tests.torture.worker --zygote     # what the driver runs (see zygote())
"""

from __future__ import annotations

import importlib
import os
import random
import sys
import traceback
from datetime import date, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.models import Child, Invoice, Seance
from cocon_desktop.services import seances
from cocon_desktop.services.invoice_documents import issue_credit_note, issue_period
from cocon_desktop.services.practice_handle import open_with_passphrase

FIRST_DAY = date(2026, 1, 5)
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
ISSUE_DAY = date(2026, 12, 31)
SLOTS_PER_DAY = 8  # 8:00 … 15:00, 45 minutes each
WRITER_PREFIX = "Torture"  # the children the writer records séances for (the erasure's come and go)


def slot(n: int, children: list[int]) -> SeanceData:
    """The n-th séance of the torture: children in turn, 8 a day each, so that slots never collide."""
    k = n // len(children)
    return SeanceData(children[n % len(children)], FIRST_DAY + timedelta(days=k // SLOTS_PER_DAY),
                      time(8 + k % SLOTS_PER_DAY, 0))


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    data_dir, passphrase, seed = Path(argv[0]), argv[1], int(argv[2])
    rng = random.Random(seed)
    practice = open_with_passphrase(data_dir, passphrase)
    with practice.sessions() as session:
        children = [(c.id, c.network) for c in session.scalars(
            select(Child).where(Child.last_name.like(f"{WRITER_PREFIX}%")).order_by(Child.id))]
        n = int(session.scalar(select(func.count(Seance.id)).where(Seance.child_id.in_([c for c, _ in children])))
                or 0)
    ids = [cid for cid, _ in children]
    networks = sorted({network for _, network in children})
    say("ready")
    while True:
        seance_id = seances.record_seance(practice.sessions, slot(n, ids))
        say(f"seance {seance_id}")
        n += 1
        roll = rng.random()
        if roll < 0.3:
            for document in issue_period(practice, rng.choice(networks), *YEAR, ISSUE_DAY):
                say(f"invoice {document.number}")
        elif roll < 0.36:
            with practice.sessions() as session:
                last = session.scalar(select(Invoice.number).where(Invoice.kind == "invoice")
                                      .order_by(Invoice.id.desc()).limit(1))
            if last is not None:
                try:
                    say(f"credit {issue_credit_note(practice, last, None, ISSUE_DAY).number}")
                except Exception as exc:  # already credited: nothing to credit
                    if getattr(exc, "code", "") != "nothing_to_credit":
                        raise


def zygote() -> int:
    """Import everything once, then fork one worker per line read on stdin
    ("KIND\tDATA_DIR\tPASSPHRASE\tSEED\tOUT\tEXTRA", KIND "write" or one of operations.LOOPS):
    prints "pid N", then "exit STATUS" once the worker has died (os.waitpid's status). Each worker is a real
    process the driver kills with SIGKILL; forking only spares the seconds of imports and font loading of each
    start (one invoice is rendered and signed here first, in memory, so that the workers find fonts loaded)."""
    from cocon_desktop.documents.signing import render_signed_invoice
    from cocon_desktop.security.certificate import create_self_signed
    from tests.document_samples import sample_invoice

    render_signed_invoice(sample_invoice(2), *create_self_signed("Alice Dupont EI", "Cabinet", "91234567500017"))
    from tests.torture.operations import LOOPS, has_key_rotation

    for name in ("backup", "child_erasure", "practice_keys") + (("key_rotation",) if has_key_rotation() else ()):
        importlib.import_module(f"cocon_desktop.services.{name}")  # once here, not in each worker
    for line in sys.stdin:
        kind, data_dir, passphrase, seed, out, extra = line.rstrip("\n").split("\t")
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            try:
                if kind == "write":
                    main([data_dir, passphrase, seed])
                else:
                    LOOPS[kind](Path(data_dir), passphrase, extra, random.Random(int(seed)))
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(70)
            os._exit(0)
        say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"exit {status}")
    return 0


if __name__ == "__main__":
    sys.exit(zygote() if sys.argv[1:] == ["--zygote"] else main(sys.argv[1:]))
