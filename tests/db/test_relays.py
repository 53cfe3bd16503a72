"""« Relais vers une PCO » on a real encrypted practice (issue 22, S4): COCON ends the day before, the PCO forfait
opens, the séances of that day and after move to it, refusals write nothing, and cancel_relay puts it all back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from cocon_desktop import messages, settings
from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.payers import PayerData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.errors import CoconError, ValidationError
from cocon_desktop.models import Enrolment, Prescription, Seance
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import (
    audit,
    children,
    dashboard_actions,
    invoice_drafts,
    invoicing,
    payers,
    prescriptions,
    settings_store,
)
from cocon_desktop.services.changes import Changes
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, cancel_relay, relay
from cocon_desktop.services.tariff_store import load_tariffs
from tests.db.invoice_helpers import plain_render
from tests.pco_samples import psychomotricienne, record, rpm_child, works_with_pco_tnd

TODAY = date(2026, 11, 23)
D = date(2026, 10, 20)  # the PCO's first day
PCO = PayerData(name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux",
                siret="35600000000048", reference="CONV-2026-17")


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    """A psychomotricienne of the RPM (PCO-TND pays psychomotricity, not speech therapy)."""
    with psychomotricienne(data_dir, recovery) as opened:
        yield opened


def _pco(practice: Practice, enabled: bool = True) -> str:
    if enabled:
        works_with_pco_tnd(practice)
    return payers.add_payer(practice.sessions, "pco-tnd", PCO).code


def _child(practice: Practice, later: bool = False) -> int:
    child_id = rpm_child(practice, TODAY)
    if later:  # a renewal already entered, starting after the relay's day
        prescriptions.save_prescription(practice.sessions, PrescriptionData(
            child_id=child_id, discipline="psychomotricite", forfait_kind="precoce_0_24", sessions_authorised=10,
            valid_from=date(2026, 11, 2), valid_until=date(2027, 4, 30), prescribed_on=date(2026, 10, 1)), TODAY)
    return child_id


_seance = record


def _placed(practice: Practice, seance_id: int) -> tuple[str | None, int | None]:
    """(pathway of the séance's prescription, its id)."""
    with practice.sessions() as session:
        row = session.get(Seance, seance_id)
        assert row is not None
        prescription = session.get(Prescription, row.prescription_id) if row.prescription_id else None
        return (prescription.pathway if prescription else None), row.prescription_id


def _state(practice: Practice, child_id: int) -> tuple[object, ...]:
    """Everything a refused relay must leave as it was."""
    with practice.sessions() as session:
        rows = session.scalars(select(Prescription).where(Prescription.child_id == child_id)
                               .order_by(Prescription.id)).all()
        presc = tuple((p.id, p.pathway, p.valid_from, p.valid_until) for p in rows)
        placed = tuple(session.execute(select(Seance.id, Seance.prescription_id, Seance.out_of_forfait)
                                       .where(Seance.child_id == child_id).order_by(Seance.id)).all())
        enrolments = session.scalars(select(Enrolment.id).where(Enrolment.child_id == child_id)).all()
    child = children.get_child(practice.sessions, child_id).data
    return presc, placed, tuple(enrolments), child.exit_date, child.exit_reason


def _billable_rpm(practice: Practice) -> set[int]:
    tariffs = load_tariffs(practice.sessions)
    with practice.sessions() as session:
        lines = invoice_drafts.billable_lines(session, "RPM", date(2026, 9, 1), date(2026, 12, 31), tariffs)
        return {line.seance_id for line in lines}


def test_relay_closes_cocon_opens_the_pco_and_moves_the_later_seances(practice: Practice) -> None:
    code = _pco(practice)
    child_id = _child(practice)
    bilan = _seance(practice, child_id, date(2026, 10, 1), "bilan_initial")
    before = _seance(practice, child_id, D - timedelta(days=2))
    after = _seance(practice, child_id, D + timedelta(days=3))
    assert _placed(practice, after)[0] == "cocon" and _billable_rpm(practice) == {bilan, before, after}

    result = practice.write(relay, RelayRequest(child_id, code, D, reference="PCO33-2026-0042"))
    wanted = Changes.CHILDREN | Changes.PRESCRIPTIONS | Changes.SEANCES
    assert result.changes & wanted == wanted

    [cocon] = [r.data for r in prescriptions.list_prescriptions(practice.sessions, child_id)
               if r.data.forfait_kind == "precoce_0_24"]
    assert cocon.valid_until == D - timedelta(days=1)
    child = children.get_child(practice.sessions, child_id).data
    assert (child.exit_date, child.exit_reason) == (D - timedelta(days=1), "relais_pco")
    with practice.sessions() as session:
        [enrolment] = session.scalars(select(Enrolment).where(Enrolment.child_id == child_id)).all()
        assert (enrolment.pathway, enrolment.payer, enrolment.reference, enrolment.started_on, enrolment.ended_on) \
            == ("pco-tnd", code, "PCO33-2026-0042", D, None)
        [pco] = session.scalars(select(Prescription).where(Prescription.child_id == child_id,
                                                           Prescription.pathway == "pco-tnd")).all()
        # 16 months old on D: the 0–6 forfait « bilan et interventions », 12 months from D (PCO-TND.toml)
        assert (pco.payer, pco.forfait_kind, pco.discipline, pco.valid_from, pco.valid_until,
                pco.sessions_authorised) == (code, "pco_interv_0_6", "psychomotricite", D, date(2027, 10, 19), 35)
    assert _placed(practice, after) == ("pco-tnd", pco.id)
    assert _placed(practice, before)[0] == "cocon" and _placed(practice, bilan)[0] == "cocon"
    assert _billable_rpm(practice) == {bilan, before}  # the network is billed up to D−1 only
    # a séance recorded after the relay, past COCON's exit, lands on the PCO forfait, never on COCON
    later = _seance(practice, child_id, D + timedelta(days=10))
    assert _placed(practice, later) == ("pco-tnd", pco.id)
    assert _placed(practice, _seance(practice, child_id, D - timedelta(days=5)))[0] == "cocon"
    # the dashboard's « à facturer » counts the network's séances only (bilan, D−5, D−2), not the PCO's two
    to_invoice = [(i.network, i.count) for i in dashboard_actions.action_items(practice.sessions, TODAY)
                  if i.kind == "seances_to_invoice"]
    assert to_invoice == [("RPM", 3)]
    actions = {(e.entity, e.action) for e in audit.child_history(practice.sessions, child_id)}
    assert {("child", "relay"), ("prescription", "relay"), ("enrolment", "relay"), ("seance", "relay")} <= actions


def test_refused_when_a_seance_from_the_day_on_is_invoiced(practice: Practice) -> None:
    code = _pco(practice)
    child_id = _child(practice)
    _seance(practice, child_id, date(2026, 10, 1), "bilan_initial")
    _seance(practice, child_id, D + timedelta(days=1))
    [issued] = invoicing.issue_run(practice.sessions, "RPM", date(2026, 10, 1), date(2026, 10, 31), TODAY,
                                   plain_render)
    kept = _state(practice, child_id)
    with pytest.raises(ValidationError) as refused:
        relay(practice.sessions, RelayRequest(child_id, code, D))
    [error] = refused.value.errors
    assert (error.field, error.code) == ("day", "relay_invoiced_after")
    sentence = messages.describe(refused.value)
    assert issued.number in sentence and "avoir" in sentence, sentence
    assert _state(practice, child_id) == kept
    # a relay from the day after the invoiced séance is allowed
    relay(practice.sessions, RelayRequest(child_id, code, D + timedelta(days=2)))


def test_refused_when_the_pathway_is_not_enabled_or_the_payer_not_a_pco(practice: Practice) -> None:
    code = _pco(practice, enabled=False)
    child_id = _child(practice)
    _seance(practice, child_id, D + timedelta(days=1))
    kept = _state(practice, child_id)
    with pytest.raises(ValidationError) as disabled:
        relay(practice.sessions, RelayRequest(child_id, code, D))
    assert [(e.field, e.code) for e in disabled.value.errors] == [("pathway", "relay_pathway_disabled")]
    assert "Paramètres" in messages.describe(disabled.value)
    settings_store.put(practice.sessions, settings.PATHWAYS, "cocon,pco-tnd")
    for payer in ("RPM", "PCO9", ""):
        with pytest.raises(ValidationError) as wrong:
            relay(practice.sessions, RelayRequest(child_id, payer, D))
        assert [(e.field, e.code) for e in wrong.value.errors] == [("payer", "relay_payer_not_in_pathway")]
    payers.disable_payer(practice.sessions, code)
    with pytest.raises(ValidationError) as off:
        relay(practice.sessions, RelayRequest(child_id, code, D))
    assert [(e.field, e.code) for e in off.value.errors] == [("payer", "relay_payer_disabled")]
    assert _state(practice, child_id) == kept


def test_refused_after_another_exit_or_before_inclusion_and_twice(practice: Practice) -> None:
    code = _pco(practice)
    child_id = _child(practice)
    with pytest.raises(ValidationError) as early:
        relay(practice.sessions, RelayRequest(child_id, code, date(2025, 7, 1)))
    assert [(e.field, e.code) for e in early.value.errors] == [("day", "relay_before_inclusion")]
    data = children.get_child(practice.sessions, child_id).data
    children.update_child(practice.sessions, child_id, replace(data, exit_date=date(2026, 10, 1),
                                                               exit_reason="demenagement"), TODAY)
    with pytest.raises(ValidationError) as gone:
        relay(practice.sessions, RelayRequest(child_id, code, D))
    assert [(e.field, e.code) for e in gone.value.errors] == [("day", "relay_exit_before")]
    assert "Déménagement" in messages.describe(gone.value)
    children.update_child(practice.sessions, child_id, data, TODAY)
    relay(practice.sessions, RelayRequest(child_id, code, D))
    with pytest.raises(CoconError) as twice:
        relay(practice.sessions, RelayRequest(child_id, code, D + timedelta(days=30)))
    assert twice.value.code == "relay_already"


def test_cancel_relay_restores_cocon(practice: Practice) -> None:
    code = _pco(practice)
    child_id = _child(practice, later=True)
    _seance(practice, child_id, date(2026, 10, 1), "bilan_initial")
    before = _seance(practice, child_id, D - timedelta(days=2))
    after = _seance(practice, child_id, D + timedelta(days=3))
    renewal_seance = _seance(practice, child_id, date(2026, 11, 5))
    kept = _state(practice, child_id)
    result = relay(practice.sessions, RelayRequest(child_id, code, D, reference="X-1"))
    assert len(result.closed) == 1 and len(result.removed) == 1 and result.moved == 2
    assert _placed(practice, renewal_seance)[0] == "pco-tnd"
    moved = practice.write(cancel_relay, child_id).value
    assert moved == 2
    presc, placed, enrolments, exit_date, exit_reason = _state(practice, child_id)
    assert (enrolments, exit_date, exit_reason) == ((), None, "")
    assert presc == kept[0]  # the same ids, pathways and dates: the removed renewal is back under its id
    assert placed == kept[1]  # every séance on the COCON prescription it was on
    assert _placed(practice, after)[0] == "cocon" and _placed(practice, before)[0] == "cocon"
    with pytest.raises(CoconError) as nothing:
        cancel_relay(practice.sessions, child_id)
    assert nothing.value.code == "relay_missing"
    # and the child can be relayed again
    relay(practice.sessions, RelayRequest(child_id, code, D))


def _transitions(practice: Practice, today: date) -> list[tuple[str, int | None, str]]:
    return [(item.severity, item.child_id, item.text) for item in dashboard_actions.action_items(
        practice.sessions, today) if item.kind == "relay_transition"]


def test_dashboard_shows_the_children_in_transition(practice: Practice) -> None:
    code = _pco(practice)
    coming = _child(practice)
    assert _transitions(practice, TODAY) == []
    relay(practice.sessions, RelayRequest(coming, code, TODAY + timedelta(days=10)))
    [(severity, child_id, text)] = _transitions(practice, TODAY)
    assert (severity, child_id) == ("info", coming)
    assert text == "Nino ROUX (RPM-2025-0007) : COCON jusqu'au 02/12/2026, prise en charge par la PCO à partir du " \
                   "03/12/2026.", text
    assert _transitions(practice, TODAY + timedelta(days=10)) == []  # the PCO's forfait has started
    # an exit « Relais PCO » typed in the child's file, with no PCO forfait yet: nobody pays the care
    other = children.create_child(practice.sessions, ChildData(
        last_name="Abadie", first_name="Lou", birth_date=date(2025, 3, 1), sex="F", gestational_weeks=31,
        inclusion_number="RPM-2025-0011", network="RPM", exit_date=TODAY - timedelta(days=5),
        exit_reason="relais_pco"), TODAY)
    assert [line[:2] for line in _transitions(practice, TODAY - timedelta(days=5))] == [("info", coming)]
    lines = _transitions(practice, TODAY)
    assert lines[0] == ("warning", other, "Lou ABADIE (RPM-2025-0011) : COCON terminé le 18/11/2026, PCO pas encore "
                                          "commencée."), lines
    relay(practice.sessions, RelayRequest(other, code, TODAY - timedelta(days=4)))  # the relay from the day after
    assert [child_id for _, child_id, _ in _transitions(practice, TODAY)] == [coming]


def test_the_pco_forfait_follows_the_pco_tariff_on_the_dashboard(practice: Practice) -> None:
    """A child of nearly 5 relayed on 03/12/2026: the RPM's age limit (5 years, 10/12/2026) is no longer its own,
    the PCO-TND forfait runs to its end without a « limite d'âge du parcours » line."""
    code = _pco(practice)
    child_id = children.create_child(practice.sessions, ChildData(
        last_name="Bonnet", first_name="Léo", birth_date=date(2021, 12, 10), sex="M", gestational_weeks=31,
        inclusion_number="RPM-2022-0101", network="RPM"), TODAY)
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=child_id, discipline="psychomotricite", forfait_kind="soins_2_5", sessions_authorised=20,
        valid_from=date(2026, 9, 1), valid_until=date(2027, 2, 28), prescribed_on=date(2026, 8, 25)), TODAY)

    def exits() -> list[tuple[object, object]]:
        return [(dict(i.data)["discipline"], dict(i.data)["on"]) for i in
                dashboard_actions.action_items(practice.sessions, TODAY)
                if i.kind == "pathway_exit" and i.child_id == child_id]

    assert exits() == [("psychomotricite", date(2026, 12, 10))]  # COCON's limit, before the relay
    relay(practice.sessions, RelayRequest(child_id, code, TODAY + timedelta(days=10)))
    assert exits() == []


