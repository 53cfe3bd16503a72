"""`cocon demo --size large`: a group practice at scale — 2,000 children, 100,000 séances over 10 years, about
12,000 invoices — written with bulk inserts in one transaction (not one service call a row), deterministic.

Each child is included 3 to 9 months after birth and seen twice a week for 25 weeks (one in four three times a
week for 17 weeks): a bilan initial, 34
séances (the first forfait of 35), then a bilan de renouvellement and the rest on a second prescription; about
5 % are excused absences, kept out of forfait and never billed. Children whose care ended left the pathway
("fin de parcours") two weeks after their last séance; the last months' children are in care today, with
appointments this week and next. Invoices: see demo_large_invoices.py."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from cocon_desktop.domain.passphrase import DEMO_PASSPHRASE
from cocon_desktop.domain.text import fold
from cocon_desktop.models import Appointment, Child, Guardian, Prescription, Seance
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import prescribers
from cocon_desktop.services.demo import DEMO_KDF, DEMO_PROFILE
from cocon_desktop.services.demo_children import FIRST_NAMES, LAST_NAMES, PARENT_NAMES, PRESCRIBERS
from cocon_desktop.services.demo_seances import SLOTS
from cocon_desktop.services.practice_handle import Practice, create_practice

CHILDREN = 2_000
SEANCES = 100_000
YEARS = 10
CARE_SEANCES = SEANCES // CHILDREN  # 50 a child, twice a week
FORFAIT = 35  # séances of the first prescription, its bilan included
CHUNK = 5_000
NETWORKS = ("RPM", "RPM", "RPM", "RPO", "RPNA")
LARGE_PROFILE = DEMO_PROFILE.__class__(**{**DEMO_PROFILE.__dict__,
                                          "trade_name": "Cabinet de groupe du Vieux-Port (démonstration, grande)"})


@dataclass
class SeanceRow:
    id: int
    child: int
    prescription: int
    day: date
    kind: str
    out_of_forfait: bool


@dataclass
class LargeData:
    """What the invoices need, kept in memory while the rows are inserted."""

    today: date
    children: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)  # id → inclusion, network, i.
    prescriptions: dict[int, date] = field(default_factory=dict)  # id → valid_from
    seances: list[SeanceRow] = field(default_factory=list)


def chunks(rows: Sequence[dict[str, Any]], size: int = CHUNK) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def bulk(session: Session, model: type, rows: Sequence[dict[str, Any]]) -> None:
    """executemany in chunks, in the caller's transaction."""
    for part in chunks(rows):
        session.execute(insert(model), list(part))


