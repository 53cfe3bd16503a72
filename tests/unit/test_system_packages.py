"""`make test` and pytest stop with one line naming the missing Debian packages."""

from __future__ import annotations

import pytest

from tests import system_packages


def test_nothing_is_missing_here() -> None:
    assert system_packages.missing() == []  # pytest_configure would have stopped the run otherwise


def test_a_missing_tool_is_named_by_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    absent = system_packages.missing()
    assert "poppler-utils" in absent and "softhsm2" in absent
    line = system_packages.message(absent)
    assert "\n" not in line and "apt-get install poppler-utils softhsm2" in line
