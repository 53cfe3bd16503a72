"""The demo's PCO-TND part (opt-in: `cocon demo --pathways cocon,pco-tnd`): the practice works with both pathways,
the fictitious « PCO-TND des Bouches-du-Rhône » is its plateforme PCO1, and one child of the RPM followed in
psychomotricity is relayed to it nine weeks ago — the COCON séances before stay the network's, a bilan opens the
PCO forfait, then two interventions a week besides the weekly séance. The invoice run (demo_invoices.py) then bills
the PCO's milestones of the past months beside the networks' séances: the bilan, and the « 2ᵉ versement » once 18
interventions are done. The default demo stays COCON-only (issue 22, S6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

from cocon_desktop import settings
from cocon_desktop.domain.ages import months_between
from cocon_desktop.domain.payers import PayerData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.services import payers, settings_store
from cocon_desktop.services.children import ChildQuery, list_children
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.prescriptions import list_prescriptions
from cocon_desktop.services.relays import RelayRequest, relay
from cocon_desktop.services.seances import OutOfForfait, record_seance

PATHWAYS = "cocon,pco-tnd"
DEMO_PCO = PayerData(name="PCO-TND des Bouches-du-Rhône (démonstration)", street="4 rue fictive de la Démonstration",
                     postcode="13008", city="Marseille", siret="35600000000048", reference="CONV-DEMO-2026")
DOSSIER = "PCO13-DEMO-0001"
RELAYED_WEEKS_AGO = 9
EXTRA_DAYS = (1, 3)  # Tuesday and Thursday, early morning: the PCO's interventions besides the weekly séance
EXTRA_SLOT = time(8, 15)
BILAN_SLOT = time(8, 0)


def _relay_day(today: date) -> date:
    """The Monday nine weeks before today: the PCO's first day."""
    day = today - timedelta(weeks=RELAYED_WEEKS_AGO)
    return day - timedelta(days=day.weekday())


def _candidate(practice: Practice, start: date) -> int | None:
    """An RPM child under 6 on `start` with a psychomotricity prescription of COCON running from before it to
    after it (its séances go on across the relay), the first in the list's order."""
    for child in list_children(practice.sessions, ChildQuery(active_only=True), start):
        if child.network != "RPM" or months_between(child.birth_date, start) >= 72:
            continue
        if any(p.data.discipline == "psychomotricite" and p.data.valid_from < start <= p.data.valid_until
               for p in list_prescriptions(practice.sessions, child.id)):
            return child.id
    return None


def add_demo_pco(practice: Practice, today: date) -> int | None:
    """Enable PCO-TND, add the demo's plateforme, relay a child and record its PCO séances (after the demo's
    séances, before its invoices); the relayed child's id, None when no child fits (nothing relayed then)."""
    settings_store.put(practice.sessions, settings.PATHWAYS, PATHWAYS)
    payer = payers.add_payer(practice.sessions, "pco-tnd", DEMO_PCO)
    start = _relay_day(today)
    child_id = _candidate(practice, start)
    if child_id is None:
        return None
    practice.write(relay, RelayRequest(child_id, payer.code, start, reference=DOSSIER))
    _record(practice, SeanceData(child_id, start, BILAN_SLOT, kind="bilan_initial", duration_min=60))
    day = start + timedelta(days=1)
    while day < today:
        if day.weekday() in EXTRA_DAYS:
            _record(practice, SeanceData(child_id, day, EXTRA_SLOT, kind="seance", duration_min=45))
        day += timedelta(days=1)
    return child_id


def _record(practice: Practice, data: SeanceData) -> None:
    try:
        record_seance(practice.sessions, data)
    except OutOfForfait:
        record_seance(practice.sessions, replace(data, out_of_forfait=True))
