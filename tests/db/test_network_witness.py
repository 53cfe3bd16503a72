"""The networks' highest numbers as a witness of the numbering (issue 19, #1, network half): stored per network in
the settings, the max over networks, compared with the database's own highest."""

from __future__ import annotations

from cocon_desktop.services import network_witness
from cocon_desktop.services.practice_handle import Practice


def test_highest_is_the_max_over_networks_and_never_goes_down(practice: Practice) -> None:
    sessions = practice.sessions
    assert network_witness.network_highest(sessions) == {}
    practice.write(network_witness.record_network_highest, "RPM", {"FAC-2026": 23, "AV-2026": 2})
    practice.write(network_witness.record_network_highest, "RPM", {"FAC-2026": 21})
    practice.write(network_witness.record_network_highest, "rpm", {"FAC-2025": 7})
    assert network_witness.network_highest_by_network(sessions) == {
        "RPM": {"FAC-2026": 23, "AV-2026": 2, "FAC-2025": 7}}


def test_malformed_numbers_are_not_witnesses(practice: Practice) -> None:
    practice.write(network_witness.record_network_highest, "RPM",
                   {"FAC-2026": True, "AV-2026": -1, "FAC-26": 3, "X" * 500: 9, "FAC-2027": 10**12,
                    "AV-2025": "4", "FAC-2024": 4.0, "FAC-2023": 5})
    practice.write(network_witness.record_network_highest, "NOPE", {"FAC-2026": 5})
    assert network_witness.network_highest(practice.sessions) == {"FAC-2023": 5}


def test_a_database_behind_its_networks_is_named(practice: Practice) -> None:
    assert network_witness.ahead_of_database(practice.sessions) == []
    practice.write(network_witness.record_network_highest, "RPM", {"FAC-2026": 23})
    assert network_witness.ahead_of_database(practice.sessions) == [network_witness.Behind("FAC-2026", 23, 0)]
    assert network_witness.behind({"FAC-2026": 23, "AV-2026": 1}, {"FAC-2026": 23, "AV-2026": 2}) == []
