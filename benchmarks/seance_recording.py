"""Recording one séance on a practice holding 100,000 séances (goal < 20 ms), vs an almost empty practice."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from sqlalchemy import insert

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.models import Child, Prescription, Seance
from cocon_desktop.security.kdf import Argon2Params
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import seances
from cocon_desktop.services.demo import DEMO_PROFILE
from cocon_desktop.services.practice_handle import Practice, create_practice
from cocon_desktop.services.tariff_store import load_tariffs

FAST = Argon2Params(time_cost=1, memory_kib=8 * 1024, parallelism=1)
START = date(2016, 1, 4)


def _fill(practice: Practice, children: int, seances_count: int) -> None:
    """Bulk rows (one transaction), as `cocon demo --size large` will: children, prescriptions, séances."""
    now = datetime.now(UTC)
    with practice.sessions.begin() as session:
        session.execute(insert(Child), [dict(
            id=i + 1, last_name=f"Enfant{i}", first_name="Test", birth_date=START - timedelta(days=30), sex="F",
            gestational_weeks=30, gestational_days=0, inclusion_number=f"RPM-{i:06d}", network="RPM", risk_group="",
            inclusion_criteria=[], nir="", birth_place_code="", identity_status="provisoire", identity_source="",
            exit_reason="", search_key=f"enfant{i} test rpm-{i:06d}", created_at=now, updated_at=now)
            for i in range(children)])
        session.execute(insert(Prescription), [dict(
            id=i + 1, child_id=i + 1, prescribed_on=START, discipline="psychomotricite", forfait_kind="precoce_0_24",
            sessions_authorised=10_000, bilan_included=True, valid_from=START, valid_until=date(2030, 1, 1),
            created_at=now) for i in range(children)])
        per_child = seances_count // children
        rows = []
        for i in range(children):
            for k in range(per_child):
                rows.append(dict(child_id=i + 1, prescription_id=i + 1, day=START + timedelta(days=k * 3),
                                 start=clock(9 + k % 8, 0), duration_min=45, kind="seance", place="cabinet", note="",
                                 out_of_forfait=False, created_at=now, updated_at=now))
        session.execute(insert(Seance), rows)


def _record_times(practice: Practice, children: int, repeat: int = 30) -> float:
    tariffs = load_tariffs(practice.sessions)  # the UI keeps them loaded; recording does not reread files
    times = []
    for n in range(repeat):
        data = SeanceData(child_id=1 + n % children, day=date(2029, 6, 1) + timedelta(days=n), start=clock(18, 0))
        begin = time.perf_counter()
        seances.record_seance(practice.sessions, data, tariffs)
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def rows() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        empty = create_practice(Path(tmp) / "empty", "Ours-brun-7-Lavande!", DEMO_PROFILE, RecoveryKey.generate(),
                                params=FAST)
        _fill(empty, 20, 20)
        base = _record_times(empty, 20)
        empty.close()
        large = create_practice(Path(tmp) / "large", "Ours-brun-7-Lavande!", DEMO_PROFILE, RecoveryKey.generate(),
                                params=FAST)
        begin = time.perf_counter()
        _fill(large, 2000, 100_000)
        filled = time.perf_counter() - begin
        big = _record_times(large, 2000)
        large.close()
    return [
        ("fill 2,000 children / 100,000 séances (bulk)", f"{filled:.1f} s", "", ""),
        ("record one séance, 100,000 séances held", f"{big * 1000:.1f} ms", f"{big / base:.2f}× an empty practice",
         "< 20 ms"),
    ]
