"""Read and write the declared settings (settings.py) in the encrypted database."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cocon_desktop import settings
from cocon_desktop.models import Setting

VERSION_KEY = "_version"


def get(sessions: sessionmaker[Session], var: settings.SettingVar) -> Any:
    with sessions() as session:
        raw = session.scalar(select(Setting.value_json).where(Setting.key == var.key))
    return var.default if raw is None else var.coerce(json.loads(raw))


def put(sessions: sessionmaker[Session], var: settings.SettingVar, value: Any) -> Any:
    value = var.coerce(value)
    with sessions.begin() as session:
        session.merge(Setting(key=var.key, value_json=json.dumps(value)))
        session.merge(Setting(key=VERSION_KEY, value_json=json.dumps(settings.SETTINGS_VERSION)))
    return value
