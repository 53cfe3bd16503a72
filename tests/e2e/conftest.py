"""End-to-end fixtures: the demo practice is made by `cocon demo` once per test process, and copied for each user."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.test_cli import cocon


@pytest.fixture(scope="session")
def demo_made_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`cocon demo` on the suite's fixed day, once per test process (~3.5 s). Never used in place: a test or a
    module takes its own copy (copy_demo), so that none sees what another changed."""
    folder = tmp_path_factory.mktemp("demo-made-once") / "cabinet"
    result = cocon("--data-dir", folder, "demo")
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout
    return folder


def copy_demo(demo: Path, folder: Path) -> Path:
    """A copy of the demo practice at `folder` (which must not exist), with its modes: 0600 files, 0700 folder."""
    shutil.copytree(demo, folder)
    return folder


@pytest.fixture
def demo_dir(demo_made_once: Path, tmp_path: Path) -> Path:
    """This test's own copy of the demo practice (tests change its passphrase, delete its database…)."""
    return copy_demo(demo_made_once, tmp_path / "demo")
