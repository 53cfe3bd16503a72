"""The dashboard's « Par réseau » chart beside a PCO (issue 22): a relayed child's séances count for the network
up to the relay and for the PCO (PCO1) from its first day; a practice without any PCO gets the same figures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cocon_desktop.domain.payers import PayerData
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import payers, practice_handle
from cocon_desktop.services.dashboard import NetworkTotal, network_totals
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE
from tests.pco_samples import record, rpm_child, works_with_pco_tnd

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
ZERO = Decimal("0.00")


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    profile = replace(PROFILE, profession="psychomotricien", network="RPM")
    opened = practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, profile, recovery, params=FAST_KDF)
    works_with_pco_tnd(opened)
    payers.add_payer(opened.sessions, "pco-tnd", PayerData(
        name="PCO-TND de la Gironde", street="10 rue des Platanes", postcode="33000", city="Bordeaux"))
    yield opened
    opened.close()


def test_a_relayed_childs_seances_count_for_the_network_then_for_the_pco(practice: Practice) -> None:
    child_id = rpm_child(practice, date(2026, 11, 18))
    for day in (date(2026, 9, 15), date(2026, 10, 5), date(2026, 10, 21), date(2026, 11, 4)):
        record(practice, child_id, day, "bilan_initial" if day == date(2026, 10, 21) else "seance")
    assert network_totals(practice.sessions, *YEAR) == [NetworkTotal("RPM", 4, ZERO, ZERO)]

    practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20)))
    assert network_totals(practice.sessions, *YEAR) == [NetworkTotal("RPM", 2, ZERO, ZERO),
                                                        NetworkTotal("PCO1", 2, ZERO, ZERO)]
    assert network_totals(practice.sessions, date(2026, 11, 1), date(2026, 11, 30)) == [
        NetworkTotal("PCO1", 1, ZERO, ZERO)]  # no RPM bar for a month its child spent at the PCO