def test_the_bilan_alone_takes_one_seance_the_next_goes_out_of_forfait_and_comes_back(practice: Practice) -> None:
    code = _pco(practice)
    child_id = _child(practice)
    first = _seance(practice, child_id, D + timedelta(days=1))
    second = _seance(practice, child_id, D + timedelta(days=8))
    kept = _state(practice, child_id)
    result = relay(practice.sessions, RelayRequest(child_id, code, D, interventions=False))
    with practice.sessions() as session:
        [pco] = session.scalars(select(Prescription).where(Prescription.pathway == "pco-tnd")).all()
        assert (pco.forfait_kind, pco.sessions_authorised) == ("pco_bilan_0_6", 1)
        hors = session.get(Seance, second)
        assert hors is not None and (hors.prescription_id, hors.out_of_forfait) == (None, True)
    assert (result.moved, result.out_of_forfait) == (1, 1)
    assert _placed(practice, first) == ("pco-tnd", pco.id)
    assert cancel_relay(practice.sessions, child_id) == 2
    assert _state(practice, child_id) == kept  # both back on COCON, neither hors forfait


def test_prescriptions_after_the_relay_belong_to_the_pco(practice: Practice) -> None:
    code = _pco(practice)
    child_id = _child(practice)
    relay(practice.sessions, RelayRequest(child_id, code, D))
    [pco] = [r.data for r in prescriptions.list_prescriptions(practice.sessions, child_id)
             if r.data.forfait_kind == "pco_interv_0_6"]
    # its note edited: judged by the PCO-TND tariff, not refused as a forfait the network does not know
    prescriptions.save_prescription(practice.sessions, replace(pco, note="relais Gironde"), TODAY)
    # a new forfait from D on is the PCO's; the network's forfait is not one of the PCO's
    renewal = replace(pco, id=None, valid_from=date(2027, 10, 20), valid_until=date(2028, 10, 19),
                      prescribed_on=TODAY, note="")
    new_id = prescriptions.save_prescription(practice.sessions, renewal, TODAY)
    with practice.sessions() as session:
        row = session.get(Prescription, new_id)
        assert row is not None and (row.pathway, row.payer) == ("pco-tnd", code)
    with pytest.raises(ValidationError) as cocon_kind:
        prescriptions.save_prescription(practice.sessions, replace(renewal, forfait_kind="precoce_0_24"), TODAY)
    assert ("forfait_kind", "forfait_unknown") in [(e.field, e.code) for e in cocon_kind.value.errors]
    # before D, a prescription is COCON's as always
    earlier = prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=child_id, discipline="psychomotricite", forfait_kind="precoce_0_24", sessions_authorised=5,
        valid_from=date(2026, 8, 1), valid_until=date(2026, 8, 31), prescribed_on=date(2026, 7, 25)), TODAY)
    with practice.sessions() as session:
        row = session.get(Prescription, earlier)
        assert row is not None and (row.pathway, row.payer) == ("cocon", "")