def care_day(start: date, k: int, weekly: int) -> date:
    """The k-th séance: twice a week (start's weekday, three days later) or three times (every other day)."""
    return start + timedelta(days=(k // weekly) * 7 + (k % weekly) * (3 if weekly == 2 else 2))


def _care_days(start: date, count: int, today: date, weekly: int) -> list[date]:
    """The séances before today."""
    return [d for d in (care_day(start, k, weekly) for k in range(count)) if d < today]


def weekly(index: int) -> int:
    """One child in four is seen three times a week, the others twice."""
    return 3 if index % 4 == 3 else 2


def _plan(today: date, rng: random.Random) -> list[tuple[date, int]]:
    """(first day of care, séances) per child: starts spread over the 10 years, exactly SEANCES in all."""
    first = date(today.year - YEARS, today.month, 1)
    span = (today - timedelta(days=3) - first).days
    starts = []
    for index in range(CHILDREN):
        day = first + timedelta(days=index * span // CHILDREN + rng.randint(0, 2))
        starts.append(day - timedelta(days=day.weekday()))  # a Monday: the week's séances fit in it
    counts = [len(_care_days(s, CARE_SEANCES, today, weekly(i))) for i, s in enumerate(starts)]
    missing = SEANCES - sum(counts)
    for index in range(CHILDREN):  # the children seen in full get the séances the recent ones have not had yet
        if missing <= 0:
            break
        if counts[index] == CARE_SEANCES:
            extra = min(missing, 10)
            counts[index] += extra
            missing -= extra
    return list(zip(starts, counts, strict=True))


def _child_rows(plan: list[tuple[date, int]], today: date, rng: random.Random, data: LargeData,
                prescriber_ids: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    now = datetime.now(UTC)
    children, guardians = [], []
    for index, (start, count) in enumerate(plan):
        cid = index + 1
        network = NETWORKS[index % len(NETWORKS)]
        last, first = LAST_NAMES[index % len(LAST_NAMES)], FIRST_NAMES[(index * 7 + index // 26) % len(FIRST_NAMES)]
        birth = start - timedelta(days=rng.randint(90, 270))
        weeks = rng.choice([24, 26, 27, 28, 29, 30, 31, 32, 33, 34, 36])
        inclusion = f"{network}-{start.year}-{cid:05d}"
        days = _care_days(start, count, today, weekly(index))
        ended = days[-1] + timedelta(days=14) if days and days[-1] < today - timedelta(days=30) else None
        children.append(dict(
            id=cid, last_name=last, first_name=first, birth_date=birth, sex="F" if index % 2 else "M",
            gestational_weeks=weeks, gestational_days=rng.randint(0, 6), birth_weight_g=rng.randint(650, 2900),
            inclusion_number=inclusion, inclusion_date=start - timedelta(days=10), network=network,
            risk_group="haut" if weeks < 30 else "modere",
            inclusion_criteria=["ag_lt_33"] if weeks < 33 else ["rciu"],
            referent_id=prescriber_ids[index % len(prescriber_ids)], nir="", birth_place_code="",
            identity_status="provisoire", identity_source="", consent_date=start - timedelta(days=10),
            exit_date=ended, exit_reason="fin_parcours" if ended else "",
            search_key=fold(f"{last} {first} {inclusion}"), created_at=now, updated_at=now))
        guardians.append(dict(
            child_id=cid, last_name=last, first_name=PARENT_NAMES[index % len(PARENT_NAMES)], relation="mere",
            phone=f"06 12 {index // 100 % 100:02d} {index % 100:02d} 00", email=f"parent{cid}@example.org",
            address=f"{1 + index % 80} avenue des Pins", postcode="13005", city="Marseille",
            receives_attestations=True))
        data.children[cid] = (inclusion, network, f"{first[:1].upper()}. {last[:1].upper()}.", "psychomotricite")
    return children, guardians


def _care_rows(plan: list[tuple[date, int]], today: date, rng: random.Random,
               data: LargeData) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    now = datetime.now(UTC)
    prescriptions: list[dict[str, Any]] = []
    seances: list[dict[str, Any]] = []
    appointments: list[dict[str, Any]] = []
    monday = today - timedelta(days=today.weekday())
    for index, (start, count) in enumerate(plan):
        cid = index + 1
        days = _care_days(start, count, today, weekly(index))
        renewal = days[FORFAIT] if len(days) > FORFAIT else None
        ids = []
        for valid_from in [start, renewal] if renewal else [start]:
            ids.append(len(prescriptions) + 1)
            prescriptions.append(dict(
                id=ids[-1], child_id=cid, prescriber_id=None, prescribed_on=valid_from - timedelta(days=5),
                discipline="psychomotricite", forfait_kind="precoce_0_24", sessions_authorised=FORFAIT,
                bilan_included=True, valid_from=valid_from, valid_until=valid_from + timedelta(days=365),
                document_id=None, created_at=now))
            data.prescriptions[ids[-1]] = valid_from
        slot = SLOTS[index % len(SLOTS)]
        for k, day in enumerate(days):
            pid = ids[1] if k >= FORFAIT else ids[0]
            kind = "bilan_initial" if k == 0 else "bilan_renouvellement" if k == FORFAIT else "seance"
            absent = kind == "seance" and rng.random() < 0.05
            kind = "absence_excusee" if absent else kind
            sid = len(seances) + 1
            seances.append(dict(id=sid, child_id=cid, prescription_id=pid, day=day, start=slot,
                                duration_min=60 if kind.startswith("bilan") else 45, kind=kind,
                                place="cabinet" if k % 7 else "domicile", note="", out_of_forfait=absent,
                                created_at=now, updated_at=now))
            data.seances.append(SeanceRow(sid, cid, pid, day, kind, absent))
        for k in range(len(days), CARE_SEANCES):  # in care today: the coming séances of this week and the next
            day = care_day(start, k, weekly(index))
            if today <= day < monday + timedelta(days=14):
                appointments.append(dict(child_id=cid, day=day, start=slot, duration_min=45, place="cabinet",
                                         status="planned", seance_id=None, series_id=""))
    return prescriptions, seances, appointments


def create_large_demo(data_dir: Path, today: date, *, signed_months: int = 1) -> Practice:
    """The large practice (passphrase "demo"); `signed_months` recent months are issued by the real invoice run
    (rendered, Factur-X, signed); the older ones are bulk-written with a compact unsigned PDF each."""
    from cocon_desktop.services.demo_large_invoices import (
        add_archived_invoices,
        issue_recent_months,
        set_addresses,
    )

    rng = random.Random(20260901)
    practice = create_practice(data_dir, DEMO_PASSPHRASE, LARGE_PROFILE, RecoveryKey.generate(), params=DEMO_KDF,
                               demo=True)
    try:
        prescriber_ids = [prescribers.save_prescriber(practice.sessions, p) for p in PRESCRIBERS]
        data = LargeData(today)
        plan = _plan(today, rng)
        children, guardians = _child_rows(plan, today, rng, data, prescriber_ids)
        prescriptions, seances, appointments = _care_rows(plan, today, rng, data)
        set_addresses(practice)
        with practice.sessions.begin() as session:  # one transaction for every bulk row
            bulk(session, Child, children)
            bulk(session, Guardian, guardians)
            bulk(session, Prescription, prescriptions)
            bulk(session, Seance, seances)
            bulk(session, Appointment, appointments)
            archived = add_archived_invoices(practice, session, data, signed_months)
        issue_recent_months(practice, data, archived, signed_months)
    except BaseException:
        practice.close()
        raise
    return practice
