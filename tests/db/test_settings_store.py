"""Preferences stored in the encrypted database survive closing the practice."""

from __future__ import annotations

from pathlib import Path

from cocon_desktop.services import practice_handle, settings_store
from cocon_desktop.services.practice_handle import Practice
from cocon_desktop.settings import LOCK_IDLE_MINUTES
from tests.conftest import STRONG_PASSPHRASE


def test_default_when_absent(practice: Practice) -> None:
    assert settings_store.get(practice.sessions, LOCK_IDLE_MINUTES) == LOCK_IDLE_MINUTES.default


def test_put_get_round_trip_across_reopening(practice: Practice, data_dir: Path) -> None:
    assert settings_store.put(practice.sessions, LOCK_IDLE_MINUTES, 25) == 25
    assert settings_store.put(practice.sessions, LOCK_IDLE_MINUTES, "30") == 30  # overwrite, coerced
    practice.close()
    reopened = practice_handle.open_with_passphrase(data_dir, STRONG_PASSPHRASE)
    try:
        assert settings_store.get(reopened.sessions, LOCK_IDLE_MINUTES) == 30
    finally:
        reopened.close()


def test_out_of_range_value_is_stored_clamped(practice: Practice) -> None:
    assert settings_store.put(practice.sessions, LOCK_IDLE_MINUTES, 10_000) == 240
    assert settings_store.get(practice.sessions, LOCK_IDLE_MINUTES) == 240
