"""The dashboard on the fixed data set (tests/db/report_helpers.py): the action lines, the monthly series and the
totals per network against figures computed by hand; the bulk forfait warnings equal the per-child ones on the
demo practice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import update

from cocon_desktop.domain.ages import date_at_age
from cocon_desktop.domain.attestation import Period
from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.models import Child, OutboxEntry, Prescription
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import attestations, children, outbox, practice_handle, prescriptions, seances
from cocon_desktop.services.batches import close_batch
from cocon_desktop.services.dashboard import (
    ActionItem,
    MonthPoint,
    NetworkTotal,
    action_items,
    monthly_series,
    network_totals,
)
from cocon_desktop.services.demo import create_demo
from cocon_desktop.services.forfait_alerts import forfait_alerts
from cocon_desktop.services.forfaits import child_forfaits
from cocon_desktop.services.outbox_errors import outbox_error
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.tariff_store import load_tariffs
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.db.report_helpers import RECORDED_ON, build_fixed_practice

TODAY = date(2027, 1, 25)
D = Decimal


def _create(folder: Path) -> Practice:
    return practice_handle.create_practice(folder, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF)


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Practice, dict[str, int]]]:
    opened = _create(tmp_path_factory.mktemp("tableau") / "cabinet")
    ids = build_fixed_practice(opened)
    yield opened, ids
    opened.close()


View = tuple[str, str, str, str, int | None, str, int | None, date | None, int, str]


def _view(item: ActionItem) -> View:
    """What a user sees of a line (its French sentence) and where it opens."""
    return (item.kind, item.severity, item.text, item.target, item.child_id, item.number, item.batch_pk, item.month,
            item.count, item.network)


def _line(kind: str, severity: str, text: str, target: str, *, child_id: int | None = None, number: str = "",
          batch_pk: int | None = None, month: date | None = None, count: int = 0, network: str = "") -> View:
    return kind, severity, text, target, child_id, number, batch_pk, month, count, network


def test_action_lines_on_the_fixed_practice(fixed: tuple[Practice, dict[str, int]]) -> None:
    practice, ids = fixed
    nour, leo = ids["RPNA-2025-0100"], ids["RPNA-2025-0101"]
    assert [_view(i) for i in action_items(practice.sessions, TODAY)] == [
        _line("forfait_low", "error", "Léo BRUN (RPNA-2025-0101) : le forfait d'orthophonie est épuisé, une "
                   "nouvelle prescription est nécessaire.", "child", child_id=leo),
        _line("forfait_low", "warning", "Nour ANDRÉ (RPNA-2025-0100) : plus qu'une séance sur le forfait "
                   "d'orthophonie.", "child", child_id=nour, count=1),
        _line("forfait_ending", "warning", "Nour ANDRÉ (RPNA-2025-0100) : le forfait d'orthophonie prend fin le "
                   "10/02/2027 (dans 16 jours).", "child", child_id=nour),
        _line("age_band_exit", "warning", "Nour ANDRÉ (RPNA-2025-0100) : quitte la tranche d'âge du forfait "
                   "d'orthophonie le 01/02/2027.", "child", child_id=nour),
        _line("invoice_overdue", "warning", "Facture FAC-2026-0004 (RPM, 257,00\u00a0€) : 257,00\u00a0€ "
                   "impayés, échue depuis le 06/12/2026 (50 jours).", "unpaid", number="FAC-2026-0004", count=50,
                   network="RPM"),
        _line("seances_to_invoice", "warning", "RPO : 1 séance d'octobre 2026 reste à facturer.", "invoicing",
                   month=date(2026, 10, 1), count=1, network="RPO"),  # the séance of 22/10 its credit note freed
        _line("seances_to_invoice", "warning", "RPM : 1 séance de novembre 2026 reste à facturer.", "invoicing",
                   month=date(2026, 11, 1), count=1, network="RPM"),  # the hors-forfait séance of 19/11 is not there
        _line("batch_waiting", "warning", "RPM : 2 documents émis attendent d'être mis dans un lot.", "sync",
                   count=2, network="RPM"),
        _line("batch_waiting", "warning", "RPO : 4 documents émis attendent d'être mis dans un lot.", "sync",
                   count=4, network="RPO"),  # FAC-0001, FAC-0002, AV-0001, FAC-0005
        _line("attestation_due", "info", "Attestations annuelles 2026 à établir : 4 enfants ont eu des soins "
                   "dans l'année.", "attestations", month=date(2026, 1, 1), count=4),
    ]
    assert len(action_items(practice.sessions, TODAY, limit=3)) == 3
    # in February: no annual line any more; the January séances of RPNA are then a past month to invoice
    february = action_items(practice.sessions, date(2027, 2, 3))
    assert [(i.kind, i.month, i.count) for i in february if i.kind in ("seances_to_invoice", "attestation_due")] == [
        ("seances_to_invoice", date(2026, 10, 1), 1), ("seances_to_invoice", date(2026, 11, 1), 1),
        ("seances_to_invoice", date(2027, 1, 1), 4),
        ("attestation_due", date(2027, 1, 1), 2)]


def test_monthly_series_by_hand(fixed: tuple[Practice, dict[str, int]]) -> None:
    practice, _ = fixed
    assert monthly_series(practice.sessions, date(2026, 12, 31), months=4) == [
        MonthPoint(date(2026, 9, 1), 0, D("0.00"), D("0.00")),
        MonthPoint(date(2026, 10, 1), 16, D("0.00"), D("0.00")),  # 4 children × (bilan + 3 séances)
        MonthPoint(date(2026, 11, 1), 3, D("989.00"), D("0.00")),  # 4 × 257 − 39; the absence is not held
        MonthPoint(date(2026, 12, 1), 0, D("39.00"), D("575.00")),
    ]
    assert monthly_series(practice.sessions, date(2026, 12, 5), months=3, network="RPO") == [
        MonthPoint(date(2026, 10, 1), 8, D("0.00"), D("0.00")),
        MonthPoint(date(2026, 11, 1), 2, D("475.00"), D("0.00")),  # 05/11 and the hors-forfait 19/11
        MonthPoint(date(2026, 12, 1), 0, D("39.00"), D("475.00")),
    ]
    year = monthly_series(practice.sessions, date(2027, 1, 25))
    assert len(year) == 12 and year[0].month == date(2026, 2, 1) and year[-1] == MonthPoint(
        date(2027, 1, 1), 4, D("0.00"), D("196.00"))


def test_network_totals_by_hand(fixed: tuple[Practice, dict[str, int]]) -> None:
    practice, _ = fixed
    assert network_totals(practice.sessions, date(2026, 1, 1), date(2026, 12, 31)) == [
        NetworkTotal("RPM", 9, D("514.00"), D("100.00")),
        NetworkTotal("RPO", 10, D("514.00"), D("475.00")),  # 257 + 257 − 39 + 39
    ]
    assert network_totals(practice.sessions, date(2027, 1, 1), date(2027, 12, 31)) == [
        NetworkTotal("RPM", 0, D("0.00"), D("157.00")), NetworkTotal("RPO", 0, D("0.00"), D("39.00")),
        NetworkTotal("RPNA", 4, D("0.00"), D("0.00"))]


def _lines(practice: Practice, today: date, *kinds: str) -> list[tuple[str, str, int | None]]:
    return [(i.severity, i.text, i.batch_pk) for i in action_items(practice.sessions, today) if i.kind in kinds]


def test_batches_attestations_and_renewals_move_the_lines(practice: Practice) -> None:
    ids = build_fixed_practice(practice)
    closed_at = datetime(2027, 1, 26, 10, 0, tzinfo=UTC)
    batch = close_batch(practice, "RPM", closed_at)
    day = date(2027, 1, 27)
    assert _lines(practice, day, "batch_waiting", "batch_rejected") == [
        ("warning", "Lot RPM du 26/01/2027 (2 documents, 514,00\u00a0€) : pas encore envoyé au réseau.", batch.id),
        ("warning", "RPO : 4 documents émis attendent d'être mis dans un lot.", None)]
    outbox.mark_attempt(practice.sessions, batch.id, closed_at)
    outbox.record_failure(practice.sessions, batch.id, closed_at, outbox_error("send_transient", detail="HTTP 503"))
    assert _lines(practice, day, "batch_waiting")[0][1] == (
        "Lot RPM du 26/01/2027 (2 documents, 514,00\u00a0€) : pas encore envoyé au réseau — Envoi impossible pour "
        "l'instant (HTTP 503) : le lot reste en attente et sera renvoyé.")
    with practice.sessions.begin() as session:  # a row an earlier version wrote: a sentence
        session.execute(update(OutboxEntry).where(OutboxEntry.batch_pk == batch.id)
                        .values(last_error="Réseau injoignable."))
    assert _lines(practice, day, "batch_waiting")[0][1] == (
        "Lot RPM du 26/01/2027 (2 documents, 514,00\u00a0€) : pas encore envoyé au réseau — Réseau injoignable.")
    outbox.record_rejection(practice.sessions, batch.id, "Numéro d'inclusion inconnu", closed_at)
    assert _lines(practice, day, "batch_waiting", "batch_rejected") == [
        ("error", "Lot RPM du 26/01/2027 rejeté par le réseau (« Numéro d'inclusion inconnu ») : 2 documents à "
                  "corriger et à renvoyer.", batch.id),
        ("warning", "RPM : 2 documents émis attendent d'être mis dans un lot.", None),
        ("warning", "RPO : 4 documents émis attendent d'être mis dans un lot.", None)]
    again = close_batch(practice, "RPM", closed_at + timedelta(hours=1))  # the rejected documents, rebatched
    assert [b for _, _, b in _lines(practice, day, "batch_waiting", "batch_rejected")] == [again.id, None]

    attestations.issue(practice.sessions, ids["RPO-2025-0000"], "annuelle", Period(date(2026, 1, 1),
                       date(2026, 12, 31)), day, pades=False)
    assert [i.count for i in action_items(practice.sessions, day) if i.kind == "attestation_due"] == [3]

    nour = ids["RPNA-2025-0100"]
    assert {i.kind for i in action_items(practice.sessions, day) if i.child_id == nour} == {
        "forfait_low", "forfait_ending", "age_band_exit"}
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=nour, discipline="orthophonie", forfait_kind="soins_2_5", sessions_authorised=20,
        bilan_included=False, valid_from=date(2027, 2, 11), valid_until=date(2027, 8, 10),
        prescribed_on=date(2027, 1, 20)), RECORDED_ON)
    assert [i for i in action_items(practice.sessions, day) if i.child_id == nour] == []  # renewed: dealt with


def _per_child(practice: Practice, today: date) -> set[tuple[int, str, date | None, int | None]]:
    """The warnings `child_forfaits` gives, one child at a time (the reference the bulk query must equal)."""
    found = set()
    with practice.sessions() as session:
        children = [(c.id, c.exit_date) for c in session.query(Child)]
    for child_id, exit_date in children:
        if exit_date is not None and exit_date <= today:
            continue
        for line in child_forfaits(practice.sessions, child_id, today):
            if line.status.state == "expired":
                continue
            found |= {(line.prescription.data.id or 0, w.code, w.on, w.count) for w in line.status.warnings
                      if w.code != "no_tariff"}
    return found


def _bulk(practice: Practice, today: date) -> set[tuple[int, str, date | None, int | None]]:
    with practice.sessions() as session:
        return {(a.prescription_id, a.warning.code, a.warning.on, a.warning.count)
                for a in forfait_alerts(session, today, load_tariffs(practice.sessions))}


def _boundaries(practice: Practice, every: int = 8) -> list[date]:
    """Days on which a rule's comparison flips for a prescription: its end minus 30 and 31 days (ends within 30
    days), its start and the day before; the day the child reaches 24 months and the day before. For the newest
    two prescriptions and every `every`-th other one (each date costs a per-child pass over the whole practice)."""
    days: set[date] = set()
    with practice.sessions() as session:
        rows = session.query(Prescription, Child.birth_date).join(Child, Child.id == Prescription.child_id).order_by(
            Prescription.id.desc()).all()
    for p, birth in rows[:2] + rows[2::every]:
        days |= {p.valid_until - timedelta(days=31), p.valid_until - timedelta(days=30),
                 p.valid_from - timedelta(days=1), p.valid_from}
        for months in (24, 60):  # the end of the 0–24 months band; of the 2–5 years band and of RPM's pathway
            days |= {date_at_age(birth, months) - timedelta(days=1), date_at_age(birth, months)}
    return sorted(days)


@pytest.mark.slow
def test_bulk_forfait_warnings_equal_the_per_child_ones(tmp_path: Path,
                                                        fixed: tuple[Practice, dict[str, int]]) -> None:
    """On the demo practice (plus a child with exactly 2 séances left whose forfait ends the day she leaves the age
    band, and one whose forfait ends the day he reaches the pathway's limit) at dates where a rule flips, and on
    the fixed practice (1 séance left, used up)."""
    start = date(2026, 11, 28)
    codes: set[str] = set()
    demo = create_demo(tmp_path / "demo", start)
    try:
        child = children.create_child(demo.sessions, ChildData(
            last_name="Bord", first_name="Lina", birth_date=date(2025, 4, 2), sex="F", gestational_weeks=30,
            inclusion_number="RPM-2025-9999", network="RPM"), start)
        prescriptions.save_prescription(demo.sessions, PrescriptionData(
            child_id=child, discipline="psychomotricite", forfait_kind="precoce_0_24", sessions_authorised=4,
            bilan_included=False, valid_from=date(2026, 11, 1), valid_until=date(2027, 4, 2),
            prescribed_on=date(2026, 10, 20)), start)
        for day in (date(2026, 11, 3), date(2026, 11, 10)):
            seances.record_seance(demo.sessions, SeanceData(child, day, time(17, 0)))
        older = children.create_child(demo.sessions, ChildData(  # 5 years, RPM's limit, on 15/09/2027
            last_name="Bord", first_name="Noé", birth_date=date(2022, 9, 15), sex="M", gestational_weeks=32,
            inclusion_number="RPM-2022-9998", network="RPM"), start)
        prescriptions.save_prescription(demo.sessions, PrescriptionData(
            child_id=older, discipline="psychomotricite", forfait_kind="soins_2_5", sessions_authorised=20,
            bilan_included=False, valid_from=date(2027, 3, 1), valid_until=date(2027, 9, 15),
            prescribed_on=date(2026, 11, 20)), start)
        dates = [start, *_boundaries(demo)]
        assert len(dates) > 25
        for today in dates:
            bulk = _bulk(demo, today)
            assert bulk == _per_child(demo, today), today
            codes |= {code for _, code, _, _ in bulk}
    finally:
        demo.close()
    for today in (date(2026, 12, 1), TODAY, date(2027, 2, 5)):
        bulk = _bulk(fixed[0], today)
        assert bulk == _per_child(fixed[0], today), today
        codes |= {code for _, code, _, _ in bulk}
    # the comparison went through every kind of warning the dashboard shows
    assert codes >= {"few_sessions_left", "exhausted", "ends_soon", "leaves_age_band", "left_age_band",
                     "leaves_pathway", "left_pathway"}
