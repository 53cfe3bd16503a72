"""Fictitious séances and appointments for the demo practice, relative to today and deterministic.

For the demo's children with a running prescription: a weekly séance over the past weeks (a bilan first, some
absences, a few hors forfait once the forfait is used up), today's appointments (two already pointed), and
weekly series over the coming weeks, one slot of which overlaps another (a conflict to resolve)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, time, timedelta

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import appointments
from cocon_desktop.services.children import ChildQuery, list_children
from cocon_desktop.services.prescriptions import list_prescriptions
from cocon_desktop.services.seances import OutOfForfait, record_seance
from cocon_desktop.services.tariff_store import load_tariffs

PAST_WEEKS = 12
FOLLOWED = 12  # children seen every week
SLOTS = [time(9, 0), time(9, 45), time(10, 30), time(11, 15), time(14, 0), time(14, 45), time(15, 30),
         time(16, 15), time(17, 0)]
TODAY_SLOTS = [time(9, 0), time(9, 45), time(10, 30), time(11, 15), time(14, 0), time(15, 30)]
PLACES = ["cabinet"] * 6 + ["domicile", "creche_ecole"]


def _followed(sessions: sessionmaker[Session], today: date) -> list[tuple[int, date]]:
    """(child id, first day of the running prescription) for the children in care today."""
    followed = []
    for child in list_children(sessions, ChildQuery(active_only=True), today):
        running = [p.data.valid_from for p in list_prescriptions(sessions, child.id)
                   if p.data.valid_from <= today <= p.data.valid_until]
        if running:
            followed.append((child.id, min(running)))
    return followed


def add_demo_seances(sessions: sessionmaker[Session], today: date) -> int:
    """Add the demo's séances and appointments; returns how many séances were recorded."""
    rng = random.Random(20221115)
    tariffs = load_tariffs(sessions)
    followed = _followed(sessions, today)
    recorded = 0

    def record(data: SeanceData) -> None:
        nonlocal recorded
        try:
            record_seance(sessions, data, tariffs)
        except OutOfForfait:  # forfait used up, absence not billed by the network: kept, never billed
            record_seance(sessions, replace(data, out_of_forfait=True), tariffs)
        recorded += 1

    for index, (child_id, started) in enumerate(followed[:FOLLOWED]):
        weekday, slot, place = index % 5, SLOTS[index % len(SLOTS)], rng.choice(PLACES)
        first = max(started, today - timedelta(weeks=PAST_WEEKS))
        day = first + timedelta(days=(weekday - first.weekday()) % 7)
        bilan_done = first > started
        while day < today:
            draw = rng.random()
            kind = "seance" if bilan_done else "bilan_initial"
            if bilan_done and draw < 0.07:
                kind = "absence_excusee"
            elif bilan_done and draw < 0.11:
                kind = "absence_non_excusee"
            record(SeanceData(child_id=child_id, day=day, start=slot, kind=kind, place=place,
                              duration_min=60 if kind == "bilan_initial" else 45))
            bilan_done = True
            day += timedelta(days=7)

    today_ids: list[int] = []
    for child_id, _ in followed[FOLLOWED:FOLLOWED + len(TODAY_SLOTS)]:
        today_ids += appointments.plan(sessions, child_id, today, TODAY_SLOTS[len(today_ids)])
    for appointment_id, status in zip(today_ids, ("present", "absence_excusee"), strict=False):
        try:
            appointments.mark(sessions, appointment_id, status)
        except OutOfForfait:
            appointments.mark(sessions, appointment_id, status, out_of_forfait=True)
        recorded += 1

    next_monday = today + timedelta(days=7 - today.weekday())
    series = followed[:3]
    for offset, (child_id, _) in enumerate(series):
        appointments.plan(sessions, child_id, next_monday + timedelta(days=offset + 1), time(10, 0), weeks=10)
    if len(followed) > 3:  # a slot booked over another one, next Tuesday: shown in red in the agenda
        appointments.plan(sessions, followed[3][0], next_monday + timedelta(days=1), time(10, 30))
    return recorded
