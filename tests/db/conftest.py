"""A practice created in tmp_path with a light but real Argon2id; closed after the test."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from cocon_desktop.security.recovery import RecoveryKey
from cocon_desktop.services import practice_handle
from cocon_desktop.services.practice_handle import Practice
from tests.conftest import FAST_KDF, PROFILE, STRONG_PASSPHRASE


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def recovery() -> RecoveryKey:
    return RecoveryKey.generate()


@pytest.fixture
def practice(data_dir: Path, recovery: RecoveryKey) -> Iterator[Practice]:
    opened = practice_handle.create_practice(data_dir, STRONG_PASSPHRASE, PROFILE, recovery, params=FAST_KDF)
    yield opened
    opened.close()
