"""The dashboard and the accountant's exports on a large practice: 2,000 children, 4,000 prescriptions, 100,000
séances, 12,000 invoices with their lines, payments and credit notes (bulk rows, one transaction). Goals: the action
list and each series under 100 ms (CPU time) — they are SQL aggregates, not loops over the rows. The séances are
100,000 within two years (2,000 children followed at once: a dense worst case; a single therapist records about
5,000 a year), inserted day after day as a practice records them, so that the table's order is the days' order.

`python -m benchmarks.dashboard` prints these lines alone; `make bench` prints them in its table (rows())."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from benchmarks.seance_recording import FAST
from cocon_desktop.models import Child, Invoice, InvoiceLine, Payment, Prescription, Seance
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import activity_report, dashboard, journal
from cocon_desktop.services.demo import DEMO_PROFILE
from cocon_desktop.services.forfait_alerts import forfait_alerts
from cocon_desktop.services.practice_handle import Practice, create_practice
from cocon_desktop.services.tariff_store import load_tariffs

TODAY = date(2026, 11, 28)
CHILDREN = 2_000
SEANCES_PER_CHILD = 50  # 100,000 séances
NETWORKS = ("RPM", "RPO", "RPNA")
FIRST_DAY = date(2025, 1, 6)
WINDOWS = [(date(2025, 1, 1), date(2025, 4, 30)), (date(2025, 5, 1), date(2025, 8, 31)),
           (date(2025, 9, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 4, 30)),
           (date(2026, 5, 1), date(2026, 8, 31)), (date(2026, 9, 1), date(2026, 10, 31))]  # 6 invoices a child


def fill(practice: Practice) -> None:
    now = datetime.now(UTC)
    children: list[dict[str, Any]] = []
    prescriptions: list[dict[str, Any]] = []
    seances: list[dict[str, Any]] = []
    for i in range(CHILDREN):
        network = NETWORKS[i % 3]
        birth = date(2023, 1, 1) + timedelta(days=(i * 7) % 900)
        children.append(dict(
            id=i + 1, last_name=f"Enfant{i}", first_name="Test", birth_date=birth, sex="F", gestational_weeks=30,
            gestational_days=0, inclusion_number=f"{network}-{i:06d}", network=network, risk_group="",
            inclusion_criteria=[], nir="", birth_place_code="", identity_status="provisoire", identity_source="",
            exit_reason="", search_key=f"enfant{i} test", created_at=now, updated_at=now))
        ends = date(2026, 12, 1) + timedelta(days=i % 120)  # a share of them ends within 30 days
        for k, (start, end, sessions) in enumerate(((date(2024, 12, 1), date(2025, 11, 30), 35),
                                                    (date(2025, 12, 1), ends, 25 + i % 12))):
            prescriptions.append(dict(
                id=2 * i + k + 1, child_id=i + 1, prescribed_on=start, discipline="psychomotricite",
                forfait_kind="precoce_0_24" if k == 0 else "soins_2_5", sessions_authorised=sessions,
                bilan_included=True, valid_from=start, valid_until=end, created_at=now))
        for s in range(SEANCES_PER_CHILD):
            day = FIRST_DAY + timedelta(days=s * 14 + i % 10)
            seances.append(dict(
                child_id=i + 1,
                prescription_id=2 * i + (1 if day < date(2025, 12, 1) else 2), day=day, start=clock(9 + s % 8, 0),
                duration_min=45, kind="bilan_initial" if s in (0, 23) else "absence_excusee" if s % 17 == 5 else
                "seance", place="cabinet", note="", out_of_forfait=s % 17 == 5, created_at=now, updated_at=now))
    # séances are recorded day after day: the table's order is the days' order (as in a real practice)
    seances.sort(key=lambda r: (r["day"], r["child_id"]))
    for number, row in enumerate(seances, start=1):
        row["id"] = number
    invoices: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    by_child: dict[int, list[dict[str, Any]]] = {}
    for row in seances:
        by_child.setdefault(row["child_id"], []).append(row)
    sequence: dict[int, int] = {}
    for w, (first, last) in enumerate(WINDOWS):
        issued = last + timedelta(days=3)
        for child in children:
            acts = [r for r in by_child[child["id"]] if first <= r["day"] <= last and not r["out_of_forfait"]]
            if not acts:
                continue
            invoice_id = len(invoices) + 1
            sequence[issued.year] = sequence.get(issued.year, 0) + 1
            total = sum(14000 if r["kind"] == "bilan_initial" else 3900 for r in acts)
            invoices.append(dict(
                id=invoice_id, number=f"FAC-{issued.year}-{sequence[issued.year]:05d}", kind="invoice",
                year=issued.year, sequence=sequence[issued.year], issue_date=issued, period_start=first,
                period_end=last, network=child["network"], child_id=child["id"], corrects_id=None,
                total_cents=total, due_date=issued + timedelta(days=30), pdf=b"", pdf_sha256="0" * 64,
                prev_chain="0" * 64, chain_hash="0" * 64, created_at=now))
            lines += [dict(invoice_id=invoice_id, line_no=n + 1, seance_id=r["id"], credited_line_id=None,
                           service_day=r["day"], inclusion_number=child["inclusion_number"], initials="T. E.",
                           discipline="psychomotricite", seance_kind=r["kind"],
                           amount_cents=14000 if r["kind"] == "bilan_initial" else 3900) for n, r in enumerate(acts)]
            if w < len(WINDOWS) - 1 or child["id"] % 3:  # the last window is partly unpaid
                payments.append(dict(invoice_id=invoice_id, day=issued + timedelta(days=20 + child["id"] % 30),
                                     amount_cents=total, reference=f"VIR-{invoice_id}", means="virement",
                                     created_at=now))
    with practice.sessions.begin() as session:
        for model, rows in ((Child, children), (Prescription, prescriptions), (Seance, seances),
                            (Invoice, invoices), (InvoiceLine, lines), (Payment, payments)):
            session.execute(insert(model), rows)


def _ms(fn: Callable[[], object], repeat: int = 5, before: Callable[[], object] | None = None) -> float:
    import statistics
    import time

    fn()  # warm the page cache and SQLAlchemy's statement cache
    times = []
    for _ in range(repeat):  # CPU time of this process: SQLite works in it, and a shared machine's load is left out
        if before is not None:
            before()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def rows() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        practice = create_practice(Path(tmp) / "cabinet", "Banc-dEssai-2026-tableau!", DEMO_PROFILE,
                                   RecoveryKey.generate(), params=FAST)
        try:
            fill(practice)
            s = practice.sessions
            tariffs = load_tariffs(s)
            items = dashboard.action_items(s, TODAY)

            def alerts() -> object:
                with s() as session:
                    return forfait_alerts(session, TODAY, tariffs)

            def fresh_connection() -> None:  # an empty page cache: every page read is read and decrypted again
                practice.engine.dispose()
                with s() as session:
                    session.execute(select(1))

            size = f"{CHILDREN} children, {CHILDREN * SEANCES_PER_CHILD} séances, 12,000 invoices"
            year = (date(2026, 1, 1), date(2026, 12, 31))
            action_list = f"dashboard action list ({len(items)} lines; {size})"
            measures: list[tuple[str, Callable[[], object], str, bool]] = [  # label, call, goal, empty cache
                (action_list, lambda: dashboard.action_items(s, TODAY), "< 100 ms", False),
                ("  the same on a fresh connection (empty page cache)", lambda: dashboard.action_items(s, TODAY),
                 "< 100 ms", True),
                ("  the same in January (annual attestations too)",
                 lambda: dashboard.action_items(s, date(2027, 1, 15)), "< 100 ms", False),
                ("  of which forfait warnings of every child", alerts, "< 100 ms", False),
                ("monthly series, 12 months", lambda: dashboard.monthly_series(s, TODAY), "< 100 ms", False),
                ("monthly series, 12 months, one network",
                 lambda: dashboard.monthly_series(s, TODAY, network="RPO"), "< 100 ms", False),
                ("totals per network, one year", lambda: dashboard.network_totals(s, *year), "< 100 ms", False),
                ("receipts journal + year summary",
                 lambda: (journal.receipts_journal(s, 2026), journal.year_summary(s, 2026)), "< 200 ms", False),
                ("activity report, one network, one year",
                 lambda: activity_report.activity_report(s, "RPO", *year), "< 200 ms", False),
            ]
            return [(label, f"{_ms(fn, before=fresh_connection if cold else None):.1f} ms CPU", "", goal)
                    for label, fn, goal, cold in measures]
        finally:
            practice.close()


if __name__ == "__main__":
    for row in rows():
        print("  ".join(row))
