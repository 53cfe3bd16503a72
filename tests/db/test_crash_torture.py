"""The crash torture in a reduced form (8 SIGKILLs at random moments); the full one: `make torture`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.torture.driver import run


@pytest.mark.slow
def test_eight_kills_lose_nothing_that_was_committed(tmp_path: Path) -> None:
    report = run(tmp_path / "cabinet", 8, seed=20261128, max_delay=1.5)
    assert report.runs == 8
    assert report.seances, "the worker never got to record a séance: the kills came too early to test anything"
    assert report.final_seances >= len(report.seances)
    assert report.final_documents >= len(report.documents)
