"""A child of the RPM beside a PCO (issue 22): the set-up the relay and PCO invoice tests share — a COCON
prescription from 1 September 2026, the practice working with PCO-TND — and a séance recorded for it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, time
from pathlib import Path

from cocon_desktop import settings
from cocon_desktop.domain.child import ChildData
from cocon_desktop.domain.payers import PayerData
from cocon_desktop.domain.prescription import PrescriptionData
from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import children, payers, practice_handle, prescriptions, seances, settings_store
from cocon_desktop.services.practice_handle import Practice
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.dates import TODAY

INCLUSION = "RPM-2025-0007"


GIRONDE = PayerData(name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux")


@contextmanager
def psychomotricienne(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    """A psychomotricienne of the RPM (PCO-TND pays psychomotricity, not speech therapy); closed afterwards."""
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    practice = practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, profile, recovery, params=FAST_KDF)
    try:
        yield practice
    finally:
        practice.close()


@contextmanager
def practice_beside_a_pco(data_dir: Path, recovery: RecoveryKey, pco: PayerData = GIRONDE) -> Iterator[Practice]:
    """The psychomotricienne working with PCO-TND too, `pco` her plateforme PCO1; closed afterwards."""
    with psychomotricienne(data_dir, recovery) as practice:
        works_with_pco_tnd(practice)
        payers.add_payer(practice.sessions, "pco-tnd", pco)
        yield practice


def works_with_pco_tnd(practice: Practice) -> None:
    settings_store.put(practice.sessions, settings.PATHWAYS, "cocon,pco-tnd")


def rpm_child(practice: Practice, today: date = TODAY) -> int:
    """Nino Roux, born 1 June 2025, included in the RPM on 1 July 2025, a psychomotricity prescription from
    1 September 2026 to 28 February 2027 (30 séances): the child's id."""
    child_id = children.create_child(practice.sessions, ChildData(
        last_name="Roux", first_name="Nino", birth_date=date(2025, 6, 1), sex="M", gestational_weeks=30,
        inclusion_number=INCLUSION, inclusion_date=date(2025, 7, 1), network="RPM"), today)
    prescriptions.save_prescription(practice.sessions, PrescriptionData(
        child_id=child_id, discipline="psychomotricite", forfait_kind="precoce_0_24", sessions_authorised=30,
        valid_from=date(2026, 9, 1), valid_until=date(2027, 2, 28), prescribed_on=date(2026, 8, 25)), today)
    return child_id


def record(practice: Practice, child_id: int, day: date, kind: str = "seance") -> int:
    return seances.record_seance(practice.sessions, SeanceData(child_id, day, time(10, 0), kind=kind))
