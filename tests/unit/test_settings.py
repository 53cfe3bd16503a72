"""Declared settings: a stored value always comes back in its type and range."""

from __future__ import annotations

from typing import Any

import pytest

from cocon_desktop import settings
from cocon_desktop.settings import LOCK_IDLE_MINUTES, SettingVar


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, 10), ("15", 15), (0, 1), (-5, 1), (1000, 240), ("abc", 10), (None, 10), ([], 10), (30.9, 30)],
)
def test_int_setting_is_clamped_or_defaults(value: Any, expected: int) -> None:
    assert LOCK_IDLE_MINUTES.coerce(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("oui", True), ("true", True), ("1", True), ("non", False), (0, False)],
)
def test_bool_setting(value: Any, expected: bool) -> None:
    var = SettingVar("show_tips", bool, False, "Afficher les conseils")
    assert var.coerce(value) is expected


def test_every_setting_is_declared_once_with_a_french_label() -> None:
    for key, var in settings.ALL.items():
        assert key == var.key
        assert var.label and var.label[0].isupper()
        assert var.coerce(var.default) == var.default
