"""Fictitious children, guardians, prescribers and prescriptions for the demo practice.

Deterministic (a fixed seed) and relative to today, so that the demo always looks current."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop.domain.ages import date_at_age, months_between
from cocon_desktop.domain.child import ChildData, GuardianData
from cocon_desktop.domain.prescription import PrescriberData, PrescriptionData
from cocon_desktop.domain.tariffs import NetworkTariff
from cocon_desktop.services import children, prescribers, prescriptions
from cocon_desktop.services.tariff_store import load_tariffs

FIRST_NAMES = ["Léa", "Noah", "Inès", "Gabriel", "Jade", "Louis", "Maël", "Ambre", "Aylan", "Rose", "Timéo",
               "Nour", "Lina", "Sacha", "Chloé", "Adam", "Mila", "Éden", "Romy", "Yanis", "Alba", "Nino", "Zoé",
               "Ilyès", "Margaux", "Kaïs"]
LAST_NAMES = ["Bernard", "Moreau", "Girard", "Lambert", "Bonnet", "Fontaine", "Rousseau", "Vincent", "Muller",
              "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier",
              "Benali", "Nguyen", "Da Silva", "Roux", "Colin", "Perrin", "Barbier", "Arnaud"]
PARENT_NAMES = ["Sarah", "Julie", "Karima", "Émilie", "Thomas", "Mehdi", "Aurélie", "Nicolas", "Sophie", "Kevin"]
CITIES = {"RPM": [("13005", "Marseille"), ("13100", "Aix-en-Provence"), ("83000", "Toulon"), ("84000", "Avignon")],
          "RPO": [("31000", "Toulouse"), ("34000", "Montpellier")],
          "RPNA": [("33000", "Bordeaux"), ("87000", "Limoges")]}
PRESCRIBERS = [
    PrescriberData(last_name="Achard", first_name="Hélène", rpps="10001234573", place="Service de néonatologie",
                   city="Marseille", phone="04 91 00 00 01"),
    PrescriberData(last_name="Benhamou", first_name="David", rpps="10001234581", place="CAMSP Nord",
                   city="Marseille", phone="04 91 00 00 02"),
    PrescriberData(last_name="Castel", first_name="Marie", rpps="10001234599", place="PMI Centre",
                   city="Toulouse", phone="05 61 00 00 03"),
    PrescriberData(last_name="Delmas", first_name="Paul", rpps="10001234607", place="Pédiatre libéral",
                   city="Bordeaux", phone="05 56 00 00 04"),
]
CHILDREN = 26


def add_demo_children(sessions: sessionmaker[Session], today: date, discipline: str = "psychomotricite") -> int:
    """Add the demo's children; returns how many."""
    rng = random.Random(20220901)
    prescriber_ids = [prescribers.save_prescriber(sessions, p) for p in PRESCRIBERS]
    tariffs = load_tariffs(sessions)
    count = 0
    for index in range(CHILDREN):
        network = "RPM" if index % 5 not in (3, 4) else ("RPO" if index % 5 == 3 else "RPNA")
        birth = max(date(2022, 9, 2), today - timedelta(days=rng.randint(40, 4 * 365)))
        weeks = rng.choice([24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 36, 38, 39])
        criteria = ["ag_lt_33"] if weeks < 33 else rng.choice([["rciu"], ["toxiques"], ["cardiaque"],
                                                               ["ag_lt_35_psychosocial"], ["neurologique"]])
        postcode, city = rng.choice(CITIES[network])
        last = LAST_NAMES[index]
        inclusion = birth + timedelta(days=rng.randint(20, 60))
        exited = index in (7, 19)
        guardians = [GuardianData(last_name=last, first_name=rng.choice(PARENT_NAMES[:4]), relation="mere",
                                  phone=f"06 12 34 {index:02d} {rng.randint(10, 99)}",
                                  email=f"parent{index}@example.org", address=f"{rng.randint(1, 80)} avenue des Pins",
                                  postcode=postcode, city=city)]
        if index % 3 == 0:
            guardians.append(GuardianData(last_name=last, first_name=rng.choice(PARENT_NAMES[4:]), relation="pere",
                                          phone=f"07 98 76 {index:02d} {rng.randint(10, 99)}",
                                          receives_attestations=False))
        data = ChildData(
            last_name=last, first_name=FIRST_NAMES[index], birth_date=birth, sex="F" if index % 2 == 0 else "M",
            gestational_weeks=weeks, gestational_days=rng.randint(0, 6), birth_weight_g=rng.randint(650, 2900),
            inclusion_number=f"{network}-{inclusion.year}-{1000 + index * 37}", inclusion_date=min(inclusion, today),
            network=network, risk_group="haut" if weeks < 30 else "modere", inclusion_criteria=tuple(criteria),
            referent_id=prescriber_ids[0 if network == "RPM" and index % 2 else
                                       1 if network == "RPM" else 2 if network == "RPO" else 3],
            consent_date=min(inclusion, today),
            exit_date=today - timedelta(days=20) if exited else None,
            exit_reason="relais_camsp" if exited else "",
            guardians=tuple(guardians))
        child_id = children.create_child(sessions, data, today)
        count += 1
        _add_prescriptions(sessions, tariffs, child_id, data, today, discipline, prescriber_ids[0], rng)
    return count


def _add_prescriptions(sessions: sessionmaker[Session], tariffs: dict[str, NetworkTariff], child_id: int,
                       data: ChildData, today: date, discipline: str, prescriber_id: int, rng: random.Random) -> None:
    assert data.birth_date is not None
    tariff = tariffs[data.network]
    start = max(data.birth_date + timedelta(days=60), today - timedelta(days=rng.randint(30, 300)))
    if start >= today:
        return
    periods = [(start - timedelta(days=365), start - timedelta(days=1))] if rng.random() < 0.3 else []
    periods.append((start, start + timedelta(days=365 if rng.random() < 0.8 else rng.randint(300, 330))))
    for valid_from, valid_until in periods:
        if valid_from < data.birth_date:
            continue
        version = tariff.version_on(valid_from)
        if version is None:
            continue
        months = months_between(data.birth_date, valid_from)
        rule = next((r for r in version.forfaits if r.covers_age(months) and discipline in r.disciplines), None)
        if rule is None or date_at_age(data.birth_date, 0) > valid_from:
            continue
        prescriptions.save_prescription(sessions, PrescriptionData(
            child_id=child_id, discipline=discipline, forfait_kind=rule.kind,
            sessions_authorised=rng.choice([10, 15, 20, rule.seances]), valid_from=valid_from,
            valid_until=valid_until, prescribed_on=valid_from - timedelta(days=rng.randint(0, 10)),
            bilan_included=True, prescriber_id=prescriber_id), today)
