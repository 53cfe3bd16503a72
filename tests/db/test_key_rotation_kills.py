"""Issue 19, #3: a passphrase change (a key rotation) SIGKILLed at random moments, in a real process, always leaves a
practice that opens — with the old passphrase or the new one — holding every row, and `verify` passes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cocon_desktop.errors import VaultError
from cocon_desktop.security import vault
from cocon_desktop.services import practice_handle
from cocon_desktop.services.practice_profile import load_profile
from tests.conftest import OTHER_PASSPHRASE, PROFILE, STRONG_PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
KILLS = 16
CHILD = """
import sys, time
from pathlib import Path
from cocon_desktop.services import key_rotation, practice_handle
practice = practice_handle.open_with_passphrase(Path(sys.argv[1]), sys.argv[2])
print("ready", flush=True)
practice.write(key_rotation.change_passphrase, sys.argv[2], sys.argv[3])
print("done", flush=True)
"""


def _open_either(data_dir: Path) -> tuple[str, object]:
    for passphrase in (STRONG_PASSPHRASE, OTHER_PASSPHRASE):
        (data_dir / "unlock-attempts.json").unlink(missing_ok=True)
        try:
            with practice_handle.open_with_passphrase(data_dir, passphrase) as opened:
                return passphrase, load_profile(opened.sessions)
        except VaultError as error:
            if error.code not in ("wrong_passphrase", "rotation_interrupted"):
                raise
    raise AssertionError("neither passphrase opens the practice")


@pytest.mark.slow
def test_a_rotation_killed_at_random_moments_leaves_a_practice_that_opens(practice: object,
                                                                            data_dir: Path) -> None:
    practice.close()  # type: ignore[attr-defined]
    rng = random.Random(19)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    outcomes: dict[str, int] = {}
    states: dict[str, int] = {}  # what each kill left: vault.json's pending slots, the half-written copy
    current, other = STRONG_PASSPHRASE, OTHER_PASSPHRASE
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), current, other], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.25))  # the rotation of this small practice takes ~0.3 s
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        state = ("pending" if vault.load_keyfile(data_dir).pending else "settled") + (
            "+copy" if (data_dir / "practice.db.rekey").exists() else "")
        states[state] = states.get(state, 0) + 1
        opened_with, profile = _open_either(data_dir)
        assert profile == PROFILE
        outcomes[opened_with] = outcomes.get(opened_with, 0) + 1
        # the passphrase in force now: opening settled the rotation, and a kill after the database was rekeyed
        # is finished even when the old passphrase opened it (then the new one is in force)
        in_force, profile = _open_either(data_dir)
        assert profile == PROFILE
        if in_force != current:
            current, other = other, current
    assert sum(outcomes.values()) == KILLS
    print(f"kills: {states}; opened with: {outcomes}")
