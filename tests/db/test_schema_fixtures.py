"""A real practice of every released schema is upgraded to the current one, keeping every row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cocon_desktop.db import migrate
from cocon_desktop.services import practice_profile
from cocon_desktop.services.demo import DEMO_PROFILE
from cocon_desktop.services.practice_file import open_with_passphrase

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures").glob("schema-*"))


def test_there_is_a_fixture_per_released_schema() -> None:
    assert [f.name for f in FIXTURES][:1] == ["schema-0001"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_old_practice_upgrades_with_a_backup(fixture: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / fixture.name
    shutil.copytree(fixture, data_dir)
    practice = open_with_passphrase(data_dir, "demo")
    try:
        assert migrate.current_revision(practice.engine) == migrate.head_revision()
        assert practice.upgrade_backup is not None and practice.upgrade_backup.exists()
        assert practice.upgrade_backup.stat().st_mode & 0o777 == 0o600
        assert practice_profile.load_profile(practice.sessions) == DEMO_PROFILE.normalized()
    finally:
        practice.close()
    again = open_with_passphrase(data_dir, "demo")  # a second opening has nothing to upgrade
    assert again.upgrade_backup is None
    again.close()
