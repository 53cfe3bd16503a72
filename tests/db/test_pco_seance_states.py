"""A séance on a PCO's package is « compris dans le forfait » (issue 22): never invoiced itself — its forfait's
milestones are —, so it is neither « à facturer » forever nor « non facturable »; COCON séances keep their states,
and a séance out of forfait stays « non facturable »."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path

import pytest

from cocon_desktop.domain.seance import SeanceData
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import seances
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.services.relays import RelayRequest, relay
from tests.pco_samples import practice_beside_a_pco, record, rpm_child


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    with practice_beside_a_pco(data_dir, recovery) as opened:
        yield opened


def test_a_pco_seance_is_included_in_its_forfait(practice: Practice) -> None:
    child_id = rpm_child(practice, date(2026, 11, 18))
    record(practice, child_id, date(2026, 10, 5))
    practice.write(relay, RelayRequest(child_id, "PCO1", date(2026, 10, 20)))
    record(practice, child_id, date(2026, 10, 21), "bilan_initial")
    record(practice, child_id, date(2026, 10, 22))
    seances.record_seance(practice.sessions, SeanceData(child_id, date(2026, 10, 23), time(10, 0),
                                                        kind="absence_non_excusee", out_of_forfait=True))
    states = {row.data.day.day: row.billing_state for row in seances.child_seances(practice.sessions, child_id)}
    assert states == {5: "a_facturer", 21: "au_forfait", 22: "au_forfait", 23: "non_facturable"}
    between = seances.seances_between(practice.sessions, date(2026, 10, 1), date(2026, 10, 31))
    assert [row.billing_state for row in between] == ["a_facturer", "au_forfait", "au_forfait", "non_facturable"]
