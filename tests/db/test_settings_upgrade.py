"""Settings carry a version; upgrade steps run once, in one transaction, on the encrypted database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cocon_desktop import settings
from cocon_desktop.models import Setting
from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import settings_store
from cocon_desktop.services.practice_handle import create_practice
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE


def test_upgrade_steps_rename_a_setting_once(data_dir: Path) -> None:
    practice = create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, RecoveryKey.generate(), params=FAST_KDF)
    with practice.sessions.begin() as session:  # a version-1 store with an old key name
        session.add(Setting(key="idle_lock", value_json=json.dumps(7)))

    def rename(values: dict[str, Any]) -> dict[str, Any]:
        values["lock_idle_minutes"] = values.pop("idle_lock")
        return values

    assert settings_store.upgrade(practice.sessions, {2: rename}, target=2) == 1
    assert settings_store.get(practice.sessions, settings.LOCK_IDLE_MINUTES) == 7
    assert settings_store.upgrade(practice.sessions, {2: rename}, target=2) == 2  # nothing to do any more
    with practice.sessions() as session:
        assert session.get(Setting, "idle_lock") is None
        assert json.loads(session.get(Setting, settings_store.VERSION_KEY).value_json) == 2  # type: ignore[union-attr]
    practice.close()
