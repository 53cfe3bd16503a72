"""Read and write the declared settings (settings.py) in the encrypted database, and upgrade them."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.models import Setting
from cocon_desktop.services.changes import Changes, writes

VERSION_KEY = "_version"


def get(sessions: sessionmaker[Session], var: settings.SettingVar) -> Any:
    with sessions() as session:
        raw = session.scalar(select(Setting.value_json).where(Setting.key == var.key))
    return var.default if raw is None else var.coerce(json.loads(raw))


@writes(Changes.SETTINGS)
def put(sessions: sessionmaker[Session], var: settings.SettingVar, value: Any) -> Any:
    value = var.coerce(value)
    with sessions.begin() as session:
        session.merge(Setting(key=var.key, value_json=json.dumps(value)))
        session.merge(Setting(key=VERSION_KEY, value_json=json.dumps(settings.SETTINGS_VERSION)))
    return value


def upgrade(sessions: sessionmaker[Session], steps: dict[int, Any] | None = None,
            target: int = settings.SETTINGS_VERSION) -> int:
    """Apply the upgrade steps from the stored version to `target` in one transaction; returns the old version.

    A step takes and returns the dict of stored values (key → decoded JSON)."""
    steps = settings.UPGRADES if steps is None else steps
    with sessions.begin() as session:
        rows = {row.key: row for row in session.scalars(select(Setting))}
        stored = json.loads(rows[VERSION_KEY].value_json) if VERSION_KEY in rows else 1
        if stored >= target:
            return int(stored)
        values = {key: json.loads(row.value_json) for key, row in rows.items() if key != VERSION_KEY}
        for version in range(stored + 1, target + 1):
            values = steps[version](values) if version in steps else values
        for key, row in rows.items():
            if key not in values and key != VERSION_KEY:
                session.delete(row)
        for key, value in values.items():
            session.merge(Setting(key=key, value_json=json.dumps(value)))
        session.merge(Setting(key=VERSION_KEY, value_json=json.dumps(target)))
    return int(stored)
