"""UI fixtures: a practice created with the light KDF, a synchronous task runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services.practice_handle import Practice, create_practice
from cocon_desktop.ui.tasks import SyncRunner
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE


@pytest.fixture
def runner() -> SyncRunner:
    return SyncRunner()


@pytest.fixture
def recovery() -> RecoveryKey:
    return RecoveryKey.generate()


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    opened = create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, recovery, params=FAST_KDF)
    yield opened
    opened.close()
